# The command line as engines and people use it: global options, errors,
# logging, spec, features, state and list.

test_version() {
  capture "$RUNO" --version
  assert_eq "$rc" 0
  assert_match "$out" "^runo version [0-9]+\.[0-9]+\.[0-9]+"
  assert_match "$out" $'\ncommit: [0-9a-f]{40}|\ncommit: unknown'
  assert_contains "$out" $'\nspec: 1.3.0\n'
  assert_match "$out" $'\nfeatures: .*\+SECCOMP'
}

test_help_lists_every_command() {
  capture "$RUNO" --help
  assert_eq "$rc" 0
  for c in create start run state kill delete list spec features exec ps pause resume update events; do
    assert_match "$out" $'\n  '"$c"' '
  done
}

test_unknown_command_and_options() {
  capture r frobnicate
  assert_error "^runo: frobnicate: unknown command\$"
  capture "$RUNO" --no-such-flag list
  assert_error "^runo: --no-such-flag: unknown global option\$"
  capture "$RUNO" --log-format yaml list
  assert_error "^runo: --log-format yaml: expected text or json\$"
  capture "$RUNO" --root
  assert_error "^runo: --root: needs a value\$"
  capture r list --bogus
  assert_error "^runo: list: unknown option \`--bogus\`"
}

test_spec_writes_default_config() {
  mkdir "$T/b"
  capture r spec --bundle "$T/b"
  assert_eq "$rc" 0 "$err"
  [ -f "$T/b/config.json" ] || fail "no config.json"
  assert_eq "$(json_get "$T/b/config.json" 'd["ociVersion"]')" "1.3.0"
  assert_eq "$(json_get "$T/b/config.json" 'd["root"]["path"]')" "rootfs"
  assert_eq "$(json_get "$T/b/config.json" 'd["process"]["args"]')" '["sh"]'
  assert_eq "$(json_get "$T/b/config.json" 'sorted(n["type"] for n in d["linux"]["namespaces"])')" \
    '["cgroup", "ipc", "mount", "network", "pid", "uts"]'
  assert_eq "$(json_get "$T/b/config.json" '"uidMappings" in d["linux"]')" "false"
  # The file it writes must parse again: spec into the cwd, as runc does.
  mkdir "$T/c" && cd "$T/c"
  capture r spec
  assert_eq "$rc" 0 "$err"
  cmp -s "$T/b/config.json" "$T/c/config.json" || fail "spec differs between --bundle and cwd"
}

test_spec_refuses_to_overwrite() {
  mkdir "$T/b"
  echo keep >"$T/b/config.json"
  capture r spec -b "$T/b"
  assert_error "config.json\` exists"
  assert_eq "$(cat "$T/b/config.json")" keep
}

test_spec_missing_bundle() {
  capture r spec --bundle "$T/nope"
  assert_error "^runo: spec: open bundle \`$T/nope\`: No such file or directory\$"
  [ ! -e "$T/nope" ] || fail "bundle created"
}

test_spec_rootless() {
  mkdir "$T/b"
  capture r spec --rootless --bundle "$T/b"
  assert_eq "$rc" 0 "$err"
  local f=$T/b/config.json
  assert_eq "$(json_get "$f" 'sorted(n["type"] for n in d["linux"]["namespaces"])')" \
    '["cgroup", "ipc", "mount", "pid", "user", "uts"]'
  assert_eq "$(json_get "$f" 'd["linux"]["uidMappings"]')" "[{\"containerID\": 0, \"hostID\": $(id -u), \"size\": 1}]"
  assert_eq "$(json_get "$f" 'd["linux"]["gidMappings"]')" "[{\"containerID\": 0, \"hostID\": $(id -g), \"size\": 1}]"
  assert_eq "$(json_get "$f" '"resources" in d["linux"]')" "false"
  assert_eq "$(json_get "$f" '[m for m in d["mounts"] if m["destination"] == "/sys"][0]["options"]')" \
    '["nosuid", "noexec", "nodev", "ro", "rbind"]'
  assert_eq "$(json_get "$f" '"gid=5" in [m for m in d["mounts"] if m["destination"] == "/dev/pts"][0]["options"]')" "false"
}

