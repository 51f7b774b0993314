# process.selinuxLabel and linux.mountLabel: refused with one line where
# SELinux is off (this machine and the dev VM, which has no policy).

host_has_selinux() { [ -e /sys/fs/selinux/enforce ]; }

test_selinux_refused_where_it_is_off() {
  host_has_selinux && skip "SELinux is enabled on this host"
  make_bundle
  cp "$T/bundle/config.json" "$T/good.json"
  edit_config "$T/bundle" 'd["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0:c1,c2"'
  capture r create --bundle "$T/bundle" se-off
  assert_error 'process.selinuxLabel: SELinux is not enabled on this host'
  assert_no_leftovers
  cp "$T/good.json" "$T/bundle/config.json"
  edit_config "$T/bundle" 'd["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0:c1,c2"'
  capture r create --bundle "$T/bundle" se-off
  assert_error 'linux.mountLabel: SELinux is not enabled on this host'
  assert_no_leftovers

  # exec --process-label on a running container: refused, it keeps running.
  cp "$T/good.json" "$T/bundle/config.json"
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit se-off-2
  r run -d --bundle "$T/bundle" se-off-2
  wait_status se-off-2 running
  capture r exec --process-label system_u:system_r:container_t:s0 se-off-2 true
  assert_error 'process.selinuxLabel: SELinux is not enabled on this host'
  wait_status se-off-2 running
}
