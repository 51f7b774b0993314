#!/bin/bash
# containerd (its runc v2 shim) drives runo through ctr: run, exec, kill,
# delete, ps, pause/resume, a terminal, a memory limit.  The test starts
# its own containerd (root, state and sockets under a scratch directory)
# and stops it by pid; the image is an OCI archive of a busybox rootfs
# made here and `ctr images import`ed.
#
#   RUNO=/path/to/runo tests/e2e/containerd.sh
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
: "${RUNO:?RUNO must point at the runo binary}"
RUNO=$(readlink -f "$RUNO")

e2e_start containerd
W=$E2E_DIR
IMAGE=localhost/busybox:latest
# The namespace names the cgroups (/sys/fs/cgroup/*/<ns>/<id>): e2e_finish
# removes that parent.
NS=runo-e2e-$$
E2E_CGROUP_PARENT=$NS

# ctr as the tests call it: our containerd, runo as the shim's runc, its
# state (--root) and the I/O fifos under $W.  A script, so that script(1)
# can run it too.  ctr reads stdin unless told otherwise: the callers
# redirect it from /dev/null.
cat >"$W/ctr" <<EOF
#!/bin/sh
exec ctr --address $W/containerd.sock --namespace $NS "\$@"
EOF
chmod +x "$W/ctr"
c() { "$W/ctr" "$@"; }
runo_flags=(--runc-binary "$RUNO" --runc-root "$W/runc" --fifo-dir "$W/fifo")

containerd_pid=

setup() {
  command -v containerd >/dev/null || fail "containerd is not installed"
  command -v ctr >/dev/null || fail "ctr is not installed"
  e2e_rootfs_tar || fail "cannot make the busybox rootfs"
  cat >"$W/config.toml" <<EOF
version = 2
root = "$W/root"
state = "$W/state"
# Nothing but what ctr needs: no CRI, no /opt/containerd.
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "$W/containerd.sock"
[ttrpc]
  address = "$W/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
  e2e_oci_archive "$W/busybox-oci.tar" "$IMAGE" || fail "cannot make the OCI archive"
}

start_containerd() {
  containerd --config "$W/config.toml" >"$W/containerd.log" 2>&1 </dev/null &
  containerd_pid=$!
  local i
  for i in $(seq 100); do
    c version >/dev/null 2>&1 && break
    kill -0 "$containerd_pid" 2>/dev/null || { cat "$W/containerd.log"; echo "containerd exited"; return 1; }
    sleep 0.1
  done
  c version >/dev/null 2>&1 || { tail -20 "$W/containerd.log"; echo "containerd did not come up"; return 1; }
  c images import "$W/busybox-oci.tar" >/dev/null </dev/null || { echo "ctr images import failed"; return 1; }
}

teardown() {
  local id
  for id in $(c task ls -q 2>/dev/null); do
    c task kill -s KILL "$id" </dev/null >/dev/null 2>&1
    c task delete --force "$id" </dev/null >/dev/null 2>&1
  done
  for id in $(c containers ls -q 2>/dev/null); do
    c containers delete "$id" </dev/null >/dev/null 2>&1
  done
  c images rm "$IMAGE" </dev/null >/dev/null 2>&1
  c namespaces rm "$NS" </dev/null >/dev/null 2>&1
  if [ -n "$containerd_pid" ]; then
    kill "$containerd_pid" 2>/dev/null
    wait "$containerd_pid" 2>/dev/null
  fi
  # The overlay snapshots of stopped containers may still be mounted.
  local m
  awk '{print $5}' /proc/self/mountinfo | grep "^$W/" | sort -r | while read -r m; do umount -l "$m"; done
}

# A detached `sleep` task $1, removed when the test ends.
run_sleeper() {
  local id=$1
  shift
  on_exit "c task kill -s KILL $id; sleep 0.3; c task delete --force $id; c containers delete $id"
  c run -d "${runo_flags[@]}" "$@" "$IMAGE" "$id" sleep 1000 </dev/null >/dev/null
}

task_status() { c task ls 2>/dev/null | awk -v id="$1" '$1 == id {print $3}'; }

