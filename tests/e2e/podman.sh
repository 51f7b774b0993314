#!/bin/bash
# Podman (with conmon) drives runo: run, exec, stop, resources, networks,
# pause, a terminal.  Podman's storage, run and temporary directories, its
# containers.conf and CNI configuration are all under a scratch directory;
# the image is a busybox rootfs made here and `podman import`ed.
#
#   RUNO=/path/to/runo tests/e2e/podman.sh
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
: "${RUNO:?RUNO must point at the runo binary}"
RUNO=$(readlink -f "$RUNO")

e2e_start podman
W=$E2E_DIR
IMAGE=localhost/busybox

# Podman as the tests call it: the built runo, storage under $W.  A
# script, not a function, so that script(1) can run it too.
cat >"$W/podman" <<EOF
#!/bin/sh
export CONTAINERS_CONF=$W/containers.conf CONTAINERS_STORAGE_CONF=$W/storage.conf
exec podman --root $W/storage --runroot $W/run --runtime $RUNO "\$@"
EOF
chmod +x "$W/podman"
p() { "$W/podman" "$@"; }

# Flags every `podman run` gets.
run_flags=()
if ! runo_has_seccomp; then
  # Temporary: runo rejects linux.seccomp until it implements it, and
  # Podman always sends its default profile.
  run_flags+=(--security-opt seccomp=unconfined)
fi

setup() {
  command -v podman >/dev/null || fail "podman is not installed"
  command -v conmon >/dev/null || fail "conmon is not installed"
  e2e_rootfs_tar || fail "cannot make the busybox rootfs"
  mkdir -p "$W/cni" "$W/tmp"
  # This machine's callers lack CAP_SYS_RESOURCE: Podman's default ulimits
  # (the hard limits raised to 1048576) would fail, so ask for less.
  # runtime_supports_json makes Podman pass --log-format=json --log FILE.
  cat >"$W/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[network]
network_config_dir = "$W/cni"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$W/tmp"
runtime = "runo"
runtime_supports_json = ["runo"]

[engine.runtimes]
runo = ["$RUNO"]
EOF
  cat >"$W/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$W/storage"
runroot = "$W/run"
EOF
  p import "$E2E_ROOTFS_TAR" "$IMAGE" >/dev/null || fail "podman import failed"
}

teardown() {
  p rm --all --force --time 0 >/dev/null 2>&1
  p rmi --all --force >/dev/null 2>&1
  # Podman's overlay driver may leave its storage mounted.
  local m
  awk '{print $5}' /proc/self/mountinfo | grep "^$W/" | sort -r | while read -r m; do umount -l "$m"; done
}

# The host path of a container's cgroup for controller $2.
cgroup_dir() {
  local pid
  pid=$(p inspect -f '{{.State.Pid}}' "$1")
  echo "/sys/fs/cgroup/$2$(awk -F: -v c="$2" '$2 == c {print $3}' "/proc/$pid/cgroup")"
}

# A detached `sleep`, removed when the test ends.
run_sleeper() {
  local name=$1
  shift
  on_exit "p rm --force --time 0 $name"
  p run -d --name "$name" "${run_flags[@]}" "$@" "$IMAGE" sleep 1000 >/dev/null
}

