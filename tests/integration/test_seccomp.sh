# linux.seccomp: the filter observed from inside containers.

PODMAN_PROFILE=/usr/share/containers/seccomp.json

# A bundle whose rootfs is writable: the tests make directories in it.
make_rw_bundle() {
  make_bundle "$@"
  edit_config "${1:-$T/bundle}" 'd["root"]["readonly"] = False'
}

# Set linux.seccomp of bundle $1 to the JSON $2.
set_seccomp() {
  edit_config "$1" "d['linux']['seccomp'] = json.loads(r'''$2''')"
}

# Podman's profile in its own format, converted to linux.seccomp for this
# machine (contrib/podman-seccomp-to-oci.py).
set_podman_seccomp() {
  [ -r "$PODMAN_PROFILE" ] ||
    fail "$PODMAN_PROFILE missing (apt-get install golang-github-containers-common)"
  python3 "$RUNO_SRCDIR/contrib/podman-seccomp-to-oci.py" "$PODMAN_PROFILE" "$1/config.json"
}

test_seccomp_errno_blocks_syscall() {
  make_rw_bundle
  set_seccomp "$T/bundle" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
    {"names": ["rmdir"], "action": "SCMP_ACT_ERRNO"},
    {"names": ["no_such_syscall_anywhere"], "action": "SCMP_ACT_KILL"}]}'
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "mkdir /tmp/x; echo mkdir=$?; rmdir /tmp; echo rmdir=$?; touch /tmp/y && echo touch-ok"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_contains "$err" "can't create directory '/tmp/x': Operation not permitted"
  assert_contains "$out" "mkdir=1"
  # errnoRet absent: EPERM as well.
  assert_contains "$err" "Operation not permitted"
  assert_contains "$out" "rmdir=1"
  assert_contains "$out" "touch-ok"
  assert_no_leftovers
}

test_seccomp_default_errno() {
  make_rw_bundle
  # An allow-list: everything else fails with ENOSYS (38).
  set_podman_seccomp "$T/bundle"
  edit_config "$T/bundle" '
s = d["linux"]["seccomp"]
s["defaultErrnoRet"] = 38
for r in s["syscalls"]:
    r["names"] = [n for n in r["names"] if n not in ("mkdir", "mkdirat")]
s["syscalls"] = [r for r in s["syscalls"] if r["names"]]
d["process"]["args"] = ["mkdir", "/tmp/x"]
'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 1 "$err"
  assert_contains "$err" "Function not implemented"
  assert_no_leftovers
}

test_seccomp_kill_kills_the_process() {
  local action
  for action in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS; do
    make_rw_bundle "$T/$action"
    set_seccomp "$T/$action" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir", "mkdirat"], "action": "'$action'"}]}'
    edit_config "$T/$action" 'd["process"]["args"] = ["mkdir", "/tmp/x"]'
    capture r run --bundle "$T/$action" c1
    # 128 + SIGSYS
    assert_eq "$rc" 159 "$action: $err"
    assert_no_leftovers
  done
}

test_seccomp_log_allows() {
  make_rw_bundle
  set_seccomp "$T/bundle" '{"defaultAction": "SCMP_ACT_ALLOW",
    "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"}]}'
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "mkdir /tmp/x && echo made"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" made
  assert_no_leftovers
}