test_features_document() {
  capture r features
  assert_eq "$rc" 0 "$err"
  printf '%s' "$out" >"$T/f.json"
  assert_eq "$(json_get "$T/f.json" 'd["ociVersionMin"]')" "1.0.0"
  assert_eq "$(json_get "$T/f.json" 'd["ociVersionMax"]')" "1.3.0"
  assert_match "$(json_get "$T/f.json" 'd["annotations"]["io.github.seccomp.libseccomp.version"]')" '^[0-9]+\.[0-9]+\.[0-9]+$'
  assert_eq "$(json_get "$T/f.json" 'd["hooks"]')" '["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"]'
  assert_eq "$(json_get "$T/f.json" 'sorted(d["linux"]["namespaces"])')" '["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"]'
  assert_eq "$(json_get "$T/f.json" 'all(o in d["mountOptions"] for o in ["rbind", "rro", "idmap", "tmpcopyup", "rslave"])')" true
  assert_eq "$(json_get "$T/f.json" '"CAP_SYS_ADMIN" in d["linux"]["capabilities"]')" true
  assert_eq "$(json_get "$T/f.json" '(d["linux"]["cgroup"]["v1"], d["linux"]["cgroup"]["v2"], d["linux"]["cgroup"]["systemd"])')" '[true, true, false]'
  assert_eq "$(json_get "$T/f.json" 'd["linux"]["seccomp"]["enabled"]')" true
  assert_eq "$(json_get "$T/f.json" '"SCMP_ACT_NOTIFY" in d["linux"]["seccomp"]["actions"]')" true
}

test_state_of_missing_container() {
  capture r state nope
  assert_error "^runo: state: container \`nope\` does not exist\$"
  [ ! -e "$ROOT" ] || fail "state created the state root"
}

test_state_rejects_bad_ids() {
  local id
  for id in "../etc" "a/b" ".." "$(printf 'a\tb')"; do
    capture r state "$id"
    assert_error "^runo: state: invalid container id"
  done
  capture r state
  assert_error "missing container id"
  capture r state a b
  assert_error "unexpected argument \`b\`"
}

test_state_derives_status_from_the_process() {
  local pid start
  start_sleeper
  pid=$sleeper
  start=$(proc_start_time "$pid")
  fake_container live "$pid" "$start"
  capture r state live
  assert_eq "$rc" 0 "$err"
  printf '%s' "$out" >"$T/s.json"
  assert_eq "$(json_get "$T/s.json" 'd["status"]')" running
  assert_eq "$(json_get "$T/s.json" 'd["pid"]')" "$pid"
  assert_eq "$(json_get "$T/s.json" 'd["id"]')" live
  assert_eq "$(json_get "$T/s.json" 'd["bundle"]')" "$T/bundle"
  assert_eq "$(json_get "$T/s.json" 'd["ociVersion"]')" "1.3.0"
  assert_eq "$(json_get "$T/s.json" 'd["annotations"]')" '{"k": "v"}'

  mkfifo "$ROOT/live/exec.fifo"
  assert_eq "$(r state live | json_get - 'd["status"]')" created
  rm "$ROOT/live/exec.fifo"

  # The same pid with another start time is a reused pid: stopped.
  fake_container reused "$pid" "$((start + 1))"
  assert_eq "$(r state reused | json_get - 'd["status"]')" stopped
  assert_eq "$(r state reused | json_get - 'd["pid"]')" 0

  kill "$pid"
  wait "$pid" 2>/dev/null || true
  assert_eq "$(r state live | json_get - 'd["status"]')" stopped
}

test_list_formats() {
  capture r list
  assert_eq "$rc" 0 "$err"
  assert_match "$out" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$'
  capture r list -q
  assert_eq "$rc" 0
  assert_eq "$out" ""
  capture r list --format json
  assert_eq "$out" "[]"

  local pid
  start_sleeper
  pid=$sleeper
  fake_container b-live "$pid" "$(proc_start_time "$pid")"
  fake_container a-dead 999999999 1
  capture r list -q
  assert_eq "$out" $'a-dead\nb-live'
  capture r list
  assert_lines "$out" 3
  assert_match "$out" $'\na-dead +0 +stopped +'"$T/bundle"
  assert_match "$out" $'\nb-live +'"$pid"' +running +'"$T/bundle"' +2026-11-22T10:00:00.000000000Z +root'
  capture r list --format=json
  printf '%s' "$out" >"$T/l.json"
  assert_eq "$(json_get "$T/l.json" '[(c["id"], c["status"], c["pid"]) for c in d]')" \
    "[[\"a-dead\", \"stopped\", 0], [\"b-live\", \"running\", $pid]]"
  capture r list --format yaml
  assert_error "invalid format \`yaml\`"
}

test_json_log_for_engines() {
  capture "$RUNO" --root "$ROOT" --log "$T/log.json" --log-format=json state nope
  assert_error "does not exist"
  assert_lines "$(cat "$T/log.json")" 1
  assert_eq "$(json_get "$T/log.json" 'd["level"]')" error
  assert_eq "$(json_get "$T/log.json" 'd["msg"]')" "state: container \`nope\` does not exist"
  assert_match "$(json_get "$T/log.json" 'd["time"]')" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$'
  # Text format, appended.
  capture "$RUNO" --root="$ROOT" --log="$T/log.json" start x
  assert_lines "$(cat "$T/log.json")" 2
  assert_match "$(tail -n1 "$T/log.json")" '^time="[^"]+" level=error msg="start: container `x` does not exist"$'
}
