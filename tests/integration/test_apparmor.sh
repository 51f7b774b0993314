# process.apparmorProfile: refused where AppArmor is off, applied at execve
# where it is on (the dev VM: Debian's kernel has it enabled by default).

# The same test the runtime makes, from the shell.
host_has_apparmor() {
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] &&
    { [ -e /proc/self/attr/apparmor ] || [ -e /sys/kernel/security/apparmor ]; }
}

need_apparmor() {
  host_has_apparmor || skip "AppArmor is not enabled on this host"
  command -v apparmor_parser >/dev/null || skip "apparmor_parser is not installed"
  [ -r /sys/kernel/security/apparmor/profiles ] ||
    skip "securityfs is not mounted: loaded profiles cannot be listed"
}

# Load a profile named $1 that allows everything but reading /secret.
load_deny_profile() {
  cat >"$T/profile" <<EOP
profile $1 flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  ptrace,
  unix,
  mount,
  umount,
  pivot_root,
  deny /secret r,
}
EOP
  apparmor_parser -r -W "$T/profile" || fail "apparmor_parser cannot load the test profile"
  on_exit "apparmor_parser -R '$T/profile' >/dev/null 2>&1"
}

# Both LSMs' "enabled" say what this host has (SELinux's test: its fs).
test_apparmor_and_selinux_features_match_the_host() {
  local aa=false se=false
  host_has_apparmor && aa=true
  [ -e /sys/fs/selinux/enforce ] && se=true
  capture "$RUNO" features
  assert_eq "$rc" 0
  assert_eq "$(json_get - '[d["linux"]["apparmor"]["enabled"], d["linux"]["selinux"]["enabled"]]' <<<"$out")" "[$aa, $se]"
}

test_apparmor_refused_where_it_is_off() {
  host_has_apparmor && skip "AppArmor is enabled on this host"
  make_bundle
  edit_config "$T/bundle" 'd["process"]["apparmorProfile"] = "runtime/default"'
  capture r create --bundle "$T/bundle" aa-off
  assert_error 'process.apparmorProfile: AppArmor is not enabled on this host'
  assert_no_leftovers
  # exec --apparmor on a running container: refused, the container intact.
  make_bundle "$T/b2"
  edit_config "$T/b2" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit aa-off-2
  r run -d --bundle "$T/b2" aa-off-2
  wait_status aa-off-2 running
  capture r exec --apparmor runtime/default aa-off-2 true
  assert_error 'process.apparmorProfile: AppArmor is not enabled on this host'
  wait_status aa-off-2 running
}

test_apparmor_profile_not_loaded_is_named() {
  need_apparmor
  make_bundle
  edit_config "$T/bundle" "d['process']['apparmorProfile'] = 'runo-test-none-${T##*.}'"
  capture r create --bundle "$T/bundle" aa-none
  assert_error "process.apparmorProfile: profile \"runo-test-none-${T##*.}\" is not loaded"
  assert_no_leftovers
}

test_apparmor_profile_confines_init_and_exec() {
  need_apparmor
  local prof=runo-test-deny-${T##*.}
  load_deny_profile "$prof"
  make_bundle
  echo secret-data >"$T/bundle/rootfs/secret"
  echo open-data >"$T/bundle/rootfs/open"
  edit_config "$T/bundle" "
d['process']['apparmorProfile'] = '$prof'
d['process']['args'] = ['sh', '-c', 'cat /proc/self/attr/current; cat /open; cat /secret 2>/dev/null || echo denied']
"
  delete_on_exit aa-init
  capture r run --bundle "$T/bundle" aa-init
  assert_eq "$rc" 0 "stderr: $err"
  assert_eq "$out" "$prof (enforce)
open-data
denied"

  # exec: the container's profile by default, --apparmor to pick another.
  make_bundle "$T/b2"
  echo secret-data >"$T/b2/rootfs/secret"
  edit_config "$T/b2" "
d['process']['apparmorProfile'] = '$prof'
d['process']['args'] = ['sleep', '1000']
"
  delete_on_exit aa-exec
  r run -d --bundle "$T/b2" aa-exec
  wait_status aa-exec running
  capture r exec aa-exec sh -c 'cat /proc/self/attr/current; cat /secret 2>/dev/null || echo denied'
  assert_eq "$out" "$prof (enforce)
denied"
  capture r exec --apparmor unconfined aa-exec sh -c 'cat /proc/self/attr/current; cat /secret'
  assert_eq "$out" "unconfined
secret-data"
  capture r exec --apparmor "runo-test-none-${T##*.}" aa-exec true
  assert_error "profile \"runo-test-none-${T##*.}\" is not loaded"
}

# Podman loads and passes its default profile (containers-default-*).  Own
# storage under $T, vfs (no overlay mounts), cgroupfs, no network.
test_apparmor_podman_default_profile() {
  need_apparmor
  command -v podman >/dev/null || skip "podman is not installed"
  local pm=(podman --root "$T/storage" --runroot "$T/run" --storage-driver vfs
    --cgroup-manager cgroupfs --events-backend file --runtime "$RUNO")
  on_exit "${pm[*]} rm -af -t0 >/dev/null 2>&1"
  tar -C "$RUNO_TEST_ROOTFS" -c . | "${pm[@]}" import -q - localhost/runo-aa-test >/dev/null ||
    fail "podman import failed"
  capture "${pm[@]}" run --rm --network none localhost/runo-aa-test cat /proc/self/attr/current
  assert_eq "$rc" 0 "stderr: $err"
  assert_match "$out" '^containers-default-[0-9.]+ \(enforce\)$'
}
