# The systemd cgroup driver (--systemd-cgroup): the container's cgroup is a
# transient scope unit with Delegate=yes, its limits are unit properties as
# well as cgroup files, and delete stops the unit.  On a host without
# systemd as PID 1 (this CI machine) only the refusal is checked; the rest
# runs where systemd runs (the VM of tests/vm).

have_systemd() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null; }

skip_without_systemd() {
  have_systemd && return 0
  skip "systemd is not running on this host"
}

# A bundle whose cgroupsPath is a unit named after the test.
systemd_bundle() {
  make_bundle "$T/bundle"
  unit_name=runo-it-${T##*/}
  unit=$unit_name.scope
  edit_config "$T/bundle" "
d['linux']['cgroupsPath'] = 'system.slice:runo-it:${T##*/}'
$1"
  # Whatever happens, no unit of the test's survives it.
  on_exit "systemctl stop '$unit' >/dev/null 2>&1; systemctl reset-failed '$unit' >/dev/null 2>&1"
}

unit_prop() { systemctl show -P "$2" "$1"; }

unit_gone() {
  local state
  state=$(systemctl show -P LoadState "$1" 2>/dev/null)
  [ "$state" = not-found ] || fail "unit $1 is still there (LoadState $state, ActiveState $(unit_prop "$1" ActiveState))"
}

test_systemd_driver_without_systemd_fails_cleanly() {
  have_systemd && skip "systemd runs here (the refusal is for hosts without it)"
  make_bundle "$T/bundle"
  edit_config "$T/bundle" "d['linux']['cgroupsPath'] = 'system.slice:runo-it:${T##*/}'"
  capture r --systemd-cgroup run --bundle "$T/bundle" c1
  assert_error 'systemd is not running on this host'
  assert_no_leftovers
  [ ! -e "$(cg_file pids "/system.slice/runo-it-${T##*/}.scope" .)" ] || fail "cgroup left behind"
  # A cgroupsPath that is not slice:prefix:name is refused before anything.
  edit_config "$T/bundle" "d['linux']['cgroupsPath'] = '/runo-it-${T##*/}'"
  capture r --systemd-cgroup create --bundle "$T/bundle" c1
  assert_error 'slice:prefix:name'
  assert_no_leftovers
}

test_systemd_scope_holds_init_with_limits_as_properties() {
  skip_without_systemd
  systemd_bundle "
d['process']['args'] = ['sleep', '1000']
d['linux']['resources'] = {'memory': {'limit': 67108864}, 'pids': {'limit': 50},
  'cpu': {'shares': 512, 'quota': 50000, 'period': 100000}}"
  delete_on_exit c1
  r --systemd-cgroup create --bundle "$T/bundle" c1
  pid=$(r state c1 | json_get - "d['pid']")
  assert_eq "$(unit_prop "$unit" ActiveState)" active
  assert_eq "$(unit_prop "$unit" Delegate)" yes
  assert_eq "$(unit_prop "$unit" Slice)" system.slice
  assert_eq "$(unit_prop "$unit" MemoryMax)" 67108864
  assert_eq "$(unit_prop "$unit" TasksMax)" 50
  assert_eq "$(unit_prop "$unit" CPUQuotaPerSecUSec)" 500ms
  cg=$(awk -F: '$1 == "0" {print $3}' "/proc/$pid/cgroup")
  assert_eq "$cg" "/system.slice/$unit"
  assert_eq "$(cat "/sys/fs/cgroup$cg/memory.max")" 67108864
  assert_eq "$(cat "/sys/fs/cgroup$cg/pids.max")" 50
  assert_eq "$(cat "/sys/fs/cgroup$cg/cpu.max")" "50000 100000"
  # A reload re-applies the unit's properties: the limits must survive it.
  systemctl daemon-reload
  assert_eq "$(cat "/sys/fs/cgroup$cg/memory.max")" 67108864
  assert_eq "$(cat "/sys/fs/cgroup$cg/pids.max")" 50

  # update changes the unit (so a later reload keeps it) and the files.
  r --systemd-cgroup update --memory 128m --pids-limit 80 c1
  assert_eq "$(unit_prop "$unit" MemoryMax)" 134217728
  assert_eq "$(unit_prop "$unit" TasksMax)" 80
  systemctl daemon-reload
  assert_eq "$(cat "/sys/fs/cgroup$cg/memory.max")" 134217728
  assert_eq "$(cat "/sys/fs/cgroup$cg/pids.max")" 80

  r --systemd-cgroup start c1
  r --systemd-cgroup pause c1
  assert_eq "$(r state c1 | json_get - "d['status']")" paused
  r --systemd-cgroup resume c1
  assert_eq "$(r state c1 | json_get - "d['status']")" running
  capture r --systemd-cgroup ps c1
  assert_match "$out" "(^|[^0-9])$pid([^0-9]|$)"

  r --systemd-cgroup kill c1 KILL
  wait_status c1 stopped
  r --systemd-cgroup delete c1
  unit_gone "$unit"
  [ ! -e "/sys/fs/cgroup$cg" ] || fail "cgroup $cg left behind"
  assert_no_leftovers
}

test_systemd_delete_without_the_flag_still_stops_the_unit() {
  skip_without_systemd
  systemd_bundle "d['process']['args'] = ['sleep', '1000']"
  delete_on_exit c1
  r --systemd-cgroup create --bundle "$T/bundle" c1
  assert_eq "$(unit_prop "$unit" ActiveState)" active
  # The state records the unit: delete --force needs no flag to find it.
  r delete --force c1
  unit_gone "$unit"
  assert_no_leftovers
}

test_systemd_run_of_a_short_process_leaves_no_unit() {
  skip_without_systemd
  systemd_bundle "d['process']['args'] = ['sh', '-c', 'cat /proc/self/cgroup']"
  capture r --systemd-cgroup run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_contains "$out" "0::/"
  r delete --force c1 2>/dev/null || true
  unit_gone "$unit"
  assert_no_leftovers
}

test_systemd_unit_of_another_container_is_left_alone() {
  skip_without_systemd
  systemd_bundle "d['process']['args'] = ['sleep', '1000']"
  delete_on_exit c1
  delete_on_exit c2
  r --systemd-cgroup create --bundle "$T/bundle" c1
  # Same cgroupsPath, so the same unit name: systemd refuses the second.
  capture r --systemd-cgroup create --bundle "$T/bundle" c2
  assert_error 'start unit'
  assert_eq "$(unit_prop "$unit" ActiveState)" active
  pid=$(r state c1 | json_get - "d['pid']")
  kill -0 "$pid" || fail "c1's init died"
  [ ! -d "$ROOT/c2" ] || fail "state of c2 left behind"
  r delete --force c1
  unit_gone "$unit"
}

test_systemd_failure_after_the_unit_started_removes_it() {
  skip_without_systemd
  # Written to the files after the scope exists: the create fails there.
  systemd_bundle "d['linux']['resources'] = {'unified': {'memory.no_such_knob': '1'}}"
  capture r --systemd-cgroup create --bundle "$T/bundle" c1
  assert_error 'memory.no_such_knob'
  unit_gone "$unit"
  [ ! -e "/sys/fs/cgroup/system.slice/$unit" ] || fail "cgroup left behind"
  assert_no_leftovers
}
