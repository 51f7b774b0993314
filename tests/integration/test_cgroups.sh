# linux.resources and the commands that act on the cgroup: values read back
# from the cgroup files, and the effects that are cheap to show.  Container
# ids start with runo-t- so that a leftover cgroup is easy to spot.

# A file of the cgroup of a container made from $T/bundle (see
# make_bundle): cgf CONTROLLER V1FILE [V2FILE].
cgf() { cg_file "$1" "/runo-test-${T##*/}-bundle" "$2" "${3:-$2}"; }

assert_cgroup_gone() {
  local left
  left=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "runo-test-${T##*/}-*" 2>/dev/null)
  [ -z "$left" ] || fail "cgroup left behind: $left"
}

test_resources_are_written() {
  make_bundle
  local id=runo-t-res-$$
  edit_config "$T/bundle" '
d["process"]["args"] = ["sleep", "1000"]
d["linux"]["resources"].update({
  "memory": {"limit": 67108864, "reservation": 33554432, "swappiness": 10},
  "cpu": {"shares": 512, "quota": 20000, "period": 100000, "cpus": "0"},
  "pids": {"limit": 42},
})'
  on_exit "\"$RUNO\" --root \"$ROOT\" delete --force $id >/dev/null 2>&1"
  capture r create --bundle "$T/bundle" --pid-file "$T/pid" "$id"
  assert_eq "$rc" 0 "$err"
  assert_eq "$(cat "$(cgf memory memory.limit_in_bytes memory.max)")" 67108864
  assert_eq "$(cat "$(cgf memory memory.soft_limit_in_bytes memory.low)")" 33554432
  if cgroup_v2_host; then
    # v2: shares 512 is weight 1 + (510 * 9999) / 262142; no swappiness.
    assert_eq "$(cat "$(cgf cpu cpu.weight)")" 20
    assert_eq "$(cat "$(cgf cpu cpu.max)")" "20000 100000"
  else
    assert_eq "$(cat "$(cgf memory memory.swappiness)")" 10
    assert_eq "$(cat "$(cgf cpu cpu.shares)")" 512
    assert_eq "$(cat "$(cgf cpu cpu.cfs_quota_us)")" 20000
  fi
  assert_eq "$(cat "$(cgf cpuset cpuset.cpus)")" 0
  assert_eq "$(cat "$(cgf pids pids.max)")" 42
  # The default config denies all devices but the defaults (v1 shows the
  # list; v2's BPF filter is tested in test_attack_devices.sh).
  cgroup_v2_host || assert_contains "$(cat "$(cgf devices devices.list)")" "c 1:3 rwm"
  # The init is in the cgroup before it runs anything of the container.
  grep -qx "$(cat "$T/pid")" "$(cgf memory cgroup.procs)" || fail "init not in the memory cgroup"
  grep -qx "$(cat "$T/pid")" "$(cgf pids cgroup.procs)" || fail "init not in the pids cgroup"
  r delete "$id"
  assert_cgroup_gone "$id"
}

test_pids_limit_stops_a_fork_bomb() {
  make_bundle
  local id=runo-t-pids-$$
  # The forking subshell dies when fork fails; what it started stays.
  edit_config "$T/bundle" '
d["linux"]["resources"]["pids"] = {"limit": 10}
d["process"]["args"] = ["sh", "-c", "(for i in $(seq 30); do sleep 1000 & done) 2>/dev/null; echo forked > /dev/null; sleep 1000"]'
  on_exit "\"$RUNO\" --root \"$ROOT\" delete --force $id >/dev/null 2>&1"
  r run -d --bundle "$T/bundle" "$id"
  wait_status "$id" running
  # 30 forks were tried; the cgroup holds at most 10 processes.
  sleep 0.5
  local n
  n=$(r ps --format json "$id" | json_get - 'len(d)')
  [ "$n" -ge 5 ] && [ "$n" -le 10 ] || fail "$n processes in the container"
  [ "$(cat "$(cgf pids pids.current)")" -le 10 ] || fail "pids.current above the limit"
  r delete --force "$id"
  assert_cgroup_gone "$id"
}

