# The known runtime escapes, closed: the runtime binary cannot be written
# from a container, no host fd leaks in, the cwd is inside the container.

test_runtime_binary_is_not_writable_from_the_container() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c1
  local before
  before=$(sha256sum <"$RUNO")
  r create --bundle "$T/bundle" --pid-file "$T/pid" c1
  # Created: init is still runo, waiting for start.  Its executable is a
  # sealed copy, not the host's file.
  assert_eq "$(readlink "/proc/$(cat "$T/pid")/exe")" "/memfd:runo (deleted)"
  # Even the host's root cannot write into the sealed copy.
  if python3 -c "import sys; f = open('/proc/$(cat "$T/pid")/exe', 'r+b'); f.write(b'x'); f.flush()" 2>/dev/null; then
    fail "the runtime's executable was writable"
  fi
  r start c1
  wait_status c1 running
  # From inside, through a process that is runo until it execs (exec), and
  # through init: nothing of the runtime's executable is reachable.
  capture r exec c1 sh -c 'for p in /proc/[0-9]*; do echo x >> $p/exe && echo "wrote $p"; done 2>/dev/null; true'
  assert_eq "$rc" 0 "$err"
  [[ $out != *wrote* ]] || fail "$out"
  assert_eq "$(sha256sum <"$RUNO")" "$before"
}

test_no_host_fd_leaks_into_the_container() {
  make_bundle
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "ls /proc/self/fd | sort -n | tr \"\\n\" \" \"; readlink /proc/self/cwd"]'
  exec 7<"$RUNO"
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  # 0-2 and ls's own directory fd only; the cwd is the container's /.
  assert_match "$out" '^0 1 2 [3-9] '$'\n''?/$'
  edit_config "$T/bundle" 'd["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c2
  r run -d --bundle "$T/bundle" c2
  wait_status c2 running
  capture r exec c2 sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "; readlink /proc/self/cwd'
  assert_eq "$rc" 0 "$err"
  assert_match "$out" '^0 1 2 [3-9] '$'\n''?/$'
  exec 7<&-
}
