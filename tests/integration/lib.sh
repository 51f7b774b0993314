# Helpers for integration tests (sourced by run.sh).  Tests run as root and
# must touch nothing outside $T: state lives in $ROOT, bundles in $T.

_cleanups=()
# Register a command to run when the test ends, pass or fail (last first).
on_exit() { _cleanups=("$*" "${_cleanups[@]}"); }
run_cleanups() {
  local c
  for c in "${_cleanups[@]}"; do eval "$c" || true; done
}

# The test cannot run on this host: run.sh reports it as skipped, with why.
skip() {
  echo "SKIP: $*"
  exit 77
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The host's cgroup layout: pure v2, or v1/hybrid.
cgroup_v2_host() { [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; }

# cg_file CONTROLLER PATH V1FILE [V2FILE]: the file of cgroup PATH (as in
# cgroupsPath, "/a/b") where CONTROLLER lives on this host: its v1
# hierarchy, else the v2 one (V2FILE, default the same name).
cg_file() {
  local ctrl=$1 path=$2 v1=$3 v2=${4:-$3}
  if cgroup_v2_host; then
    echo "/sys/fs/cgroup$path/$v2"
  elif [ -d "/sys/fs/cgroup/$ctrl" ]; then
    echo "/sys/fs/cgroup/$ctrl$path/$v1"
  else
    echo "/sys/fs/cgroup/unified$path/$v2"
  fi
}

# runo with the test's own state root.
r() { "$RUNO" --root "$ROOT" "$@"; }

# Run a command, capturing stdout in $out, stderr in $err and status in $rc.
# Files, not pipes: a container started by the command inherits them.
capture() {
  "$@" >"$T/.stdout" 2>"$T/.stderr" && rc=0 || rc=$?
  out=$(cat "$T/.stdout")
  err=$(cat "$T/.stderr")
}

assert_eq() { [ "$1" = "$2" ] || fail "expected [$2], got [$1]${3:+ ($3)}"; }
assert_match() { [[ $1 =~ $2 ]] || fail "[$1] does not match /$2/${3:+ ($3)}"; }
assert_contains() { [[ $1 == *"$2"* ]] || fail "[$1] does not contain [$2]"; }
assert_lines() { [ "$(printf '%s\n' "$1" | wc -l)" = "$2" ] || fail "expected $2 line(s), got: [$1]"; }

# The error contract: exit status 1 and exactly one line "runo: <what>: <why>".
assert_error() {
  local pattern=$1
  [ "$rc" = 1 ] || fail "expected exit status 1, got $rc (stderr: $err)"
  assert_lines "$err" 1
  assert_match "$err" "^runo: [^:]+: .+"
  assert_match "$err" "$pattern"
}

# Read a JSON value with python3 (a test-only dependency installed by CI):
#   json_get FILE-or--  'expression on d'
json_get() {
  local src=$1 expr=$2
  if [ "$src" = - ]; then
    python3 -c "import json,sys; d=json.load(sys.stdin); v=$expr; print(json.dumps(v) if not isinstance(v, str) else v)"
  else
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); v=$expr; print(json.dumps(v) if not isinstance(v, str) else v)" "$src"
  fi
}

# Start a process of ours that lives until the test ends; its pid is left
# in $sleeper (no command substitution: the cleanup must be registered in
# the test's own shell).
start_sleeper() {
  sleep 1000 >/dev/null 2>&1 &
  sleeper=$!
  on_exit "kill $sleeper 2>/dev/null; wait $sleeper 2>/dev/null"
}

proc_start_time() {
  # Field 22 of /proc/PID/stat, counted after the ")" that ends comm.
  sed 's/.*) //' "/proc/$1/stat" | awk '{print $20}'
}

# Make a state directory by hand, as create will, to test readers of it.
fake_container() {
  local id=$1 pid=$2 start=$3
  mkdir -p "$ROOT/$id"
  chmod 700 "$ROOT" "$ROOT/$id"
  cat >"$ROOT/$id/state.json" <<JSON
{"id":"$id","pid":$pid,"pidStartTime":"$start","bundle":"$T/bundle","rootfs":"$T/bundle/rootfs","created":"2026-11-22T10:00:00.000000000Z","owner":0,"annotations":{"k":"v"}}
JSON
}

# A busybox bundle in $T/bundle (or $1) with a config fit for tests: the
# default of `runo spec` with no terminal and args "true".  Two containers
# running at once need two bundles (each bundle has its own cgroup).  Build the rootfs once per run
# and copy it: hard links keep it cheap.
make_bundle() {
  local dir=${1:-$T/bundle}
  local cache=${RUNO_TEST_ROOTFS:-}
  mkdir -p "$dir"
  if [ -n "$cache" ] && [ -d "$cache" ]; then
    cp -a "$cache" "$dir/rootfs"
  else
    "$RUNO_SRCDIR/contrib/mkbundle.sh" "$RUNO" "$dir" >/dev/null
    rm -f "$dir/config.json"
  fi
  "$RUNO" spec --bundle "$dir"
  # A cgroup named after the test and bundle, not after the container id,
  # which other runs on the machine may use too.
  edit_config "$dir" "
d['process']['terminal'] = False
d['process']['args'] = ['true']
d['linux']['cgroupsPath'] = '/runo-test-${T##*/}-$(basename "$dir")'
"
}

# Apply python statements to d, the parsed config.json of bundle $1.
edit_config() {
  python3 - "$1/config.json" "$2" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
d = json.load(open(path))
exec(code)
json.dump(d, open(path, "w"), indent=2)
PY
}

# The container processes a test started are killed by deleting them.
delete_on_exit() { on_exit "\"$RUNO\" --root \"$ROOT\" delete --force $1 >/dev/null 2>&1"; }

# Processes left behind by runo for this test: a container init that never
# exec'd still runs runo's command line, which names $T.
assert_no_leftovers() {
  local p leftovers=
  for p in /proc/[0-9]*; do
    if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF -- "$T/"; then
      leftovers="$leftovers ${p#/proc/}"
    fi
  done
  [ -z "$leftovers" ] || fail "processes left behind:$leftovers"
  # Containers only: the root's dot entries are caches.
  if [ -d "$ROOT" ] && [ -n "$(ls "$ROOT")" ]; then
    fail "state left behind: $(ls "$ROOT")"
  fi
}

ns_inode() { stat -L -c %i "/proc/$1/ns/$2"; }

# Wait (up to ~5 s) for a container to reach a status.
wait_status() {
  local id=$1 want=$2 i s=
  for i in $(seq 50); do
    s=$(r state "$id" 2>/dev/null | json_get - 'd["status"]' 2>/dev/null) || s=
    [ "$s" = "$want" ] && return 0
    sleep 0.1
  done
  fail "container $id: status [$s], expected [$want]"
}

# A console socket at $1, as engines provide: receives the pty master
# (SCM_RIGHTS) and copies what the container writes to its terminal into
# $2, until the terminal closes.  Runs in the background; its pid is left
# in $console_pid.
start_console_receiver() {
  python3 - "$1" "$2" <<'PY' &
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
srv.settimeout(20)
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 1024, 1)
with open(out, "wb") as f:
    f.write(b"name=" + msg + b"\n")
    f.flush()
    while True:
        try:
            data = os.read(fds[0], 4096)
        except OSError:
            break
        if not data:
            break
        f.write(data)
        f.flush()
PY
  console_pid=$!
  on_exit "kill $console_pid 2>/dev/null"
  local i
  for i in $(seq 50); do [ -S "$1" ] && return 0; sleep 0.1; done
  fail "console socket $1 not listening"
}

