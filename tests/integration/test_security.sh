# The known runtime escapes, closed: the runtime binary cannot be written
# from a container, no host fd leaks in, the cwd is inside the container.

test_runtime_binary_is_not_writable_from_the_container() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c1
  local before
  before=$(sha256sum <"$RUNO")
  r create --bundle "$T/bundle" --pid-file "$T/pid" c1
  # Created: init is still runo, waiting for start.  Its executable is a
  # sealed copy, not the host's file.
  assert_eq "$(readlink "/proc/$(cat "$T/pid")/exe")" "/memfd:runo (deleted)"
  # Even the host's root cannot write into the sealed copy.
  if python3 -c "import sys; f = open('/proc/$(cat "$T/pid")/exe', 'r+b'); f.write(b'x'); f.flush()" 2>/dev/null; then
    fail "the runtime's executable was writable"
  fi
  r start c1
  wait_status c1 running
  # From inside, through a process that is runo until it execs (exec), and
  # through init: nothing of the runtime's executable is reachable.
  capture r exec c1 sh -c 'for p in /proc/[0-9]*; do echo x >> $p/exe && echo "wrote $p"; done 2>/dev/null; true'
  assert_eq "$rc" 0 "$err"
  [[ $out != *wrote* ]] || fail "$out"
  assert_eq "$(sha256sum <"$RUNO")" "$before"
}

test_no_host_fd_leaks_into_the_container() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "ls /proc/self/fd | sort -n | tr \"\\n\" \" \"; readlink /proc/self/cwd"]'
  exec 7<"$RUNO"
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  # 0-2 and ls's own directory fd only; the cwd is the container's /.
  assert_match "$out" '^0 1 2 [3-9] '$'\n''?/$'
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c2
  r run -d --bundle "$T/bundle" c2
  wait_status c2 running
  capture r exec c2 sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "; readlink /proc/self/cwd'
  assert_eq "$rc" 0 "$err"
  assert_match "$out" '^0 1 2 [3-9] '$'\n''?/$'
  exec 7<&-
}

# CVE-2024-21626 class: a cwd of /proc/self/fd/N names whatever directory
# the runtime still holds open as fd N when the process enters it (state
# root, state dir, cgroup dirs).  Every such cwd is refused, and no host
# directory is reachable from the process.
test_cwd_through_proc_self_fd_is_refused_for_run() {
  make_bundle
  local n
  for n in $(seq 3 20); do
    edit_config "$T/bundle" "
d['process']['cwd'] = '/proc/self/fd/$n'
d['process']['args'] = ['sh', '-c', 'readlink /proc/self/cwd; ls ../../../../../../ | head -3']"
    capture r run --bundle "$T/bundle" "c$n"
    [ "$rc" != 0 ] || fail "cwd /proc/self/fd/$n: ran, with cwd [$out]"
    assert_error "chdir to cwd \`/proc/self/fd/$n\`"
    [ ! -e "$ROOT/c$n" ] || fail "state of c$n left behind"
  done
  assert_no_leftovers
}

test_cwd_through_proc_self_fd_is_refused_for_exec() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c1
  r run -d --bundle "$T/bundle" c1
  wait_status c1 running
  local n
  for n in 3 $(seq 12 20); do
    capture r exec --cwd "/proc/self/fd/$n" c1 sh -c 'readlink /proc/self/cwd; ls ../../../../../../ | head -3'
    [ "$rc" != 0 ] || fail "exec --cwd /proc/self/fd/$n: ran, with cwd [$out]"
    assert_error "chdir to cwd \`/proc/self/fd/$n\`"
  done
  # A plain cwd still works.
  capture r exec --cwd /etc c1 sh -c 'readlink /proc/self/cwd'
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" /etc
}

# The open fds of a shell, listed without opening any (test is a builtin
# that stats; eval reads no file): $fd_list_cmd runs the list kept in $L,
# which fd_lister_env gives to the container's process.
export fd_lister='i=0; l=; while [ $i -lt 64 ]; do [ -e /proc/self/fd/$i ] && l="$l $i"; i=$((i+1)); done; echo $l'
fd_list_cmd='eval "$L"'
fd_lister_env='import os; d["process"]["env"].append("L=" + os.environ["fd_lister"])'

# While created, init is runo: it holds stdio and the exec fifo, nothing
# of the host's directories.  After start, the process holds 0-2 only.
test_init_and_exec_hold_only_stdio_and_their_own_fds() {
  make_bundle
  edit_config "$T/bundle" "d['process']['args'] = ['sh', '-c', 'exec >/tmp/fds; $fd_list_cmd; exec sleep 1000']
d['root']['readonly'] = False
$fd_lister_env"
  delete_on_exit c1
  exec 7<"$T"
  r create --bundle "$T/bundle" --pid-file "$T/pid" c1
  exec 7<&-
  local pid fds f
  pid=$(cat "$T/pid")
  fds=
  for f in /proc/"$pid"/fd/*; do
    case $(readlink "$f") in
      */exec.fifo) ;;
      *) [ "${f##*/}" -le 2 ] || fds="$fds ${f##*/}=$(readlink "$f")" ;;
    esac
  done
  [ -z "$fds" ] || fail "init holds more than stdio and exec.fifo:$fds"
  r start c1
  wait_status c1 running
  for f in $(seq 50); do [ -s "$T/bundle/rootfs/tmp/fds" ] && break; sleep 0.1; done
  assert_eq "$(cat "$T/bundle/rootfs/tmp/fds")" "0 1 2"
  capture r exec c1 sh -c "$fd_list_cmd"
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "0 1 2"
}

