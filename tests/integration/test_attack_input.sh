# Hostile input: documents built to crash the parser (deep nesting, empty,
# truncated) and process attributes the kernel would take but should not.
# Each gives the one-line error and leaves nothing behind.

# $1 levels of [ ... ] (about 2 bytes a level) as JSON text on stdout.
deep_arrays() { python3 -c "import sys; n = int(sys.argv[1]); sys.stdout.write('[' * n + ']' * n)" "$1"; }

# No state, process or cgroup of the bundle's is left.
assert_nothing_left() {
  assert_no_leftovers
  local ctrl
  for ctrl in pids memory cpu freezer; do
    [ ! -e "/sys/fs/cgroup/$ctrl/runo-test-${T##*/}-bundle" ] || fail "cgroup left in $ctrl"
  done
}

test_deeply_nested_config_is_refused() {
  make_bundle
  cp "$T/bundle/config.json" "$T/good.json"
  # 1 MB of arrays under a property runo does not know, then the same
  # depth of objects inside annotations (a map of strings).
  edit_config "$T/bundle" "d['zz'] = 0"
  python3 - "$T/bundle/config.json" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read().replace('"zz": 0', '"zz": ' + '[' * 500000 + ']' * 500000)
open(p, "w").write(s)
PY
  [ "$(stat -c %s "$T/bundle/config.json")" -gt 1000000 ] || fail "config.json not big"
  capture r create --bundle "$T/bundle" c1
  assert_error "^runo: create: config.json: nesting deeper than 256 levels$"
  assert_nothing_left
  capture r run --bundle "$T/bundle" c1
  assert_error "config.json: nesting deeper than 256 levels$"
  assert_nothing_left

  python3 - "$T/good.json" "$T/bundle/config.json" <<'PY'
import sys
s = open(sys.argv[1]).read()
n = 300000
s = s.replace('"ociVersion"', '"annotations": ' + '{"a":' * n + '"x"' + '}' * n + ', "ociVersion"', 1)
open(sys.argv[2], "w").write(s)
PY
  capture r create --bundle "$T/bundle" c1
  assert_error "^runo: create: config.json: nesting deeper than 256 levels$"
  assert_nothing_left
}

test_deeply_nested_exec_process_and_update_resources_are_refused() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c1
  r run -d --bundle "$T/bundle" c1
  wait_status c1 running
  { printf '{"args":["true"],"cwd":"/","x":'; deep_arrays 500000; printf '}'; } >"$T/process.json"
  capture r exec --process "$T/process.json" c1
  assert_error "nesting deeper than 256 levels$"
  { printf '{"pids":{"limit":10},"x":'; deep_arrays 500000; printf '}'; } >"$T/resources.json"
  capture r update --resources "$T/resources.json" c1
  assert_error "nesting deeper than 256 levels$"
  # The container is unharmed.
  capture r exec c1 true
  assert_eq "$rc" 0 "$err"
}

# A state.json that runo did not write: every command reading it refuses
# it in one line instead of overflowing its stack.
test_deeply_nested_state_is_refused() {
  fake_container deep 999999999 1
  python3 - "$ROOT/deep/state.json" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
n = 1000000
s = json.dumps(d)[:-1] + ', "x": ' + '[' * n + ']' * n + '}'
open(p, "w").write(s)
PY
  [ "$(stat -c %s "$ROOT/deep/state.json")" -gt 2000000 ] || fail "state.json not big"
  local cmd
  for cmd in "state deep" "delete deep" "kill deep KILL" "start deep" \
    "pause deep" "resume deep" "ps deep" "exec deep true" "update --pids-limit 5 deep"; do
    # shellcheck disable=SC2086
    capture r $cmd
    assert_error "state.json is corrupt: nesting deeper than 256 levels$"
  done
  # list shows it (status unknown) and delete --force removes what it can.
  capture r list
  assert_eq "$rc" 0 "$err"
  assert_match "$out" $'\ndeep +0 +unknown '
  capture r delete --force deep
  assert_eq "$rc" 0 "$err"
  [ ! -e "$ROOT/deep" ] || fail "delete --force left the state dir"
  mkdir -m 700 "$ROOT/deep"
  # The same depth of objects, as the value of a known key.
  python3 - "$ROOT/deep/state.json" <<'PY'
import sys
n = 500000
open(sys.argv[1], "w").write('{"id":"deep","annotations":' + '{"a":' * n + '1' + '}' * n + '}')
PY
  capture r state deep
  assert_error "^runo: state: .*read state: state.json is corrupt: nesting deeper than 256 levels$"
}

