# exec: a new process in a running container, as engines call it.

start_sleeping_container() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit "$1"
  r run -d --bundle "$T/bundle" --pid-file "$T/init.pid" "$1"
  wait_status "$1" running
}

test_exec_joins_every_namespace_and_the_cgroup() {
  start_sleeping_container runo-t-exec-$$
  local id=runo-t-exec-$$ init epid ns
  init=$(cat "$T/init.pid")
  capture r exec -d --pid-file "$T/exec.pid" "$id" sleep 1000
  assert_eq "$rc" 0 "$err"
  epid=$(cat "$T/exec.pid")
  for ns in pid mnt net ipc uts cgroup user time; do
    assert_eq "$(ns_inode "$epid" "$ns")" "$(ns_inode "$init" "$ns")" "$ns namespace"
  done
  grep -qx "$epid" "$(cg_file pids "/runo-test-${T##*/}-bundle" cgroup.procs)" || fail "exec'd process not in the container's cgroup"
  capture r ps --format json "$id"
  assert_contains "$out" "$epid"
  # Engines are subreapers: exec'd processes (and init) stay in their tree.
  assert_eq "$(as_subreaper "$T/exec2.pid" "$RUNO" --root "$ROOT" exec -d --pid-file "$T/exec2.pid" "$id" sleep 1000)" child
  make_bundle "$T/bundle2"
  edit_config "$T/bundle2" 'd["process"]["args"] = ["sleep", "1000"]'
  assert_eq "$(as_subreaper "$T/init2.pid" "$RUNO" --root "$ROOT" run -d --bundle "$T/bundle2" --pid-file "$T/init2.pid" "$id-2")" child
  r delete --force "$id-2"
}

test_exec_foreground_exit_status_and_cli_options() {
  start_sleeping_container c1
  capture r exec c1 sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g)"; exit 7'
  assert_eq "$rc" 7
  assert_eq "$out" " / 0:0"
  capture r exec --env FOO=bar --cwd /tmp --user 1000:1000 c1 sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g)"'
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "bar /tmp 1000:1000"
  capture r exec c1 ps -o pid,args
  assert_eq "$(printf '%s\n' "$out" | awk 'NR > 1 {print $1, $2}' | sort -n | head -n1)" "1 sleep"
  capture r exec c1 /no/such/thing
  assert_error "^runo: exec: exec: \"/no/such/thing\": "
  capture r exec c1
  assert_error "missing command to run"
}

test_exec_process_file() {
  start_sleeping_container c1
  cat >"$T/process.json" <<'JSON'
{"args": ["sh", "-c", "grep -E '^(Uid|Gid|CapEff|NoNewPrivs):' /proc/self/status"],
 "cwd": "/", "env": ["PATH=/bin"], "user": {"uid": 1234, "gid": 4321},
 "noNewPrivileges": true,
 "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"],
                  "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}}
JSON
  capture r exec --process "$T/process.json" c1
  assert_eq "$rc" 0 "$err"
  assert_match "$out" $'Uid:\t1234\t1234'
  assert_match "$out" $'Gid:\t4321\t4321'
  assert_match "$out" $'CapEff:\t0000000000000020'
  assert_match "$out" $'NoNewPrivs:\t1'
  echo '{"args": ["true"]}' >"$T/bad.json"
  capture r exec --process "$T/bad.json" c1
  assert_error "cwd"
  capture r exec --process "$T/process.json" c1 true
  assert_error "a command cannot go with --process"
}

# A created container can be exec'd into (runc allows it, engines use it
# to set things up before start); a stopped one cannot.
test_exec_into_created_and_not_stopped_containers() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c1
  r create --bundle "$T/bundle" c1
  # In its namespaces: its hostname, and init (still runo) is pid 1 there.
  capture r exec c1 sh -c 'hostname; test -e /proc/1 && echo init-is-1'
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "$(json_get "$T/bundle/config.json" 'd["hostname"]')"$'\ninit-is-1'
  assert_eq "$(r state c1 | json_get - 'd["status"]')" created
  r start c1
  wait_status c1 running
  r kill c1 KILL
  wait_status c1 stopped
  capture r exec c1 true
  assert_error "is stopped: cannot exec in it"
  capture r exec nope true
  assert_error "does not exist"
  r delete c1
  assert_no_leftovers
}

test_exec_paused_is_refused() {
  start_sleeping_container runo-t-exp-$$
  r pause runo-t-exp-$$
  capture r exec runo-t-exp-$$ true
  assert_error "is paused: cannot exec in it"
  r resume runo-t-exp-$$
}

