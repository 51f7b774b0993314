# process.* and the Linux process fields, observed from outside through
# /proc/<pid> of a created container (its process is set up before it
# waits for start) and from inside.

test_process_user_caps_rlimits_and_more() {
  make_bundle
  chmod 755 "$T" "$T/bundle"
  edit_config "$T/bundle" '
p = d["process"]
p["args"] = ["sleep", "1000"]
p["user"] = {"uid": 1000, "gid": 1001, "umask": 63, "additionalGids": [10, 20]}
p["cwd"] = "/tmp"
p["capabilities"] = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"],
                     "permitted": ["CAP_KILL"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}
p["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 500, "hard": 600},
                {"type": "RLIMIT_NPROC", "soft": 4000, "hard": 4000}]
p["oomScoreAdj"] = 123
p["noNewPrivileges"] = True
p["scheduler"] = {"policy": "SCHED_BATCH", "nice": 5}
p["ioPriority"] = {"class": "IOPRIO_CLASS_BE", "priority": 6}
d["linux"]["personality"] = {"domain": "LINUX32"}'
  delete_on_exit c1
  capture r create --bundle "$T/bundle" --pid-file "$T/pid" c1
  assert_eq "$rc" 0 "$err"
  local pid status
  pid=$(cat "$T/pid")
  status=$(cat "/proc/$pid/status")
  assert_match "$status" $'\nUid:\t1000\t1000\t1000\t1000\n'
  assert_match "$status" $'\nGid:\t1001\t1001\t1001\t1001\n'
  assert_match "$status" $'\nGroups:\t10 20 \n'
  assert_match "$status" $'\nCapBnd:\t0000000000000021\n'
  assert_match "$status" $'\nCapAmb:\t0000000000000020\n'
  assert_match "$status" $'\nNoNewPrivs:\t1\n'
  assert_match "$status" $'\nUmask:\t0077\n'
  assert_eq "$(cat "/proc/$pid/oom_score_adj")" 123
  assert_match "$(grep 'Max open files' "/proc/$pid/limits")" 'files +500 +600 '
  assert_match "$(grep 'Max processes' "/proc/$pid/limits")" 'processes +4000 +4000 '
  # Scheduling policy 3 (SCHED_BATCH) and nice 5: fields 41 and 19 of stat.
  assert_eq "$(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $39, $17}')" "3 5"
  assert_eq "$(readlink "/proc/$pid/cwd")" /tmp
  r start c1
  wait_status c1 running
  # After exec the user program still has its ambient capability.
  assert_match "$(cat "/proc/$pid/status")" $'\nCapEff:\t0000000000000020\n'
  r delete --force c1
}

test_process_personality_inside() {
  make_bundle
  edit_config "$T/bundle" '
d["linux"]["personality"] = {"domain": "LINUX32"}
d["process"]["args"] = ["uname", "-m"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" i686
}

test_process_bad_attributes_fail_cleanly() {
  make_bundle
  cp "$T/bundle/config.json" "$T/good.json"
  local case pattern
  while IFS='|' read -r case pattern; do
    cp "$T/good.json" "$T/bundle/config.json"
    edit_config "$T/bundle" "$case"
    capture r create --bundle "$T/bundle" bad
    assert_error "$pattern"
    assert_no_leftovers
  done <<'CASES'
d["process"]["rlimits"].append({"type": "RLIMIT_FOO", "soft": 1, "hard": 1})|unknown rlimit type "RLIMIT_FOO"
d["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 10, "hard": 5}]|RLIMIT_NOFILE
d["process"]["apparmorProfile"] = "runtime/default"|process.apparmorProfile: (AppArmor is not enabled on this host|profile "runtime/default" is not loaded)
d["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0"|SELinux
d["process"]["cwd"] = "relative"|cwd
d["linux"]["personality"] = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}|personality
CASES
}

# linux.memoryPolicy: set_mempolicy for init and exec'd processes, read
# back inside with get_mempolicy by a static helper built for the test.
_build_getmempolicy() {
  cat >"$T/getmp.c" <<'C'
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
int main (void)
{
  unsigned long mask[16] = { 0 };
  int mode = -1;
  if (syscall (SYS_get_mempolicy, &mode, mask, 1025UL, NULL, 0UL) < 0)
    { perror ("get_mempolicy"); return 1; }
  printf ("mode=%d flags=%#x nodes=%#lx\n", mode & 0xff, mode & ~0xff, mask[0]);
  return 0;
}
C
  gcc -static -O1 -o "$1/getmp" "$T/getmp.c" || fail "cannot build the helper"
}

test_memory_policy_applies_to_init_and_exec() {
  make_bundle
  _build_getmempolicy "$T/bundle/rootfs/bin"
  # Unset: the host's default policy.
  edit_config "$T/bundle" 'd["process"]["args"] = ["/bin/getmp"]'
  capture r run --bundle "$T/bundle" c0
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "mode=0 flags=0 nodes=0"
  edit_config "$T/bundle" '
d["linux"]["memoryPolicy"] = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "mode=2 flags=0x8000 nodes=0x1"
  edit_config "$T/bundle" '
d["linux"]["memoryPolicy"] = {"mode": "MPOL_INTERLEAVE", "nodes": " 0-0 "}
d["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c2
  r run -d --bundle "$T/bundle" c2
  wait_status c2 running
  capture r exec c2 /bin/getmp
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "mode=3 flags=0 nodes=0x1"
}

test_memory_policy_bad_values_fail_cleanly() {
  make_bundle
  local mp
  for mp in '{"mode": "MPOL_BIND"}' '{"mode": "MPOL_DEFAULT", "nodes": "0"}' \
    '{"mode": "MPOL_LOCAL", "nodes": "0"}' '{"mode": "MPOL_BIND", "nodes": "1-0"}' \
    '{"mode": "MPOL_BIND", "nodes": "0,"}' '{"mode": "MPOL_BIND", "nodes": "x"}' \
    '{"mode": "MPOL_BIND", "nodes": "1024"}' \
    '{"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}'; do
    edit_config "$T/bundle" "d['linux']['memoryPolicy'] = $mp"
    capture r run --bundle "$T/bundle" c1
    assert_error "linux.memoryPolicy"
  done
  # Valid, but this host has no node 1000: the kernel refuses it.
  if [ ! -e /sys/devices/system/node/node1000 ]; then
    edit_config "$T/bundle" "d['linux']['memoryPolicy'] = {'mode': 'MPOL_BIND', 'nodes': '1000'}"
    capture r run --bundle "$T/bundle" c1
    assert_error "linux.memoryPolicy: set_mempolicy MPOL_BIND 1000: Invalid argument"
  fi
  assert_no_leftovers
}

# config.md: a capability that cannot be mapped to the kernel is a
# warning, not a failure: in the config and in `exec --cap`.
test_unknown_capability_is_a_warning() {
  make_bundle
  edit_config "$T/bundle" '
for s in ("bounding", "effective", "permitted"):
    d["process"]["capabilities"][s].append("CAP_UNKNOWN")
d["process"]["args"] = ["sh", "-c", "grep CapEff /proc/self/status"]'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_match "$out" '^CapEff:'
  assert_lines "$err" 1
  assert_match "$err" 'capability CAP_UNKNOWN unknown, skipped'
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c2
  r run -d --bundle "$T/bundle" c2 2>/dev/null
  wait_status c2 running
  capture r exec --cap CAP_UNKNOWN2 c2 true
  assert_eq "$rc" 0 "$err"
  assert_match "$err" 'capability CAP_UNKNOWN2 unknown, skipped'
}
