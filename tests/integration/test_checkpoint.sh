# checkpoint/restore: runc's flags are parsed; the dump and restore
# themselves are not written yet, so both commands fail with one line,
# before touching the container, and leave nothing behind.

test_checkpoint_refused_and_container_untouched() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit ckpt-1
  r run -d --bundle "$T/bundle" ckpt-1
  wait_status ckpt-1 running
  capture r checkpoint --image-path "$T/img" --work-path "$T/work" \
    --leave-running --tcp-established --manage-cgroups-mode soft ckpt-1
  assert_error '^runo: checkpoint: (not compiled in|not implemented) \(.*libcriu'
  wait_status ckpt-1 running
  [ ! -e "$T/img" ] && [ ! -e "$T/work" ] || fail "checkpoint made its directories"

  capture r restore --bundle "$T/bundle" --image-path "$T/img" -d ckpt-2
  assert_error '^runo: restore: (not compiled in|not implemented) \(.*libcriu'
  capture r state ckpt-2
  assert_eq "$rc" 1 "restore left a container behind"
  r delete --force ckpt-1
  assert_no_leftovers
}

test_checkpoint_bad_options() {
  capture r checkpoint --manage-cgroups-mode sometimes c
  assert_error 'manage-cgroups-mode sometimes: expected soft, full, strict or ignore'
  capture r checkpoint --bundle "$T" c
  assert_error '^runo: checkpoint: --bundle: only for restore$'
  capture r checkpoint -d c
  assert_error '^runo: checkpoint: --detach: only for restore$'
  capture r checkpoint --empty-ns pid c
  assert_error 'empty-ns pid: only network'
  capture r checkpoint --status-fd x c
  assert_error 'status-fd x: not an fd'
  capture r checkpoint
  assert_error 'missing container id'
  assert_no_leftovers
}
