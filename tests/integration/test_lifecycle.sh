# create / start / run / state / kill / delete, driven as engines do, each
# a separate invocation on the same state root.

test_create_start_delete() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c1
  capture r create --bundle "$T/bundle" --pid-file "$T/pid" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" ""
  local pid
  pid=$(cat "$T/pid")
  [ -d "/proc/$pid" ] || fail "no process $pid"
  assert_eq "$(r state c1 | json_get - 'd["status"]')" created
  assert_eq "$(r state c1 | json_get - 'd["pid"]')" "$pid"
  assert_eq "$(r state c1 | json_get - 'd["bundle"]')" "$T/bundle"
  assert_eq "$(r state c1 | json_get - 'd["rootfs"]')" "$T/bundle/rootfs"
  # Waiting for start: the user program has not run yet.
  assert_contains "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "runo"
  capture r start c1
  assert_eq "$rc" 0 "$err"
  wait_status c1 running
  # The same process, now the user program.
  assert_eq "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 1000 "
  capture r start c1
  assert_error "^runo: start: container \`c1\` is running, not created\$"
  capture r delete c1
  assert_error "^runo: delete: container \`c1\` is running: stop it first or use --force\$"
  capture r kill c1 KILL
  assert_eq "$rc" 0 "$err"
  wait_status c1 stopped
  assert_eq "$(r state c1 | json_get - 'd["pid"]')" 0
  capture r kill c1
  # containerd's runc shim recognises "container not running" (a process
  # already finished) and "does not exist" (no such container).
  assert_error "container not running"
  capture r kill nosuch
  assert_error "does not exist"
  capture r delete c1
  assert_eq "$rc" 0 "$err"
  [ ! -e "$ROOT/c1" ] || fail "state dir left"
  capture r state c1
  assert_error "does not exist"
  assert_no_leftovers
}

test_run_foreground_exit_codes() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "echo out; echo err >&2; exit 3"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 3
  assert_eq "$out" out
  assert_eq "$err" err
  # run deletes the container when it exits.
  capture r state c1
  assert_error "does not exist"
  # Killed by a signal: 128 + its number.  (From outside: init of a pid
  # namespace ignores SIGKILL sent from inside it.)
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  "$RUNO" --root "$ROOT" run -b "$T/bundle" c2 >/dev/null 2>&1 &
  local runpid=$!
  on_exit "kill -9 $runpid 2>/dev/null"
  delete_on_exit c2
  wait_status c2 running
  r kill c2 KILL
  wait "$runpid" && rc=0 || rc=$?
  assert_eq "$rc" 137
  assert_no_leftovers
}

test_run_forwards_signals() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "trap \"echo got-term; exit 7\" TERM; echo ready; while true; do sleep 0.1; done"]'
  # runo itself in the background, not a subshell: the signal is for it.
  "$RUNO" --root "$ROOT" run --bundle "$T/bundle" c1 >"$T/out" 2>"$T/err" &
  local runpid=$!
  on_exit "kill -9 $runpid 2>/dev/null"
  delete_on_exit c1
  local i
  for i in $(seq 50); do grep -q ready "$T/out" && break; sleep 0.1; done
  grep -q ready "$T/out" || fail "container did not start: $(cat "$T/err")"
  kill -TERM "$runpid"
  wait "$runpid" && rc=0 || rc=$?
  assert_eq "$rc" 7
  assert_contains "$(cat "$T/out")" got-term
  assert_no_leftovers
}

test_run_detached_and_kill_by_name_and_number() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c1
  capture r run -d --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  wait_status c1 running
  capture r kill c1 SIGFOO
  assert_error "^runo: kill: invalid signal \`SIGFOO\`\$"
  capture r kill c1 0
  assert_error "invalid signal"
  capture r kill c1 sigcont
  assert_eq "$rc" 0 "$err"
  capture r kill c1 CONT
  assert_eq "$rc" 0 "$err"
  capture r kill c1 9
  assert_eq "$rc" 0 "$err"
  wait_status c1 stopped
  r delete c1
  assert_no_leftovers
}

test_delete_force_and_created() {
  make_bundle "$T/ba"
  make_bundle "$T/bb"
  edit_config "$T/ba" 'd["process"]["args"] = ["sleep", "1000"]'
  edit_config "$T/bb" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit a
  delete_on_exit b
  r create --bundle "$T/ba" --pid-file "$T/pa" a
  r run -d --bundle "$T/bb" --pid-file "$T/pb" b
  local pa pb
  pa=$(cat "$T/pa") pb=$(cat "$T/pb")
  # A created container can be deleted without --force (its init is killed).
  capture r delete a
  assert_eq "$rc" 0 "$err"
  capture r delete --force b
  assert_eq "$rc" 0 "$err"
  for p in $pa $pb; do
    [ ! -d "/proc/$p" ] || [ "$(awk '{print $3}' "/proc/$p/stat")" = Z ] || fail "process $p still alive"
  done
  assert_no_leftovers
}

test_id_in_use_and_bad_ids() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c1
  r create --bundle "$T/bundle" c1
  capture r create --bundle "$T/bundle" c1
  assert_error "^runo: create: container id \`c1\` already in use\$"
  assert_eq "$(r state c1 | json_get - 'd["status"]')" created
  capture r create --bundle "$T/bundle" "../x"
  assert_error "invalid container id"
  r delete c1
  assert_no_leftovers
}