test_run_foreground() {
  capture c run --rm "${runo_flags[@]}" "$IMAGE" fg1 sh -c 'echo hello from runo; exit 4'
  assert_eq "$rc" 4 "$err"
  assert_eq "$out" "hello from runo"
  assert_eq "$(c containers ls -q)" ""
}

test_detached_exec_kill_delete() {
  run_sleeper d1
  assert_eq "$(task_status d1)" RUNNING
  local pid
  pid=$(c task ls | awk '$1 == "d1" {print $2}')
  # The pid is the host's and runo keeps the container's state under the
  # shim's --runc-root.
  assert_eq "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 1000 "
  [ -f "$W/runc/$NS/d1/state.json" ] || fail "no runo state under the --runc-root"
  # In the container's pid namespace, with its exit status.
  capture c task exec --exec-id e1 d1 sh -c 'echo $(cat /proc/1/comm) is 1; exit 6'
  assert_eq "$rc" 6 "$err"
  assert_eq "$out" "sleep is 1"
  capture c task exec --exec-id e2 --user 1000 --cwd /tmp d1 sh -c 'echo $(id -u) $(pwd)'
  assert_eq "$out" "1000 /tmp" "$err"
  capture c task kill -s TERM d1
  assert_eq "$rc" 0 "$err"
  # sleep as pid 1 has no TERM handler: the kernel ignores it.
  sleep 0.3
  assert_eq "$(task_status d1)" RUNNING
  capture c task kill -s KILL d1
  assert_eq "$rc" 0 "$err"
  wait_for '[ "$(task_status d1)" = STOPPED ]'
  capture c task delete d1
  assert_eq "$rc" 0 "$err"
  [ ! -e "$W/runc/$NS/d1" ] || fail "runo state left for d1"
  capture c containers delete d1
  assert_eq "$rc" 0 "$err"
}

test_task_ps() {
  run_sleeper ps1
  c task exec -d --exec-id e1 ps1 sleep 999 </dev/null
  capture c task ps ps1
  assert_eq "$rc" 0 "$err"
  local pid pids
  pid=$(c task ls | awk '$1 == "ps1" {print $2}')
  pids=$(printf '%s\n' "$out" | awk 'NR > 1 {print $1}')
  assert_contains "$pids" "$pid" "init in task ps"
  assert_eq "$(printf '%s\n' "$pids" | wc -l)" 2 "init and the exec'd sleep: $out"
}

test_pause_resume() {
  run_sleeper p1
  capture c task pause p1
  assert_eq "$rc" 0 "$err"
  assert_eq "$(task_status p1)" PAUSED
  assert_eq "$(cat "/sys/fs/cgroup/freezer/$NS/p1/freezer.state")" FROZEN
  capture c task resume p1
  assert_eq "$rc" 0 "$err"
  assert_eq "$(task_status p1)" RUNNING
  capture c task exec --exec-id e1 p1 echo alive
  assert_eq "$out" alive "$err"
}

test_tty() {
  capture_tty "$W/ctr" run --rm -t "${runo_flags[@]}" "$IMAGE" tty1 sh -c 'tty; stty size >/dev/null && echo sized'
  assert_eq "$rc" 0 "$out $err"
  assert_match "$out" "/dev/pts/[0-9]+"
  assert_contains "$out" "sized"
}

test_memory_limit() {
  run_sleeper m1 --memory-limit $((48 * 1024 * 1024))
  assert_eq "$(cat "/sys/fs/cgroup/memory/$NS/m1/memory.limit_in_bytes")" $((48 * 1024 * 1024))
}

setup_log=$W/.log.setup
if (setup) >"$setup_log" 2>&1 </dev/null && start_containerd >>"$setup_log" 2>&1; then
  e2e_test test_run_foreground "run (foreground), exit status"
  e2e_test test_detached_exec_kill_delete "run -d, task exec, task kill, task delete"
  e2e_test test_task_ps "task ps"
  e2e_test test_pause_resume "task pause, task resume"
  e2e_test test_tty "run -t"
  e2e_test test_memory_limit "run --memory-limit"
else
  e2e_report 1 "setup" "$setup_log"
fi
teardown
e2e_finish