# --preserve-fds N passes the caller's fds among 3..3+N-1, and only those:
# a runtime fd that happens to sit in a gap of the range (here the --log
# file, and whatever runo opens next) is not passed.
test_preserve_fds_with_gaps_passes_only_the_callers_fds() {
  make_bundle
  edit_config "$T/bundle" "d['process']['args'] = ['sh', '-c', '$fd_list_cmd; readlink /proc/self/fd/3; readlink /proc/self/fd/5; true']
$fd_lister_env"
  echo three >"$T/three"
  echo five >"$T/five"
  # Whatever the test's shell holds is closed first (bash -c execs the
  # last command: runo gets exactly these fds).
  local closefds='for f in $(seq 3 30); do eval "exec $f<&-"; done'
  capture bash -c "$closefds"'; exec 3<"$1" 5<"$2"; "$RUNO" --root "$ROOT" --log "$3" run --preserve-fds 6 --bundle "$4" c1' \
    _ "$T/three" "$T/five" "$T/log" "$T/bundle"
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "0 1 2 3 5"$'\n'"$T/three"$'\n'"$T/five"
  # No fds of the caller at all: the log file sits at 3, the runtime's
  # directories after it; none reaches the container.
  capture bash -c "$closefds"'; "$RUNO" --root "$ROOT" --log "$1" run --preserve-fds 10 --bundle "$2" c2' \
    _ "$T/log" "$T/bundle"
  assert_eq "$rc" 0 "$err"
  assert_eq "${out%%$'\n'*}" "0 1 2"
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c3
  r run -d --bundle "$T/bundle" c3
  wait_status c3 running
  capture bash -c "$closefds"'; exec 4<"$1"; "$RUNO" --root "$ROOT" --log "$2" exec --preserve-fds 5 c3 sh -c "$3; readlink /proc/self/fd/4"' \
    _ "$T/three" "$T/log" "$fd_list_cmd"
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "0 1 2 4"$'\n'"$T/three"
}

# Socket activation: LISTEN_FDS=N hands fds 3.. to the container, with the
# variables that tell the process so.
test_listen_fds_are_passed_to_init() {
  make_bundle
  edit_config "$T/bundle" "d['process']['args'] = ['sh', '-c', '$fd_list_cmd; echo \$LISTEN_FDS \$LISTEN_PID; readlink /proc/self/fd/4']
$fd_lister_env"
  echo x >"$T/sock"
  local closefds='for f in $(seq 3 30); do eval "exec $f<&-"; done'
  capture bash -c "$closefds"'; exec 3<"$1" 4<"$1" 5<"$1"; LISTEN_FDS=2 "$RUNO" --root "$ROOT" run --bundle "$2" c1' _ "$T/sock" "$T/bundle"
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "0 1 2 3 4"$'\n'"2 1"$'\n'"$T/sock"
}

# Every process runo makes on the way into a container is non-dumpable
# from birth: the runtime marks itself before it forks or clones, so that
# no container process can ptrace one of them (or open its /proc files)
# between its clone and its execve.
test_no_runtime_process_is_dumpable_when_it_enters_the_container() {
  make_bundle
  # A time namespace: create goes through its intermediate process.
  edit_config "$T/bundle" 'd["linux"]["namespaces"].append({"type": "time"})'
  delete_on_exit c2
  local cmd first
  for cmd in "run --bundle $T/bundle c1" "exec c2 true"; do
    if [ "${cmd%% *}" = exec ]; then
      edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
      r run -d --bundle "$T/bundle" c2
      wait_status c2 running
    fi
    capture traced -f -qq -e trace=prctl,clone,clone3,fork,vfork,setns,unshare -o "$T/strace" \
      "$RUNO" --root "$ROOT" $cmd
    assert_eq "$rc" 0 "$err"
    # In time order, the first of these calls must be the prctl.
    first=$(grep -m1 -E 'PR_SET_DUMPABLE, (0|SUID_DUMP_DISABLE)|clone|fork|setns|unshare' "$T/strace")
    assert_match "$first" 'prctl\(PR_SET_DUMPABLE, (0|SUID_DUMP_DISABLE)' "$cmd: $(grep -v CAPBSET "$T/strace" | head -5)"
    grep -qE 'setns\(|unshare\(CLONE_NEWTIME' "$T/strace" || fail "$cmd: no namespace joined: the test does not test"
  done
}