# Bad input fails with one line, exit 1, and leaves nothing behind.
test_bad_configs_leave_nothing() {
  make_bundle
  cp "$T/bundle/config.json" "$T/good.json"
  local case
  while IFS='|' read -r case pattern; do
    cp "$T/good.json" "$T/bundle/config.json"
    edit_config "$T/bundle" "$case"
    capture r create --bundle "$T/bundle" --pid-file "$T/pid" bad
    assert_error "$pattern"
    [ ! -e "$T/pid" ] || fail "pid file written for: $case"
    assert_no_leftovers
  done <<'CASES'
d["linux"]["namespaces"].append({"type": "pid"})|duplicate namespace type `pid`
d["linux"]["namespaces"].append({"type": "foo"})|linux.namespaces\[[0-9]+\].type: .*foo
d["linux"]["namespaces"] = [n for n in d["linux"]["namespaces"] if n["type"] != "mount"]|a new mount namespace is required
d["linux"]["namespaces"].append({"type": "user", "path": "/etc/passwd"})|namespace path `/etc/passwd` is not a namespace
d["linux"]["namespaces"] = [n for n in d["linux"]["namespaces"] if n["type"] != "network"] + [{"type": "network", "path": "/proc/self/ns/uts"}]|namespace path `/proc/self/ns/uts` is not a network namespace
d["linux"]["namespaces"].append({"type": "time", "path": "/nonexistent"})|open `/nonexistent`: No such file or directory
d["root"]["path"] = "nope"|root.path `nope`: No such file or directory
d["process"]["user"]["uid"] = -1|process.user.uid: .*
d["process"]["args"] = ["/no/such/binary"]|executable file not found|No such file or directory
d["hooks"] = {"createRuntime": [{"path": "/bin/false"}]}|createRuntime hook `/bin/false`: exited with status 1
d["hooks"] = {"createContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 4"]}]}|createContainer hook `/bin/sh`: exited with status 4
d["hooks"] = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "10"], "timeout": 1}]}|prestart hook `/bin/sleep`: timed out after 1 s
d["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 0, "size": 1}]|linux.uidMappings: needs a new user namespace
CASES
  printf '{"ociVersion": "1.3.0", "root": ' >"$T/bundle/config.json"
  capture r create --bundle "$T/bundle" bad
  assert_error "^runo: create: config.json: .*invalid JSON"
  rm "$T/bundle/config.json"
  capture r create --bundle "$T/bundle" bad
  assert_error "config.json.*No such file or directory"
  capture r create --bundle "$T/nobundle" bad
  assert_error "bundle \`$T/nobundle\`: No such file or directory"
  assert_no_leftovers
}

test_pid_file_and_list() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c1
  r create --bundle "$T/bundle" --pid-file="$T/sub/../pid" c1 2>"$T/err" && fail "pid file in a missing dir accepted" || true
  assert_no_leftovers
  r create --bundle "$T/bundle" --pid-file="$T/pid" c1
  assert_match "$(cat "$T/pid")" '^[0-9]+$'
  capture r list -q
  assert_eq "$out" c1
  capture r list
  assert_match "$out" $'\nc1 +'"$(cat "$T/pid")"' +created +'
  r delete c1
}

# The intermediate process that joins namespaces dies before it reports
# (killed at its first setns): create fails at once with a one-line error
# and leaves nothing behind, instead of waiting forever on the sync socket.
test_create_fails_when_the_joiner_dies_before_it_reports() {
  make_bundle
  start_netns_holder
  join_netns_of "$T/bundle" "$netns_holder"
  delete_on_exit c1
  # Should it hang, the runo this test started is killed at the end (its
  # command line names this test's bundle).
  on_exit 'for p in /proc/[0-9]*; do { tr "\\0" " " <$p/cmdline; } 2>/dev/null | grep -qF -- "$T/bundle c1" && kill -9 ${p#/proc/}; done'
  capture timeout -s KILL 20 env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -o /dev/null -e trace=setns -e inject=setns:signal=KILL \
    "$RUNO" --root "$ROOT" run --bundle "$T/bundle" c1
  [ "$rc" != 137 ] || fail "create hung after its joiner died"
  assert_error "exited unexpectedly"
  assert_no_leftovers
}

# config.md: ociVersion MUST be SemVer 2.0.0.
test_oci_version_must_be_semver() {
  make_bundle
  local v
  for v in invalid 1.0 1.0.0. 01.0.0 1.0.0-01 1.0.0- 1.0.0+ '1.0.0-rc..1' ' 1.0.0' v1.0.0; do
    edit_config "$T/bundle" "d['ociVersion'] = '$v'"
    capture r run --bundle "$T/bundle" c1
    assert_error "ociVersion: .* is not a SemVer"
    assert_contains "$err" "\`$v\`"
    assert_no_leftovers
  done
  for v in 1.0.0 1.3.0 1.0.2-dev 1.0.0-rc.1+build.5 1.2.3-0A-b.0 10.20.30+x-y; do
    edit_config "$T/bundle" "d['ociVersion'] = '$v'"
    capture r run --bundle "$T/bundle" c1
    assert_eq "$rc" 0 "$v: $err"
  done
}

# run --keep: the container stays, stopped, until delete.
test_run_keep_leaves_a_stopped_container() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "exit 3"]'
  delete_on_exit c1
  capture r run --keep --bundle "$T/bundle" c1
  assert_eq "$rc" 3 "$err"
  assert_eq "$(r state c1 | json_get - 'd["status"]')" stopped
  r delete c1
  [ ! -e "$ROOT/c1" ] || fail "state left after delete"
  # Without --keep it is gone.
  capture r run --bundle "$T/bundle" c2
  assert_eq "$rc" 3 "$err"
  [ ! -e "$ROOT/c2" ] || fail "run without --keep left the container"
}