# Run CMD... as an engine would: from a subreaper.  Prints "child" when the
# process whose pid CMD wrote into PIDFILE is then a child of the subreaper
# (it was not reparented out of the caller's tree), else its parent's pid.
as_subreaper() {
  python3 - "$@" <<'PY'
import ctypes, os, subprocess, sys
pidfile, cmd = sys.argv[1], sys.argv[2:]
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
pid = int(open(pidfile).read())
ppid = int(open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[1])
print("child" if ppid == os.getpid() else ppid)
PY
}

# strace, for tests that trace runo or inject faults: LeakSanitizer cannot
# run under ptrace (ASan builds), so leak checks are off for that run.
traced() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace "$@"; }

# A network namespace of the test's own, held by a process of ours until
# the test ends: its pid is left in $netns_holder.
start_netns_holder() {
  unshare --net sleep 1000 &
  netns_holder=$!
  on_exit "kill $netns_holder; wait $netns_holder"
  local i
  for i in $(seq 50); do
    [ "$(ns_inode "$netns_holder" net)" != "$(ns_inode self net)" ] && return 0
    sleep 0.1
  done
  fail "no network namespace of its own for $netns_holder"
}

# Make bundle $1 join the network namespace of process $2 by path.
join_netns_of() {
  edit_config "$1" "
d['linux']['namespaces'] = [n for n in d['linux']['namespaces'] if n['type'] != 'network'] + [{'type': 'network', 'path': '/proc/$2/ns/net'}]"
}