test_terminal_over_console_socket() {
  make_bundle
  edit_config "$T/bundle" '
d["process"]["terminal"] = True
d["process"]["consoleSize"] = {"height": 33, "width": 111}
d["process"]["args"] = ["sh", "-c", "tty; stty size; ls -l /dev/console | cut -c1"]'
  start_console_receiver "$T/console.sock" "$T/console.out"
  capture r run --console-socket "$T/console.sock" --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  wait "$console_pid" 2>/dev/null || true
  local output
  output=$(tr -d '\r' <"$T/console.out")
  assert_match "$output" '^name=/dev/pts/[0-9]+'
  assert_match "$output" $'\n/dev/pts/[0-9]+\n33 111\nc'
  capture r create --bundle "$T/bundle" c2
  assert_error "process.terminal: needs --console-socket"
}

test_exec_tty_over_console_socket() {
  start_sleeping_container c1
  start_console_receiver "$T/console.sock" "$T/console.out"
  capture r exec --tty --console-socket "$T/console.sock" c1 sh -c 'tty; exit 3'
  assert_eq "$rc" 3 "$err"
  wait "$console_pid" 2>/dev/null || true
  assert_match "$(tr -d '\r' <"$T/console.out")" $'\n/dev/pts/[0-9]+'
}

# exec -t in the foreground without a console socket: runo relays the
# terminal itself, as run does; detached it needs a socket.
test_exec_tty_relayed_without_console_socket() {
  start_sleeping_container c1
  echo hello >"$T/input"
  capture r exec -t c1 sh -c 'tty; read x; echo got=$x; exit 5' <"$T/input"
  assert_eq "$rc" 5 "$err"
  out=$(printf '%s' "$out" | tr -d '\r')
  assert_match "$out" $'(^|\n)/dev/pts/[0-9]+\n'
  assert_match "$out" $'\ngot=hello$'
  capture r exec -t -d c1 true
  assert_error "process.terminal: needs --console-socket with --detach"
}

test_preserve_fds() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "ls /proc/self/fd | sort -n | tr \"\\n\" \" \"; cat <&3"]'
  echo passed-through >"$T/extra"
  capture r run --preserve-fds 1 --bundle "$T/bundle" c1 3<"$T/extra" 4<"$T/extra"
  assert_eq "$rc" 0 "$err"
  # 0-2, the preserved 3, and ls's own directory fd; not 4.
  assert_match "$out" '^0 1 2 3 [0-9]+ passed-through$'
  [[ $out != *" 4 "* ]] || [[ $out == *"0 1 2 3 4 passed"* ]] || fail "fd 4 leaked: $out"
}

test_exec_cpu_affinity() {
  [ "$(nproc)" -ge 2 ] || return 0 # needs two CPUs to tell them apart
  start_sleeping_container c1
  cat >"$T/process.json" <<'JSON'
{"args": ["grep", "Cpus_allowed_list", "/proc/self/status"], "cwd": "/",
 "execCPUAffinity": {"initial": "0", "final": "1"}}
JSON
  capture r exec --process "$T/process.json" c1
  assert_eq "$rc" 0 "$err"
  assert_match "$out" $'Cpus_allowed_list:\t1$'
  echo '{"args": ["true"], "cwd": "/", "execCPUAffinity": {"final": "0-x"}}' >"$T/bad.json"
  capture r exec --process "$T/bad.json" c1
  assert_error "execCPUAffinity"
}

# runo run by hand on a `runo spec` bundle (terminal: true) with no console
# socket: runo is the terminal's other end, relaying stdin and output.
test_run_foreground_terminal_without_console_socket() {
  make_bundle
  edit_config "$T/bundle" '
d["process"]["terminal"] = True
d["process"]["args"] = ["sh", "-c", "tty; read x; echo got=$x; exit 4"]'
  echo hello >"$T/input"
  capture r run --bundle "$T/bundle" c1 <"$T/input"
  assert_eq "$rc" 4 "$err"
  out=$(printf '%s' "$out" | tr -d '\r')
  assert_match "$out" $'(^|\n)/dev/pts/[0-9]+\n'
  assert_match "$out" $'\ngot=hello$'
  # Detached, nobody would be at the other end.
  capture r run -d --bundle "$T/bundle" c2
  assert_error "process.terminal: needs --console-socket"
  assert_no_leftovers
}
