# Helpers for integration tests (sourced by run.sh).  Tests run as root and
# must touch nothing outside $T: state lives in $ROOT, bundles in $T.

_cleanups=()
# Register a command to run when the test ends, pass or fail (last first).
on_exit() { _cleanups=("$*" "${_cleanups[@]}"); }
run_cleanups() {
  local c
  for c in "${_cleanups[@]}"; do eval "$c" || true; done
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# runo with the test's own state root.
r() { "$RUNO" --root "$ROOT" "$@"; }

# Run a command, capturing stdout in $out, stderr in $err and status in $rc.
capture() {
  out=$("$@" 2>"$T/.stderr") && rc=0 || rc=$?
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

# Start a process of ours that lives until the test ends; prints its pid.
start_sleeper() {
  sleep 1000 >/dev/null 2>&1 &
  local pid=$!
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  echo "$pid"
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
