# Processes, cgroups and state files that are not the container's: runo
# must act only on what it made, whatever state.json says, and every
# command must finish the job of one that was killed half-way.

# The test's cgroup path for bundle name $1 (as make_bundle sets it).
cg_of() { echo "/runo-test-${T##*/}-$1"; }

# The directories of cgroup path $1 that exist, in any hierarchy.
cg_dirs() {
  local d
  for d in /sys/fs/cgroup/*/; do
    [ -d "$d${1#/}" ] && echo "$d${1#/}"
  done
  return 0
}

# mkdir cgroup path $1 in every hierarchy (cpuset gets its parent's cpus and
# mems) and remove it when the test ends, killing nothing: the test's own
# processes in it are gone by then.
make_cgroup() {
  local d p=${1#/}
  for d in /sys/fs/cgroup/*/; do
    [ -d "$d$p" ] && continue
    mkdir "$d$p"
    if [ -f "$d$p/cpuset.cpus" ]; then
      cat "${d}cpuset.cpus" >"$d$p/cpuset.cpus"
      cat "${d}cpuset.mems" >"$d$p/cpuset.mems"
    fi
  done
  on_exit "for d in /sys/fs/cgroup/*/; do rmdir \"\${d}$p\" 2>/dev/null; done"
}

# Put pid $2 into cgroup path $1 in every hierarchy.
enter_cgroup() {
  local d
  for d in /sys/fs/cgroup/*/; do
    echo "$2" >"$d${1#/}/cgroup.procs"
  done
}

alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status"; }

test_kill_refuses_a_pid_out_of_range() {
  start_sleeper
  # 2^32 + pid: truncated to pid_t it is the sleeper, start time and all.
  fake_container big "$((4294967296 + sleeper))" "$(proc_start_time "$sleeper")"
  capture r kill big KILL
  assert_error "corrupt"
  alive "$sleeper" || fail "kill signalled pid $sleeper"
  capture r kill big KILL --all
  alive "$sleeper" || fail "kill --all signalled pid $sleeper"
  capture r delete --force big
  assert_eq "$rc" 0 "$err"
  alive "$sleeper" || fail "delete killed pid $sleeper"
  [ ! -e "$ROOT/big" ] || fail "state left"
  # pid 1 is never a container's.
  fake_container one 1 "$(proc_start_time 1)"
  capture r kill one CONT
  assert_error "corrupt"
}

test_state_values_are_validated() {
  start_sleeper
  local st
  st=$(proc_start_time "$sleeper")
  fake_container c "$sleeper" "$st"
  assert_eq "$(r state c | json_get - 'd["status"]')" running
  local bad
  for bad in '"pid":-5' '"pidStartTime":"12abc"' '"pidStartTime":"0"' \
    '"pidStartTime":"99999999999999999999999"' '"cgroupPath":"/../../x"' \
    '"cgroupPath":"/"' '"cgroupPath":"relative"' '"cgroupOwned":"yes"' \
    '"id":"other"' '"owner":-1'; do
    fake_container c "$sleeper" "$st"
    python3 - "$ROOT/c/state.json" "$bad" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d.update(json.loads("{" + sys.argv[2] + "}"))
json.dump(d, open(sys.argv[1], "w"))
PY
    capture r state c
    assert_error "corrupt|names another id" "$bad"
    capture r kill c CONT
    assert_error "corrupt|names another id" "$bad"
  done
  alive "$sleeper" || fail "sleeper killed"
}

# A stopped container's delete must not kill what is in the cgroup its
# state names, nor remove that cgroup.
test_delete_of_stopped_container_spares_its_cgroup() {
  local cg
  cg=$(cg_of fake)
  make_cgroup "$cg"
  start_sleeper
  enter_cgroup "$cg" "$sleeper"
  fake_container stopped 999999 1
  python3 - "$ROOT/stopped/state.json" "$cg" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["cgroupPath"] = sys.argv[2]
d["cgroupOwned"] = True
d["ownPidNamespace"] = True
json.dump(d, open(sys.argv[1], "w"))
PY
  capture r delete stopped
  assert_eq "$rc" 0 "$err"
  sleep 0.2
  alive "$sleeper" || fail "delete killed a process in the cgroup"
  [ -n "$(cg_dirs "$cg")" ] || fail "delete removed the cgroup"
  [ ! -e "$ROOT/stopped" ] || fail "state left"
}

test_preexisting_cgroup_is_not_the_containers() {
  local cg
  make_bundle
  cg=$(cg_of bundle)
  make_cgroup "$cg"
  start_sleeper
  enter_cgroup "$cg" "$sleeper"
  capture r run --bundle "$T/bundle" pre
  assert_eq "$rc" 0 "$err"
  sleep 0.2
  alive "$sleeper" || fail "run killed a process that was in its cgroup"
  assert_eq "$(cg_dirs "$cg" | wc -l)" "$(ls -d /sys/fs/cgroup/*/ | wc -l)" "cgroup dirs"

  edit_config "$T/bundle" "d['process']['args'] = ['sleep', '1000']"
  r run -d --bundle "$T/bundle" pre2
  delete_on_exit pre2
  capture r delete --force pre2
  assert_eq "$rc" 0 "$err"
  sleep 0.2
  alive "$sleeper" || fail "delete --force killed a process in the cgroup"
  [ -n "$(cg_dirs "$cg")" ] || fail "delete removed a cgroup it did not make"
  assert_no_leftovers
}

