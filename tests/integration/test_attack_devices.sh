# The device cgroup policy: a container with CAP_MKNOD can make a node of
# any device, so only the cgroup keeps it from opening the host's disks.
# The target is a loop device of the test's own (a file in $T), detached
# at the end.

# A loop device on a file of 1 MiB starting with "RUNODISK"; its number is
# left in $loop_major and $loop_minor.
make_loop() {
  printf 'RUNODISK' >"$T/disk.img"
  truncate -s 1M "$T/disk.img"
  loop=$(losetup --find --show "$T/disk.img") || fail "losetup"
  on_exit "losetup -d $loop"
  loop_major=$((0x$(stat -c %t "$loop")))
  loop_minor=$((0x$(stat -c %T "$loop")))
}

# A bundle whose process has CAP_MKNOD, as the engines give by default.
mknod_bundle() {
  make_bundle
  edit_config "$T/bundle" '
for k in ("bounding", "effective", "permitted"):
    d["process"]["capabilities"][k].append("CAP_MKNOD")
'
}

# Run sh -c SCRIPT in a new container of $T/bundle; $out, $err, $rc.
run_sh() {
  local args
  args=$(python3 -c 'import json,sys; print(json.dumps(["sh", "-c", sys.argv[1]]))' "$1")
  edit_config "$T/bundle" "d['process']['args'] = $args"
  capture r run --bundle "$T/bundle" "c$RANDOM"
}

# The attack: make a node of the loop device and read it.
read_disk_script() {
  echo "mknod /dev/disk b $loop_major $loop_minor || exit 10; head -c 8 /dev/disk"
}

assert_disk_denied() {
  run_sh "$(read_disk_script)"
  [ "$rc" != 10 ] || fail "mknod refused, the test needs it: $err"
  [ "$rc" != 0 ] || fail "the container read the host's block device: [$out]${1:+ ($1)}"
  assert_contains "$err" "Operation not permitted"
  [ -z "$out" ] || fail "read [$out]"
}

assert_disk_read() {
  run_sh "$(read_disk_script)"
  assert_eq "$rc" 0 "$err${1:+ ($1)}"
  assert_eq "$out" "RUNODISK"
}

test_no_device_rules_deny_host_disk() {
  make_loop
  mknod_bundle
  edit_config "$T/bundle" 'd["linux"].pop("resources", None)'
  assert_disk_denied "no linux.resources"
  edit_config "$T/bundle" 'd["linux"]["resources"] = {"pids": {"limit": 100}}'
  assert_disk_denied "linux.resources without devices"
  edit_config "$T/bundle" 'd["linux"]["resources"] = {"devices": []}'
  assert_disk_denied "empty linux.resources.devices"
}

test_deny_all_config_denies_host_disk() {
  make_loop
  mknod_bundle
  assert_disk_denied "runo spec's deny-all"
}

test_default_devices_usable() {
  mknod_bundle
  edit_config "$T/bundle" 'd["linux"].pop("resources", None)'
  # A node made by the container counts, not only those runo made.
  run_sh '
set -e
for d in null zero full random urandom; do exec 3<>/dev/$d; exec 3>&-; done
mknod /dev/null2 c 1 3
echo x >/dev/null2
head -c 4 /dev/zero | od -An -tx1
head -c 4 /dev/urandom >/dev/null
exec 3<>/dev/ptmx
echo ok'
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" " 00 00 00 00
ok"
  # A char device outside the defaults that anyone may open: tun (10:200).
  run_sh 'mknod /dev/tun2 c 10 200 && exec 3<>/dev/tun2'
  [ "$rc" != 0 ] || fail "the container opened tun"
  assert_contains "$err" "Operation not permitted"
}

