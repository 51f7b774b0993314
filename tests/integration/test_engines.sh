# Behaviours the engines rely on, found by driving runo with Podman and
# containerd (tests/e2e).

# The "cgroup" mount on a cgroup v1 (or hybrid) host: each hierarchy shows
# the container's own cgroup at its root, as engines and the programs in
# containers expect (a JVM reads its heap limit from
# /sys/fs/cgroup/memory/memory.limit_in_bytes), not the host's whole tree.

cgroup_v1_host() { [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; }

# Run the bundle with a 64 MiB memory limit; $1: python statements to
# apply to the config before.  Leaves what the container printed in $out.
run_with_memory_limit() {
  edit_config "$T/bundle" '
d["linux"]["resources"]["memory"] = {"limit": 67108864}
d["process"]["args"] = ["sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes; ls /sys/fs/cgroup; ls /sys/fs/cgroup/memory | grep -c ^memory.limit_in_bytes; touch /sys/fs/cgroup/memory/x 2>&1; echo; cat /proc/self/cgroup"]
'"$1"
  capture r run --bundle "$T/bundle" c1
}

assert_own_cgroup_seen() {
  assert_eq "$rc" 0 "$err"
  local lines
  mapfile -t lines <<<"$out"
  assert_eq "${lines[0]}" 67108864 "memory.limit_in_bytes seen inside"
  # The host's hierarchies, by the names the host gives them.
  local h
  for h in $(ls /sys/fs/cgroup); do
    assert_contains "$out" "$h"
  done
  # One limit file at the root of memory: not the host's cgroups below.
  assert_contains "$out" $'\n1\n'
  assert_contains "$out" "Read-only file system"
}

test_cgroup_mount_shows_own_cgroup_with_cgroupns() {
  cgroup_v1_host || return 0
  make_bundle
  delete_on_exit c1
  run_with_memory_limit '
assert any(n["type"] == "cgroup" for n in d["linux"]["namespaces"])'
  assert_own_cgroup_seen
  # In its own cgroup namespace the container's cgroup is "/".
  assert_contains "$out" ":memory:/"$'\n'
  assert_no_leftovers
}

test_cgroup_mount_shows_own_cgroup_without_cgroupns() {
  cgroup_v1_host || return 0
  make_bundle
  delete_on_exit c1
  run_with_memory_limit '
d["linux"]["namespaces"] = [n for n in d["linux"]["namespaces"] if n["type"] != "cgroup"]'
  assert_own_cgroup_seen
  assert_no_leftovers
}

# Engines clean up with `delete --force` whatever their create may have
# left, also nothing at all (Podman after a failed create, the containerd
# shim after run --rm): as with runc, that is not an error.
test_delete_force_of_a_missing_container_succeeds() {
  capture r delete --force nope
  assert_eq "$rc" 0 "$err"
  assert_eq "$err" ""
  mkdir -p "$ROOT"
  capture r delete --force nope
  assert_eq "$rc" 0 "$err"
  # Without --force it is still an error, as is a bad id.
  capture r delete nope
  assert_error "container \`nope\` does not exist"
  capture r delete --force ../x
  assert_error "invalid container id"
}