test_run_rm() {
  capture p run --rm "${run_flags[@]}" "$IMAGE" echo hello from runo
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "hello from runo"
  # The container's exit status is Podman's.
  capture p run --rm "${run_flags[@]}" "$IMAGE" sh -c 'exit 3'
  assert_eq "$rc" 3 "$err"
  # A command that cannot run: runo's error reaches the user.
  capture p run --rm "${run_flags[@]}" "$IMAGE" /no/such/command
  [ "$rc" != 0 ] || fail "a missing command succeeded"
  assert_contains "$err" "/no/such/command"
  # Podman's default seccomp profile is in force (unless unconfined above).
  if [ ${#run_flags[@]} = 0 ]; then
    capture p run --rm "$IMAGE" grep Seccomp: /proc/self/status
    assert_eq "$out" $'Seccomp:\t2' "$err"
  fi
  assert_eq "$(p ps --all --quiet)" ""
}

test_detached_exec_stop_rm() {
  run_sleeper e2e-exec
  local id
  id=$(p inspect -f '{{.Id}}' e2e-exec)
  [ -f "/run/runo/$id/state.json" ] || fail "no runo state for $id"
  capture p exec e2e-exec cat /proc/1/cmdline
  assert_eq "$rc" 0 "$err"
  assert_eq "$(tr '\0' ' ' <"$W/.stdout")" "sleep 1000 "
  capture p exec e2e-exec sh -c 'exit 5'
  assert_eq "$rc" 5 "exec exit status"
  capture p exec --user 1000:1000 --env FOO=bar --workdir /tmp e2e-exec sh -c 'echo $(id -u):$(id -g) $FOO $(pwd)'
  assert_eq "$out" "1000:1000 bar /tmp" "$err"
  # A detached exec: runo forks, conmon reaps.
  p exec -d e2e-exec sleep 999
  capture p top e2e-exec args
  assert_contains "$out" "sleep 999"
  capture p stop --time 1 e2e-exec
  assert_eq "$rc" 0 "$err"
  assert_eq "$(p inspect -f '{{.State.Status}}' e2e-exec)" exited
  capture p rm e2e-exec
  assert_eq "$rc" 0 "$err"
  [ ! -e "/run/runo/$id" ] || fail "runo state left for $id"
}

test_memory_limit() {
  capture p run --rm "${run_flags[@]}" --memory 64m "$IMAGE" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" $((64 * 1024 * 1024)) "memory.limit_in_bytes seen inside"
  run_sleeper e2e-mem --memory 48m
  assert_eq "$(cat "$(cgroup_dir e2e-mem memory)/memory.limit_in_bytes")" $((48 * 1024 * 1024)) "on the host"
}

test_pids_limit() {
  run_sleeper e2e-pids --pids-limit 42
  assert_eq "$(cat "$(cgroup_dir e2e-pids pids)/pids.max")" 42
  # The limit holds: the shell's fourth child cannot be forked.
  capture p run --rm "${run_flags[@]}" --pids-limit 4 "$IMAGE" sh -c 'sleep 5 & sleep 5 & sleep 5 & sleep 5 & echo forked'
  [ "$rc" != 0 ] || fail "forked past the pids limit: $out"
  assert_contains "$err$out" "fork"
}

test_network_none() {
  capture p run --rm "${run_flags[@]}" --network none "$IMAGE" sh -c 'ls /sys/class/net'
  assert_eq "$rc" 0 "$err"
  assert_eq "$out" "lo"
}

test_network_bridge() {
  # Podman's default network: a CNI bridge (cni-podman0, 10.88.0.0/16),
  # made by Podman offline.  The container reaches the host's side.
  capture p run --rm "${run_flags[@]}" "$IMAGE" sh -c 'ip -o -4 addr show eth0 && ping -c 1 -W 5 10.88.0.1'
  assert_eq "$rc" 0 "$out $err"
  assert_match "$out" "inet 10\.88\."
  assert_contains "$out" "1 packets received"
}

test_pause_unpause() {
  run_sleeper e2e-pause
  local freezer
  freezer=$(cgroup_dir e2e-pause freezer)
  capture p pause e2e-pause
  assert_eq "$rc" 0 "$err"
  assert_eq "$(p inspect -f '{{.State.Status}}' e2e-pause)" paused
  assert_eq "$(cat "$freezer/freezer.state")" FROZEN
  capture p unpause e2e-pause
  assert_eq "$rc" 0 "$err"
  assert_eq "$(p inspect -f '{{.State.Status}}' e2e-pause)" running
  assert_eq "$(cat "$freezer/freezer.state")" THAWED
  capture p exec e2e-pause echo alive
  assert_eq "$out" alive "$err"
}

test_update() {
  # `podman update` came with Podman 4.6; Debian 12 has 4.3.
  p update --help >/dev/null 2>&1 || skip "podman $(podman --version | awk '{print $3}') has no update command"
  run_sleeper e2e-update --memory 64m
  capture p update --memory 32m e2e-update
  assert_eq "$rc" 0 "$err"
  assert_eq "$(cat "$(cgroup_dir e2e-update memory)/memory.limit_in_bytes")" $((32 * 1024 * 1024))
}

test_tty() {
  capture_tty "$W/podman" run --rm -t "${run_flags[@]}" "$IMAGE" sh -c 'tty; stty size >/dev/null && echo sized'
  assert_eq "$rc" 0 "$out $err"
  assert_match "$out" "/dev/pts/[0-9]+"
  assert_contains "$out" "sized"
}

test_exec_tty() {
  run_sleeper e2e-exectty
  capture_tty "$W/podman" exec -t e2e-exectty tty
  assert_eq "$rc" 0 "$out $err"
  assert_match "$out" "/dev/pts/[0-9]+"
}

setup_log=$W/.log.setup
if (setup) >"$setup_log" 2>&1 </dev/null; then
  e2e_test test_run_rm "run --rm echo, exit status, runo's error shown"
  e2e_test test_detached_exec_stop_rm "run -d, exec (status, user, env, cwd, -d), stop, rm"
  e2e_test test_memory_limit "run --memory"
  e2e_test test_pids_limit "run --pids-limit"
  e2e_test test_network_none "run --network none"
  e2e_test test_network_bridge "run on the default bridge network"
  e2e_test test_pause_unpause "pause, unpause"
  e2e_test test_update "update --memory"
  e2e_test test_tty "run -t"
  e2e_test test_exec_tty "exec -t"
else
  e2e_report 1 "setup" "$setup_log"
fi
teardown
e2e_finish