test_memory_limit_oom_kills() {
  make_bundle
  local id=runo-t-mem-$$
  edit_config "$T/bundle" '
d["linux"]["resources"]["memory"] = {"limit": 16777216, "swap": 16777216}
d["root"]["readonly"] = False
d["process"]["args"] = ["sh", "-c", "x=$(head -c 67108864 /dev/zero | tr \"\\\\0\" a); echo survived"]'
  capture r run --bundle "$T/bundle" "$id"
  [ "$rc" != 0 ] || fail "a 64 MiB string fit in 16 MiB"
  [[ $out != *survived* ]] || fail "not killed: $out"
  assert_cgroup_gone "$id"
}

test_pause_resume_freezes_the_container() {
  make_bundle
  local id=runo-t-frz-$$
  edit_config "$T/bundle" '
d["root"]["readonly"] = False
d["process"]["args"] = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /count.new; mv /count.new /count; sleep 0.05; done"]'
  on_exit "\"$RUNO\" --root \"$ROOT\" delete --force $id >/dev/null 2>&1"
  r run -d --bundle "$T/bundle" "$id"
  wait_status "$id" running
  sleep 0.3
  capture r pause "$id"
  assert_eq "$rc" 0 "$err"
  assert_eq "$(r state "$id" | json_get - 'd["status"]')" paused
  local a b
  # The counter file is replaced by rename: a read never sees it empty.
  a=$(cat "$T/bundle/rootfs/count")
  assert_match "$a" '^[0-9]+$'
  sleep 0.5
  b=$(cat "$T/bundle/rootfs/count")
  assert_eq "$b" "$a" "counter moved while paused"
  capture r pause "$id"
  assert_error "is paused"
  capture r resume "$id"
  assert_eq "$rc" 0 "$err"
  assert_eq "$(r state "$id" | json_get - 'd["status"]')" running
  sleep 0.5
  [ "$(cat "$T/bundle/rootfs/count")" -gt "$b" ] || fail "counter did not move after resume"
  capture r resume "$id"
  assert_error "is running"
  r delete --force "$id"
  assert_cgroup_gone "$id"
}

test_ps_update_events_kill_all() {
  make_bundle
  local id=runo-t-ctl-$$
  edit_config "$T/bundle" '
d["process"]["args"] = ["sh", "-c", "sleep 1000 & sleep 1000 & wait"]'
  on_exit "\"$RUNO\" --root \"$ROOT\" delete --force $id >/dev/null 2>&1"
  r run -d --bundle "$T/bundle" --pid-file "$T/pid" "$id"
  wait_status "$id" running
  local pids
  for i in $(seq 50); do
    pids=$(r ps --format json "$id")
    [ "$(echo "$pids" | json_get - 'len(d)')" = 3 ] && break
    sleep 0.1
  done
  assert_eq "$(echo "$pids" | json_get - 'len(d)')" 3
  assert_contains "$pids" "$(cat "$T/pid")"
  capture r ps "$id"
  assert_eq "$rc" 0 "$err"
  assert_match "$out" '^UID +PID +PPID'
  assert_lines "$out" 4
  capture r ps "$id" -o pid,comm
  assert_lines "$out" 4
  assert_match "$out" 'sleep'

  capture r update --memory 128m --pids-limit 77 "$id"
  assert_eq "$rc" 0 "$err"
  assert_eq "$(cat "$(cgf memory memory.limit_in_bytes memory.max)")" 134217728
  assert_eq "$(cat "$(cgf pids pids.max)")" 77
  echo '{"pids": {"limit": 55}}' >"$T/res.json"
  capture r update --resources "$T/res.json" "$id"
  assert_eq "$rc" 0 "$err"
  assert_eq "$(cat "$(cgf pids pids.max)")" 55
  capture r update --resources - "$id" <<<'{"pids": {"limit": "x"}}'
  assert_error "resources: linux.resources.pids.limit: expected integer"
  capture r update --memory lots "$id"
  assert_error "^runo: update: --memory lots: invalid value\$"

  capture r events --stats "$id"
  assert_eq "$rc" 0 "$err"
  printf '%s' "$out" >"$T/ev.json"
  assert_eq "$(json_get "$T/ev.json" 'd["type"]')" stats
  assert_eq "$(json_get "$T/ev.json" 'd["id"]')" "$id"
  assert_eq "$(json_get "$T/ev.json" 'd["data"]["pids"]["current"]')" 3
  assert_eq "$(json_get "$T/ev.json" 'd["data"]["pids"]["limit"]')" 55
  [ "$(json_get "$T/ev.json" 'd["data"]["memory"]["usage"]["usage"]')" -gt 0 ] || fail "no memory usage"

  capture r kill --all "$id" KILL
  assert_eq "$rc" 0 "$err"
  wait_status "$id" stopped
  capture r ps --format json "$id"
  assert_error "is stopped"
  r delete "$id"
  assert_cgroup_gone "$id"
}