test_empty_and_truncated_documents_are_refused() {
  make_bundle
  cp "$T/bundle/config.json" "$T/good.json"
  : >"$T/bundle/config.json"
  capture r create --bundle "$T/bundle" c1
  assert_error "^runo: create: config.json: line 1: invalid JSON: parse error: premature EOF$"
  assert_nothing_left
  head -c 300 "$T/good.json" >"$T/bundle/config.json"
  capture r create --bundle "$T/bundle" c1
  assert_error "^runo: create: config.json: line [0-9]+: invalid JSON: parse error: premature EOF$"
  assert_nothing_left
  printf '{"ociVersion":"1.0.0"' >"$T/bundle/config.json"
  capture r create --bundle "$T/bundle" c1
  assert_error "config.json: line 1: invalid JSON: parse error: premature EOF$"
  assert_nothing_left

  fake_container c2 999999999 1
  : >"$ROOT/c2/state.json"
  capture r state c2
  assert_error "^runo: state: .*read state: state.json is corrupt: line 1: invalid JSON: parse error: premature EOF$"
  printf '{"id":"c2","pid":' >"$ROOT/c2/state.json"
  capture r delete c2
  assert_error "state.json is corrupt: line 1: invalid JSON: parse error: premature EOF$"
  capture r list
  assert_eq "$rc" 0 "$err"
  assert_match "$out" $'\nc2 +0 +unknown '
}

test_env_without_equals_is_refused() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["env"] = ["PATH=/bin", "A=1", "B=", "NOEQUALS"]'
  capture r create --bundle "$T/bundle" c1
  assert_error "^runo: create: process.env\[3\]: missing '=' \(must be NAME=VALUE\)$"
  assert_nothing_left
  edit_config "$T/bundle" 'd["process"]["env"] = ["PATH=/bin", "=x"]'
  capture r run --bundle "$T/bundle" c1
  assert_error "process.env\[1\]: empty name$"
  assert_nothing_left

  # exec: --env adds to the container's environment (two entries in the
  # default config), --process replaces it.
  edit_config "$T/bundle" 'd["process"]["env"] = ["PATH=/bin", "TERM=xterm"]; d["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c2
  r run -d --bundle "$T/bundle" c2
  wait_status c2 running
  capture r exec --env A=1 --env NOEQUALS c2 true
  assert_error "^runo: exec: process.env\[3\]: missing '='"
  echo '{"args":["true"],"cwd":"/","env":["SECRET"]}' >"$T/process.json"
  capture r exec --process "$T/process.json" c2
  assert_error "process.env\[0\]: missing '='"
  [[ $err != *SECRET* ]] || fail "the entry is in the message: $err"
  capture r exec --env A=1 c2 sh -c 'echo $A'
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" 1
}

# Found by tests/fuzz/fuzz_mounts: the unknown word was quoted as it was,
# so a newline in it made a two-line error.
test_control_bytes_in_a_mount_option_stay_on_one_line() {
  make_bundle
  mkdir -p "$T/src"
  edit_config "$T/bundle" "d['mounts'].append({'destination': '/mnt', 'type': 'bind', 'source': '$T/src', 'options': ['rbind', 'bad\nword\r\x1b[2J']})"
  capture r create --bundle "$T/bundle" c1
  assert_error 'unknown option "bad\?word\?\?\[2J"'
  assert_nothing_left
}