# linux.sysctl is written from inside the container: a key that is not
# namespaced, or whose namespace the container shares with the host,
# changes the host.  Each run below would have changed a host value; the
# value is restored at the end whatever happens, and checked unchanged.
_sysctl_guard() {
  local f=/proc/sys/$1
  local v
  v=$(cat "$f")
  on_exit "printf '%s\n' '$v' > $f"
  eval "host_$2=\$v"
}

_without_ns() {
  edit_config "$T/bundle" "d['linux']['namespaces'] = [n for n in d['linux']['namespaces'] if n['type'] != '$1']"
}

test_sysctl_of_a_namespace_the_container_shares_is_refused() {
  local host_msgmax host_qmax host_ping host_swap
  _sysctl_guard kernel/msgmax msgmax
  _sysctl_guard fs/mqueue/queues_max qmax
  _sysctl_guard net/ipv4/ping_group_range ping
  _sysctl_guard vm/swappiness swap
  make_bundle
  # The host's IPC namespace: kernel.msg*, fs.mqueue.* refused.
  _without_ns ipc
  local kv
  for kv in '"kernel.msgmax": "4243"' '"fs.mqueue.queues_max": "77"' '"kernel/msgmax": "4243"'; do
    edit_config "$T/bundle" "d['linux']['sysctl'] = {$kv}"
    capture r run --bundle "$T/bundle" c1
    assert_error "linux.sysctl: .*needs an ipc namespace"
  done
  # Joined by path, but it is the host's own: refused too.
  edit_config "$T/bundle" "d['linux']['namespaces'].append({'type': 'ipc', 'path': '/proc/$$/ns/ipc'})"
  capture r run --bundle "$T/bundle" c1
  assert_error "linux.sysctl: .*needs an ipc namespace"
  assert_eq "$(cat /proc/sys/kernel/msgmax)" "$host_msgmax"
  assert_eq "$(cat /proc/sys/fs/mqueue/queues_max)" "$host_qmax"
  # The host's network namespace: net.* refused.
  make_bundle "$T/b2"
  edit_config "$T/b2" "
d['linux']['namespaces'] = [n for n in d['linux']['namespaces'] if n['type'] != 'network']
d['linux']['sysctl'] = {'net.ipv4.ping_group_range': '0 1'}"
  capture r run --bundle "$T/b2" c1
  assert_error "linux.sysctl: .*needs a network namespace"
  assert_eq "$(cat /proc/sys/net/ipv4/ping_group_range)" "$host_ping"
  # Not namespaced at all, or the UTS ones the config has fields for.
  edit_config "$T/b2" "d['linux']['sysctl'] = {'vm.swappiness': '13'}"
  capture r run --bundle "$T/b2" c1
  assert_error "linux.sysctl: \`vm.swappiness\`: not a namespaced sysctl"
  assert_eq "$(cat /proc/sys/vm/swappiness)" "$host_swap"
  edit_config "$T/b2" "d['linux']['sysctl'] = {'kernel.hostname': 'evil'}"
  capture r run --bundle "$T/b2" c1
  assert_error "linux.sysctl: \`kernel.hostname\`: set \`hostname\`"
  for kv in '"net..ipv4": "1"' '"net/../kernel/msgmax": "1"' '"net.ipv4.": "1"'; do
    edit_config "$T/b2" "d['linux']['sysctl'] = {$kv}"
    capture r run --bundle "$T/b2" c1
    assert_error "linux.sysctl: invalid key"
  done
  assert_no_leftovers
}

test_sysctl_of_the_containers_own_namespaces_is_applied() {
  local host_msgmax host_qmax host_ping
  _sysctl_guard kernel/msgmax msgmax
  _sysctl_guard fs/mqueue/queues_max qmax
  _sysctl_guard net/ipv4/ping_group_range ping
  make_bundle
  edit_config "$T/bundle" '
d["linux"]["sysctl"] = {"kernel.msgmax": "4243", "fs/mqueue/queues_max": "77", "net.ipv4.ping_group_range": "0 1"}
d["process"]["args"] = ["cat", "/proc/sys/kernel/msgmax", "/proc/sys/fs/mqueue/queues_max", "/proc/sys/net/ipv4/ping_group_range"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" $'4243\n77\n0\t1'
  # A network namespace joined by path that is not the host's.
  start_netns_holder
  join_netns_of "$T/bundle" "$netns_holder"
  edit_config "$T/bundle" "
d['linux']['sysctl'] = {'net.ipv4.ping_group_range': '0 2'}
d['process']['args'] = ['cat', '/proc/sys/net/ipv4/ping_group_range']"
  capture r run --bundle "$T/bundle" c2
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" $'0\t2'
  assert_eq "$(nsenter --net=/proc/$netns_holder/ns/net cat /proc/sys/net/ipv4/ping_group_range)" $'0\t2'
  assert_eq "$(cat /proc/sys/kernel/msgmax)" "$host_msgmax"
  assert_eq "$(cat /proc/sys/fs/mqueue/queues_max)" "$host_qmax"
  assert_eq "$(cat /proc/sys/net/ipv4/ping_group_range)" "$host_ping"
}