test_config_rule_allows_device() {
  make_loop
  mknod_bundle
  edit_config "$T/bundle" "
d['linux']['resources']['devices'].append(
    {'allow': True, 'type': 'b', 'major': $loop_major, 'minor': $loop_minor, 'access': 'rwm'})
"
  assert_disk_read "allowed by linux.resources.devices"
  # Rules are read in order: a later deny takes it back.
  edit_config "$T/bundle" "
d['linux']['resources']['devices'].append(
    {'allow': False, 'type': 'b', 'major': $loop_major, 'minor': $loop_minor, 'access': 'rwm'})
"
  assert_disk_denied "allowed, then denied"
}

test_linux_devices_entry_allowed() {
  make_loop
  mknod_bundle
  edit_config "$T/bundle" "
d['linux']['devices'] = [{'path': '/dev/mydisk', 'type': 'b', 'major': $loop_major, 'minor': $loop_minor}]
"
  run_sh 'head -c 8 /dev/mydisk'
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "RUNODISK"
}

test_privileged_allows_all() {
  make_loop
  mknod_bundle
  # What podman --privileged sends.
  edit_config "$T/bundle" 'd["linux"]["resources"]["devices"] = [{"allow": True, "access": "rwm"}]'
  assert_disk_read "privileged"
}

test_update_keeps_device_policy() {
  make_loop
  mknod_bundle
  edit_config "$T/bundle" '
d["linux"].pop("resources", None)
d["process"]["args"] = ["sleep", "1000"]
'
  r run -d --bundle "$T/bundle" upd >/dev/null
  delete_on_exit upd
  r exec upd mknod /dev/disk b "$loop_major" "$loop_minor"
  capture r exec upd head -c 8 /dev/disk
  [ "$rc" != 0 ] || fail "read the disk before update"
  r update --pids-limit 100 upd
  capture r exec upd head -c 8 /dev/disk
  [ "$rc" != 0 ] || fail "update without devices opened the disk: [$out]"
  assert_contains "$err" "Operation not permitted"
  # New rules replace the policy, the default devices stay usable.
  printf '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"b","major":%d,"minor":%d,"access":"r"}]}' \
    "$loop_major" "$loop_minor" >"$T/res.json"
  r update --resources "$T/res.json" upd
  capture r exec upd sh -c 'head -c 8 /dev/disk; echo x >/dev/null && echo null-ok'
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "RUNODISKnull-ok"
  printf '{"devices":[{"allow":false,"access":"rwm"}]}' >"$T/res.json"
  r update --resources "$T/res.json" upd
  capture r exec upd sh -c 'echo x >/dev/null && echo null-ok; head -c 8 /dev/disk'
  [ "$rc" != 0 ] || fail "the disk is still readable after the deny-all update"
  assert_eq "$out" "null-ok"
}

test_bad_device_rule_leaves_nothing() {
  make_bundle
  local cg
  cg=$(json_get "$T/bundle/config.json" 'd["linux"]["cgroupsPath"]')
  edit_config "$T/bundle" 'd["linux"]["resources"]["devices"].append({"allow": True, "type": "x", "access": "rwm"})'
  capture r create --bundle "$T/bundle" bad
  assert_error 'linux.resources.devices\[1\]: invalid type `x`'
  edit_config "$T/bundle" 'd["linux"]["resources"]["devices"] = [{"allow": True, "type": "c", "access": "rwq"}]'
  capture r create --bundle "$T/bundle" bad
  assert_error 'linux.resources.devices\[0\]: invalid access `rwq`'
  # 2^32 + 8 would be major 8 (disks) for a 32-bit compare.
  edit_config "$T/bundle" 'd["linux"]["resources"]["devices"] = [{"allow": True, "type": "b", "major": 4294967304, "access": "r"}]'
  capture r create --bundle "$T/bundle" bad
  assert_error 'linux.resources.devices\[0\]: major/minor 4294967304:0 out of range'
  [ ! -e "/sys/fs/cgroup/devices$cg" ] || fail "cgroup left behind"
  assert_no_leftovers
}