test_events_stream_until_stopped() {
  make_bundle
  local id=runo-t-evs-$$
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1"]'
  on_exit "\"$RUNO\" --root \"$ROOT\" delete --force $id >/dev/null 2>&1"
  r run -d --bundle "$T/bundle" "$id"
  capture timeout 10 "$RUNO" --root "$ROOT" events --interval 200ms "$id"
  assert_eq "$rc" 0 "$err"
  [ "$(printf '%s\n' "$out" | grep -c '"type":"stats"')" -ge 2 ] || fail "expected a stream of stats: $out"
  r delete "$id"
}

# Nothing accumulates over many containers: no cgroup, state, process or
# fd is left by 1000 create/delete cycles.
test_thousand_create_delete_cycles_leak_nothing() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["true"]'
  local i
  for i in $(seq 1000); do
    "$RUNO" --root "$ROOT" create --bundle "$T/bundle" "cyc$i" ||
      fail "create $i failed"
    "$RUNO" --root "$ROOT" delete "cyc$i" || fail "delete $i failed"
  done
  assert_cgroup_gone
  assert_no_leftovers
  assert_eq "$(ls -A "$ROOT" | grep -v '^\.' | wc -l)" 0
}

# hugetlb lives on the cgroup2 mount of this hybrid host: each controller
# is used where it is mounted.
test_hugepage_limits_where_hugetlb_lives() {
  local dir
  dir=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
  [ -n "$dir" ] && grep -qw hugetlb "$dir/cgroup.controllers" || return 0
  make_bundle
  edit_config "$T/bundle" '
d["process"]["args"] = ["sleep", "1000"]
d["linux"]["resources"]["hugepageLimits"] = [{"pageSize": "2MB", "limit": 4194304}]'
  on_exit "\"$RUNO\" --root \"$ROOT\" delete --force c1 >/dev/null 2>&1"
  capture r create --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$(cat "$dir/runo-test-${T##*/}-bundle/hugetlb.2MB.max")" 4194304
  [ ! -e "$dir/runo-test-${T##*/}-bundle/hugetlb.2MB.rsvd.max" ] ||
    assert_eq "$(cat "$dir/runo-test-${T##*/}-bundle/hugetlb.2MB.rsvd.max")" 4194304
  edit_config "$T/bundle" 'd["linux"]["resources"]["hugepageLimits"] = [{"pageSize": "3MB", "limit": 1}]'
  capture r create --bundle "$T/bundle" c2
  assert_error 'huge page size `3MB` not supported by this host'
  r delete --force c1
  assert_cgroup_gone
}

# What Docker and Podman send for "not set": blockIO.weight 0 on every
# docker run, pids.limit 0 for podman 4's --pids-limit -1, and zeros in
# every field `docker update` leaves alone.  0 leaves the value as it is.
test_engine_zeros_mean_unset() {
  make_bundle
  local id=runo-t-zero-$$
  edit_config "$T/bundle" '
d["process"]["args"] = ["sleep", "1000"]
d["linux"]["resources"].update({"blockIO": {"weight": 0}, "pids": {"limit": 0},
  "memory": {"limit": 67108864, "reservation": 0}, "cpu": {"shares": 0, "quota": 0, "period": 0}})'
  delete_on_exit "$id"
  capture r run -d --bundle "$T/bundle" "$id"
  assert_eq "$rc" 0 "$err"
  wait_status "$id" running
  assert_eq "$(cat "$(cgf pids pids.max)")" max
  capture r exec "$id" sh -c 'true & wait'
  assert_eq "$rc" 0 "$err"
  capture r update --resources - "$id" <<<'{"memory": {"limit": 0, "reservation": 0, "kernel": 0},
    "cpu": {"shares": 0, "quota": 0, "period": 0}, "blockIO": {"weight": 0}, "pids": {"limit": 0}}'
  assert_eq "$rc" 0 "$err"
  assert_eq "$(cat "$(cgf memory memory.limit_in_bytes memory.max)")" 67108864
  assert_eq "$(cat "$(cgf pids pids.max)")" max
}