test_seccomp_argument_conditions() {
  make_rw_bundle
  # chmod refused only when the permission bits are 0700 (MASKED_EQ).
  set_seccomp "$T/bundle" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
     "args": [{"index": 1, "value": 511, "valueTwo": 448, "op": "SCMP_CMP_MASKED_EQ"}]},
    {"names": ["fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
     "args": [{"index": 2, "value": 511, "valueTwo": 448, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "mkdir /tmp/a; chmod 0700 /tmp/a; echo a=$?; chmod 4700 /tmp/a; echo b=$?; chmod 0755 /tmp/a; echo c=$?"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_contains "$out" "a=1"
  assert_contains "$out" "b=1"
  assert_contains "$out" "c=0"
  assert_contains "$err" "Permission denied"
  assert_no_leftovers
}

test_seccomp_invalid_profile_is_an_error() {
  make_rw_bundle
  set_seccomp "$T/bundle" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}'
  capture r run --bundle "$T/bundle" c1
  assert_error "linux.seccomp: syscalls\[0\]: action \`SCMP_ACT_KILL\` takes no errno return code"
  assert_no_leftovers
}

test_seccomp_podman_default_profile() {
  make_rw_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "mkdir /tmp/d && ls -d /tmp/d && cat /proc/self/status | grep ^Seccomp:"]'
  cp "$T/bundle/config.json" "$T/plain.json"
  set_podman_seccomp "$T/bundle"
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_contains "$out" "/tmp/d"
  # Mode 2: a filter is installed.
  assert_match "$out" "Seccomp:[[:space:]]+2"
  assert_no_leftovers

  # The cost of the profile on `run`, reported in the test log.
  local i n=20 t0 t1 t2
  cp "$T/bundle/config.json" "$T/podman.json"
  edit_config "$T/bundle" 'd["process"]["args"] = ["true"]'
  t0=$(date +%s%N)
  for i in $(seq $n); do r run --bundle "$T/bundle" p$i; done
  t1=$(date +%s%N)
  cp "$T/plain.json" "$T/bundle/config.json"
  edit_config "$T/bundle" 'd["process"]["args"] = ["true"]'
  for i in $(seq $n); do r run --bundle "$T/bundle" q$i; done
  t2=$(date +%s%N)
  echo "run with podman profile: $(( (t1 - t0) / n / 1000 )) us, without: $(( (t2 - t1) / n / 1000 )) us"
  assert_no_leftovers
}

# A seccomp agent: receives the listener fd and the container process state
# on a unix socket, then answers every notification with EXDEV.
start_agent() {
  python3 - "$T/agent.sock" "$T/agent.json" <<'PY' >"$T/agent.log" 2>&1 &
import array, fcntl, json, os, select, socket, struct, sys
path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(out + ".ready", "w").close()
conn, _ = srv.accept()
fds = array.array("i")
data = b""
while True:
    msg, anc, _, _ = conn.recvmsg(1 << 16, socket.CMSG_LEN(4 * fds.itemsize))
    for level, kind, blob in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(blob[: len(blob) - len(blob) % fds.itemsize])
    if not msg:
        break
    data += msg
conn.close()
state = json.loads(data)
state["received_fds"] = len(fds)
json.dump(state, open(out, "w"))
fd = fds[0]
NOTIF_RECV, NOTIF_SEND = 0xC0502100, 0xC0182101  # struct sizes 80 and 24
poller = select.poll()
poller.register(fd, select.POLLIN)
while True:
    events = poller.poll(10000)
    if not events or events[0][1] & (select.POLLHUP | select.POLLERR):
        break
    req = bytearray(80)
    try:
        fcntl.ioctl(fd, NOTIF_RECV, req, True)
    except OSError:
        continue
    notif_id = struct.unpack_from("=Q", req, 0)[0]
    resp = bytearray(struct.pack("=QqiI", notif_id, 0, -18, 0))  # -EXDEV
    try:
        fcntl.ioctl(fd, NOTIF_SEND, resp, True)
    except OSError:
        pass
PY
  agent=$!
  on_exit "kill $agent 2>/dev/null; wait $agent 2>/dev/null"
  local i
  for i in $(seq 50); do [ -e "$T/agent.json.ready" ] && return 0; sleep 0.1; done
  fail "agent did not start: $(cat "$T/agent.log")"
}

test_seccomp_notify_agent_answers() {
  make_rw_bundle
  start_agent
  set_seccomp "$T/bundle" '{"defaultAction": "SCMP_ACT_ALLOW",
    "listenerPath": "'"$T/agent.sock"'", "listenerMetadata": "meta \"data\"",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "mkdir /tmp/x; echo mkdir=$?"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_contains "$err" "Invalid cross-device link"
  assert_contains "$out" "mkdir=1"
  assert_eq "$(json_get "$T/agent.json" 'd["fds"]')" '["seccompFd"]'
  assert_eq "$(json_get "$T/agent.json" 'd["received_fds"]')" 1
  assert_eq "$(json_get "$T/agent.json" 'd["metadata"]')" 'meta "data"'
  assert_eq "$(json_get "$T/agent.json" 'd["state"]["id"]')" c1
  assert_eq "$(json_get "$T/agent.json" 'd["state"]["bundle"]')" "$T/bundle"
  assert_eq "$(json_get "$T/agent.json" 'd["pid"] == d["state"]["pid"] and d["pid"] > 0')" true
  assert_no_leftovers
}

test_seccomp_notify_without_listener_is_an_error() {
  make_rw_bundle
  set_seccomp "$T/bundle" '{"defaultAction": "SCMP_ACT_ALLOW",
    "listenerPath": "'"$T/nobody.sock"'",
    "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
  capture r run --bundle "$T/bundle" c1
  assert_error "connect to seccomp listener \`$T/nobody.sock\`: No such file or directory"
  assert_no_leftovers
}

# Compiled programs are cached in the state root, keyed by the whole
# profile: a second container reuses the entry, another profile gets its
# own, and a damaged entry is not trusted.
test_seccomp_compile_cache() {
  make_rw_bundle
  set_seccomp "$T/bundle" '{"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  local entries
  entries=$(ls "$ROOT/.seccomp")
  assert_lines "$entries" 1
  capture r run --bundle "$T/bundle" c2
  assert_eq "$(ls "$ROOT/.seccomp")" "$entries" "entry reused"
  # The cache directory is not a container.
  assert_eq "$(r list -q)" ""
  # A damaged entry is recompiled, and the filter still holds.
  printf 'garbage' >"$ROOT/.seccomp/$entries"
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "mkdir /x 2>&1; true"]'
  capture r run --bundle "$T/bundle" c3
  assert_eq "$rc" 0 "$err"
  assert_contains "$out" "Operation not permitted"
  assert_match "$(head -c 14 "$ROOT/.seccomp/$entries")" '^RUNO-SECCOMP-1$'
  # Another errnoRet is another profile: its own entry and its own errno.
  set_seccomp "$T/bundle" '{"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
  capture r run --bundle "$T/bundle" c4
  assert_contains "$out" "Permission denied"
  assert_lines "$(ls "$ROOT/.seccomp")" 2
}

# Older profiles (Docker's, runtime-tools') lack faccessat2, so it returns
# EPERM; runo's own lookup of the program runs under the profile and must
# not take that for the program's permissions.
test_seccomp_profile_without_faccessat2() {
  make_rw_bundle
  set_seccomp "$T/bundle" '{"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["faccessat2"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
  edit_config "$T/bundle" 'd["process"]["args"] = ["echo", "started"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" started
  edit_config "$T/bundle" 'd["process"]["args"] = ["/etc/passwd"]'
  capture r run --bundle "$T/bundle" c2
  assert_error 'exec: "/etc/passwd": Permission denied'
}
