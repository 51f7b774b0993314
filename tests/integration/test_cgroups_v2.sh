# Behaviour that only a pure cgroup v2 host shows (the VM of tests/vm); on
# this hybrid CI host these tests skip.

skip_unless_pure_v2() {
  [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip "not a pure cgroup v2 host"
}

# Engines send memory.swappiness by default; v2 has no such knob: runc
# ignores it with a warning, and so does runo (the limit still applies).
test_v2_swappiness_is_ignored_with_a_warning() {
  skip_unless_pure_v2
  make_bundle "$T/bundle"
  edit_config "$T/bundle" "
d['process']['args'] = ['sleep', '1000']
d['linux']['resources'] = {'memory': {'limit': 67108864, 'swappiness': 60}}"
  delete_on_exit c1
  capture r create --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_contains "$err" "linux.resources.memory.swappiness: not supported on cgroup v2, ignored"
  pid=$(r state c1 | json_get - "d['pid']")
  cg=$(awk -F: '$1 == "0" {print $3}' "/proc/$pid/cgroup")
  assert_eq "$(cat "/sys/fs/cgroup$cg/memory.max")" 67108864
  capture r update --memory 128m c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$(cat "/sys/fs/cgroup$cg/memory.max")" 134217728
  r delete --force c1
  assert_no_leftovers
}
