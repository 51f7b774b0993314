# What a container process receives from the runtime besides its config:
# signal dispositions, session, HOME, ownership of its stdio, a missing
# cwd.  Each checked for create's init and for exec.

# A running container c1 (sleep) from $T/sleeper, edited by $1 first, and
# a bundle $T/bundle for another container.
start_sleeper_container() {
  make_bundle "$T/sleeper"
  edit_config "$T/sleeper" "d['process']['args'] = ['sleep', '1000']
${1:-}"
  delete_on_exit c1
  r run -d --bundle "$T/sleeper" c1 </dev/null >/dev/null
  make_bundle
  edit_config "$T/bundle" "${1:-}"
}

# Run CMD... with SIGPIPE, SIGHUP, SIGUSR1 ignored, and signals 32 and 33
# too, which glibc reserves (its sigaction refuses them, the kernel does
# not: a caller of another libc may ignore them).
with_ignored_signals() {
  python3 - "$@" <<'PY'
import ctypes, os, signal, sys
for s in (signal.SIGPIPE, signal.SIGHUP, signal.SIGUSR1):
    signal.signal(s, signal.SIG_IGN)
signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # python ignores it
if os.uname().machine == "x86_64":
    libc = ctypes.CDLL(None, use_errno=True)
    act = (ctypes.c_ulong * 4)(1, 0, 0, 0)  # SIG_IGN, no flags, empty mask
    for s in (32, 33):
        assert libc.syscall(13, s, act, None, 8) == 0  # rt_sigaction
os.execvp(sys.argv[1], sys.argv[1:])
PY
}