test_delete_of_one_container_leaves_another_sharing_its_cgroup() {
  local cg
  make_bundle "$T/a"
  make_bundle "$T/b"
  cg=$(cg_of a)
  edit_config "$T/a" "d['process']['args'] = ['sleep', '1000']"
  edit_config "$T/b" "d['process']['args'] = ['sleep', '1000']
d['linux']['cgroupsPath'] = '$cg'"
  on_exit "for d in /sys/fs/cgroup/*/; do rmdir \"\${d}${cg#/}\" 2>/dev/null; done"
  r run -d --bundle "$T/a" a
  delete_on_exit a
  r run -d --bundle "$T/b" b
  delete_on_exit b
  capture r delete --force b
  assert_eq "$rc" 0 "$err"
  sleep 0.2
  assert_eq "$(r state a | json_get - 'd["status"]')" running
  r kill --all a KILL
  wait_status a stopped
  capture r delete a
  assert_eq "$rc" 0 "$err"
  assert_eq "$(cg_dirs "$cg")" "" "the creator's delete removes the cgroup"
  assert_no_leftovers
}

# Without its own pid namespace a container's processes are init's: kill
# --all and delete reach them and nothing else in the cgroup.
test_shared_pidns_container_is_killed_by_its_processes() {
  local cg
  make_bundle
  cg=$(cg_of bundle)
  edit_config "$T/bundle" "
d['linux']['namespaces'] = [n for n in d['linux']['namespaces'] if n['type'] != 'pid']
d['process']['args'] = ['sh', '-c', 'sleep 1000 & sleep 1000 & wait']"
  make_cgroup "$cg"
  start_sleeper
  enter_cgroup "$cg" "$sleeper"
  r run -d --bundle "$T/bundle" --pid-file "$T/pid" shared
  delete_on_exit shared
  local init
  init=$(cat "$T/pid")
  for i in $(seq 50); do [ "$(cat /proc/$init/task/*/children | wc -w)" = 2 ] && break; sleep 0.1; done
  local kids
  kids=$(cat /proc/$init/task/*/children)
  capture r delete --force shared
  assert_eq "$rc" 0 "$err"
  local k
  for k in $kids; do ! alive "$k" || fail "child $k of init survived"; done
  alive "$sleeper" || fail "delete killed a process of the cgroup"
}

# delete killed after it removed the cgroups: a second one finishes.
test_delete_is_idempotent() {
  local cg d
  make_bundle
  cg=$(cg_of bundle)
  edit_config "$T/bundle" "d['process']['args'] = ['sleep', '1000']"
  r run -d --bundle "$T/bundle" idem
  delete_on_exit idem
  r kill idem KILL
  wait_status idem stopped
  for d in $(cg_dirs "$cg"); do rmdir "$d"; done
  capture r delete --force idem
  assert_eq "$rc" 0 "$err"
  [ ! -e "$ROOT/idem" ] || fail "state left"
  # Paused (frozen) at delete: thawed so that it can die.
  r run -d --bundle "$T/bundle" paused
  delete_on_exit paused
  r pause paused
  capture r delete --force paused
  assert_eq "$rc" 0 "$err"
  assert_eq "$(cg_dirs "$cg")" ""
  assert_no_leftovers
}

test_corrupt_state_is_listed_and_deleted() {
  start_sleeper
  local i
  for i in empty brace trunc null dir nul big deep; do
    mkdir -p "$ROOT/$i"
  done
  chmod 700 "$ROOT"
  : >"$ROOT/empty/state.json"
  echo '{' >"$ROOT/brace/state.json"
  echo '{"id":"trunc","pid":1' >"$ROOT/trunc/state.json"
  echo null >"$ROOT/null/state.json"
  mkdir -p "$ROOT/dir/state.json/sub"
  printf '{"id":"nul"\0,"pid":0}' >"$ROOT/nul/state.json"
  head -c 20000000 /dev/zero | tr '\0' ' ' >"$ROOT/big/state.json"
  python3 -c "print('{\"a\":' + '[' * 1000000 + ']' * 1000000 + '}')" >"$ROOT/deep/state.json"
  fake_container good "$sleeper" "$(proc_start_time "$sleeper")"
  capture r list
  assert_eq "$rc" 0 "$err"
  assert_match "$out" $'\ngood +'"$sleeper"' +running'
  for i in empty brace trunc null dir nul big deep; do
    assert_match "$out" $'\n'"$i"' +0 +unknown'
  done
  capture r list --format json
  assert_eq "$rc" 0 "$err"
  assert_eq "$(printf '%s' "$out" | json_get - '[c["status"] for c in d if c["id"] == "deep"]')" '["unknown"]'
  for i in empty brace trunc null dir nul big deep; do
    capture r delete "$i"
    assert_error "corrupt|Is a directory|too large"
    capture r delete --force "$i"
    assert_eq "$rc" 0 "$i: $err"
    [ ! -e "$ROOT/$i" ] || fail "$i: state dir left"
  done
  alive "$sleeper" || fail "sleeper killed"
}

test_oversized_annotations_are_refused_at_create() {
  make_bundle
  edit_config "$T/bundle" "d['annotations'] = {'k%d' % i: 'x' * 1000 for i in range(17000)}"
  delete_on_exit big
  capture r create --bundle "$T/bundle" big
  assert_error "annotations"
  [ ! -e "$ROOT/big" ] || fail "state left"
  assert_eq "$(cg_dirs "$(cg_of bundle)")" ""
  assert_no_leftovers
}

test_memory_limit_below_minus_one_is_an_error() {
  make_bundle
  edit_config "$T/bundle" "d['linux']['resources'] = {'memory': {'limit': -2}}"
  delete_on_exit m
  capture r create --bundle "$T/bundle" m
  assert_error "memory.limit: -2"
  assert_eq "$(cg_dirs "$(cg_of bundle)")" ""
  assert_no_leftovers
}

# create stopped by SIGKILL at a known point (a createRuntime hook that
# waits) and at many syscalls: list shows it, delete --force takes all.
test_killed_create_can_be_deleted() {
  local cg
  make_bundle
  cg=$(cg_of bundle)
  on_exit "for d in /sys/fs/cgroup/*/; do rmdir \"\${d}${cg#/}\" 2>/dev/null; done"
  cat >"$T/hook.sh" <<EOF
#!/bin/sh
echo \$\$ >"$T/hook.pid"
exec sleep 1000
EOF
  chmod +x "$T/hook.sh"
  edit_config "$T/bundle" "d['hooks'] = {'createRuntime': [{'path': '$T/hook.sh'}]}"
  "$RUNO" --root "$ROOT" create --bundle "$T/bundle" k >/dev/null 2>&1 &
  local creator=$!
  on_exit "kill -9 $creator 2>/dev/null"
  for i in $(seq 100); do [ -s "$T/hook.pid" ] && break; sleep 0.1; done
  [ -s "$T/hook.pid" ] || fail "hook did not run"
  on_exit "kill $(cat "$T/hook.pid") 2>/dev/null"
  kill -9 "$creator"
  wait "$creator" 2>/dev/null || true
  capture r list
  assert_match "$out" $'\nk +[0-9]+ +(creating|stopped) '
  capture r delete --force k
  assert_eq "$rc" 0 "$err"
  assert_eq "$(cg_dirs "$cg")" ""
  [ ! -e "$ROOT/k" ] || fail "state left"

  # Killed when any syscall is made for the Nth time: a sweep from the
  # first syscall to past the end.
  edit_config "$T/bundle" "del d['hooks']"
  local n killed=0
  for n in $(seq 1 60); do
    traced -o /dev/null -e inject=all:signal=KILL:when="$n" \
      "$RUNO" --root "$ROOT" create --bundle "$T/bundle" k >/dev/null 2>&1 ||
      killed=$((killed + 1))
    if [ -e "$ROOT/k" ]; then
      capture r list
      assert_match "$out" $'\nk +[0-9]+ +(creating|stopped|created) ' "at syscall $n"
    fi
    capture r delete --force k
    assert_eq "$rc" 0 "syscall $n: $err"
    assert_eq "$(cg_dirs "$cg")" "" "cgroup left after a kill at syscall $n"
    [ ! -e "$ROOT/k" ] || fail "state left after a kill at syscall $n"
    # Killed between clone and the state write that names it, init dies
    # of its parent-death signal or of the closed sync socket, a moment
    # later.
    for i in $(seq 20); do (assert_no_leftovers) 2>/dev/null && break; sleep 0.1; done
    assert_no_leftovers
  done
  [ "$killed" -gt 30 ] || fail "create was killed only $killed times"
}

test_concurrent_delete_kill_pause() {
  local cg i
  make_bundle
  cg=$(cg_of bundle)
  edit_config "$T/bundle" "d['process']['args'] = ['sleep', '1000']"
  on_exit "for d in /sys/fs/cgroup/*/; do rmdir \"\${d}${cg#/}\" 2>/dev/null; done"
  for i in $(seq 10); do
    r run -d --bundle "$T/bundle" cc
    delete_on_exit cc
    r pause cc >/dev/null 2>&1 &
    r kill cc KILL >/dev/null 2>&1 &
    r delete --force cc >"$T/del.err" 2>&1 &
    local d=$!
    r pause cc >/dev/null 2>&1 &
    r kill --all cc TERM >/dev/null 2>&1 &
    wait $d || fail "round $i: delete failed: $(cat "$T/del.err")"
    wait
    r delete --force cc
    assert_eq "$(cg_dirs "$cg")" "" "round $i: cgroup left"
    [ ! -e "$ROOT/cc" ] || fail "round $i: state left"
    assert_no_leftovers
  done
}
