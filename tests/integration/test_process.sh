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
d["process"]["capabilities"]["bounding"].append("CAP_FOO")|unknown capability "CAP_FOO"
d["process"]["apparmorProfile"] = "runtime/default"|AppArmor is not enabled on this host
d["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0"|SELinux
d["process"]["cwd"] = "relative"|cwd
d["linux"]["personality"] = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}|personality
CASES
}