# The engine's monitor ignores SIGPIPE (conmon) or SIGHUP (nohup): the
# container's programs must not inherit that.
test_process_setup_signal_dispositions_reset() {
  start_sleeper_container
  edit_config "$T/bundle" 'd["process"]["args"] = ["grep", "^SigIgn", "/proc/self/status"]'
  capture with_ignored_signals grep ^SigIgn /proc/self/status
  # The caller ignores at least what the helper set (a shell that started
  # the suite in the background adds SIGINT and SIGQUIT).
  if [ "$(uname -m)" = x86_64 ]; then
    (((0x${out#*$'\t'} & 0x180001201) == 0x180001201)) || fail "the caller's: $out"
  fi
  capture with_ignored_signals "$RUNO" --root "$ROOT" run --bundle "$T/bundle" c2
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" $'SigIgn:\t0000000000000000'
  capture with_ignored_signals "$RUNO" --root "$ROOT" exec c1 grep ^SigIgn /proc/self/status
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" $'SigIgn:\t0000000000000000'
  # What users see: with SIGPIPE ignored, `yes` reports a broken pipe.
  capture bash -c "trap '' PIPE; exec \"\$@\"" - "$RUNO" --root "$ROOT" exec c1 sh -c 'yes | head -1'
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" y
  assert_eq "$err" ""
}

# pid, process group and session of the process itself (fields 1, 5, 6 of
# its stat): a leader of its own session has all three equal.
test_process_setup_own_session_init_and_exec() {
  start_sleeper_container
  capture r exec c1 cat /proc/self/stat
  assert_eq "$rc" 0 "$err"
  local f
  f=$(printf '%s\n' "$out" | sed 's/.*) //' | awk '{print $3, $4}')
  assert_eq "$f" "$(printf '%s\n' "$out" | awk '{print $1, $1}')" "exec: pgrp and session [$f]"
  edit_config "$T/bundle" 'd["process"]["args"] = ["cat", "/proc/self/stat"]'
  capture r run --bundle "$T/bundle" c2
  assert_eq "$rc" 0 "$err"
  assert_eq "$(printf '%s\n' "$out" | sed 's/.*) //' | awk '{print $3, $4}')" "1 1" "init"
}

test_process_setup_home_from_passwd() {
  make_bundle
  local rootfs=$T/bundle/rootfs
  rm -f "$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'broken:line' \
    'u:x:1000:1000::/home/u:/bin/sh' 'again:x:1000:1000::/second:/bin/sh' \
    'noshell:x:1001:1001::/home/noshell' 'emptyhome:x:1002:1002:::/bin/sh' >"$rootfs/etc/passwd"
  edit_config "$T/bundle" '
d["process"]["args"] = ["sh", "-c", "echo \"[$HOME]\""]
d["process"]["env"] = [e for e in d["process"]["env"] if not e.startswith("HOME=")]
d["process"]["user"] = {"uid": 1000, "gid": 1000}'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "[/home/u]"
  edit_config "$T/bundle" 'd["process"]["user"] = {"uid": 1001, "gid": 1001}'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$out" "[/home/noshell]" "$err"
  for uid in 1002 4242; do
    edit_config "$T/bundle" "d['process']['user'] = {'uid': $uid, 'gid': $uid}"
    capture r run --bundle "$T/bundle" c1
    assert_eq "$out" "[/]" "uid $uid: $err"
  done
  # A HOME in process.env is kept, even an empty one.
  edit_config "$T/bundle" 'd["process"]["env"].append("HOME=")'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$out" "[]" "$err"

  edit_config "$T/bundle" '
d["process"]["env"] = [e for e in d["process"]["env"] if not e.startswith("HOME=")]
d["process"]["user"] = {"uid": 0, "gid": 0}
d["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c2
  r run -d --bundle "$T/bundle" c2 </dev/null >/dev/null
  capture r exec c2 sh -c 'echo "[$HOME]"'
  assert_eq "$out" "[/root]" "$err"
  capture r exec -u 1000:1000 c2 sh -c 'echo "[$HOME]"'
  assert_eq "$out" "[/home/u]" "$err"
  capture r exec -u 1000:1000 -e HOME=/mine c2 sh -c 'echo "[$HOME]"'
  assert_eq "$out" "[/mine]" "$err"
}

# The container's /etc/passwd is read in the container's root: a symlink
# out of it or a magic link does not reach the host's files, and a fifo
# does not block the process.
test_process_setup_home_passwd_stays_in_the_root() {
  make_bundle
  local rootfs=$T/bundle/rootfs
  printf 'u:x:1000:1000::/host-home:/bin/sh\n' >"$T/host-passwd"
  edit_config "$T/bundle" '
d["process"]["args"] = ["sh", "-c", "echo \"[$HOME]\""]
d["process"]["env"] = [e for e in d["process"]["env"] if not e.startswith("HOME=")]
d["process"]["user"] = {"uid": 1000, "gid": 1000}'
  rm -f "$rootfs/etc/passwd"
  ln -s "../../../../../../../../..$T/host-passwd" "$rootfs/etc/passwd"
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "[/]" "relative symlink out"
  rm -f "$rootfs/etc/passwd"
  ln -s "$T/host-passwd" "$rootfs/etc/passwd"
  capture r run --bundle "$T/bundle" c1
  assert_eq "$out" "[/]" "absolute symlink: $err"
  # The runtime's stdin is the host's file here, which /proc/self/fd/0
  # in the container would name.
  rm -f "$rootfs/etc/passwd"
  ln -s /proc/self/fd/0 "$rootfs/etc/passwd"
  capture r run --bundle "$T/bundle" c1 <"$T/host-passwd"
  assert_eq "$out" "[/]" "magic link: $err"
  rm -f "$rootfs/etc/passwd"
  mkfifo "$rootfs/etc/passwd"
  delete_on_exit c1
  capture timeout 10 "$RUNO" --root "$ROOT" run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "fifo: $err"
  assert_eq "$out" "[/]" "fifo"
}

# A non-root process can reopen its stdio when it is a pipe (conmon, a
# shim): the nginx `access_log /dev/stdout` pattern.
test_process_setup_stdio_pipes_given_to_the_user() {
  start_sleeper_container 'd["process"]["user"] = {"uid": 1000, "gid": 1000}'
  edit_config "$T/bundle" 'd["process"]["args"] = ["sh", "-c", "echo out >/dev/stdout && echo err >/dev/stderr && cat /dev/stdin"]'
  local result
  result=$(echo in | r run --bundle "$T/bundle" c2 2>&1 | cat)
  assert_eq "$result" $'out\nerr\nin'
  result=$(echo in | r exec c1 sh -c 'echo out >/dev/stdout && echo err >/dev/stderr && cat /dev/stdin' 2>&1 | cat)
  assert_eq "$result" $'out\nerr\nin'
  # The uid given is the container user's, gid untouched.
  result=$(r exec -u 1234:1234 c1 sh -c 'stat -L -c %u /proc/self/fd/1' | cat)
  assert_eq "$result" 1234
  # A file of the host the caller redirected stdio to stays the host's.
  r exec c1 sh -c 'echo x' >"$T/host-out"
  assert_eq "$(stat -c %u "$T/host-out")" 0
  assert_eq "$(cat "$T/host-out")" x
}

test_process_setup_terminal_given_to_the_user() {
  make_bundle
  edit_config "$T/bundle" '
d["process"]["terminal"] = True
d["process"]["user"] = {"uid": 1000, "gid": 1000}
d["process"]["args"] = ["sh", "-c", "echo reopened >/dev/stdout && stat -L -c owner=%u /proc/self/fd/0"]'
  start_console_receiver "$T/console.sock" "$T/console.out"
  capture r run --console-socket "$T/console.sock" --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  wait "$console_pid" 2>/dev/null || true
  assert_match "$(tr -d '\r' <"$T/console.out")" $'\nreopened\nowner=1000'

  edit_config "$T/bundle" 'd["process"]["terminal"] = False; d["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c2
  r run -d --bundle "$T/bundle" c2 </dev/null >/dev/null
  start_console_receiver "$T/console2.sock" "$T/console2.out"
  capture r exec -t -u 1001:1001 --console-socket "$T/console2.sock" c2 sh -c 'echo reopened >/dev/stdout && stat -L -c owner=%u /proc/self/fd/0'
  assert_eq "$rc" 0 "$err"
  wait "$console_pid" 2>/dev/null || true
  assert_match "$(tr -d '\r' <"$T/console2.out")" $'\nreopened\nowner=1001'
}

# runc and crun create a missing process.cwd for the container's init,
# inside the rootfs (and exec fails on one, as with runc).
test_process_setup_missing_cwd_created_in_the_rootfs() {
  make_bundle
  local rootfs=$T/bundle/rootfs
  ln -s "$T/outside" "$rootfs/abs"
  ln -s "../../../../../../../..$T/rel" "$rootfs/rel"
  edit_config "$T/bundle" '
d["process"]["args"] = ["pwd"]
d["process"]["cwd"] = "/new/deep/dir"
d["root"]["readonly"] = True'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" /new/deep/dir
  [ -d "$rootfs/new/deep/dir" ] || fail "cwd not made in the rootfs"
  for link in abs rel; do
    edit_config "$T/bundle" "d['process']['cwd'] = '/$link/sub'"
    capture r run --bundle "$T/bundle" c1
    assert_eq "$rc" 0 "$link: $err"
    assert_eq "$out" "$T/${link/abs/outside}/sub" "$link"
  done
  [ ! -e "$T/outside" ] && [ ! -e "$T/rel" ] || fail "cwd made outside the rootfs"
  [ -d "$rootfs$T/outside/sub" ] && [ -d "$rootfs$T/rel/sub" ] || fail "symlinked cwd not made in the rootfs"
  # In a volume: made in the mount, not under it.
  edit_config "$T/bundle" '
d["mounts"].append({"destination": "/vol", "type": "tmpfs", "source": "tmpfs"})
d["process"]["cwd"] = "/vol/work"'
  capture r run --bundle "$T/bundle" c1
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" /vol/work
  [ ! -e "$rootfs/vol/work" ] || fail "cwd made under the volume"

  edit_config "$T/bundle" 'd["process"]["cwd"] = "/"; d["process"]["args"] = ["sleep", "1000"]'
  delete_on_exit c2
  r run -d --bundle "$T/bundle" c2 </dev/null >/dev/null
  capture r exec --cwd /not/there c2 pwd
  assert_error 'chdir to cwd `/not/there`: No such file or directory'
  [ ! -e "$rootfs/not" ] || fail "exec made its cwd"
}
