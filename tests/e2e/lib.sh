# Helpers for the end-to-end tests (sourced by podman.sh and containerd.sh).
#
# An engine file sets its engine up once in a scratch directory ($E2E_DIR),
# runs each scenario with e2e_test (one "ok"/"not ok" line each), tears the
# engine down and then checks that the host is as it found it.  Everything
# the engines make is kept under $E2E_DIR where they allow it; what they put
# elsewhere by design (a bridge, iptables chains, parent cgroups, ...) is
# removed by e2e_finish when it did not exist before.

set -u

e2e_passed=0
e2e_failed=0

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

assert_eq() { [ "$1" = "$2" ] || fail "expected [$2], got [$1]${3:+ ($3)}"; }
assert_match() { [[ $1 =~ $2 ]] || fail "[$1] does not match /$2/${3:+ ($3)}"; }
assert_contains() { [[ $1 == *"$2"* ]] || fail "[$1] does not contain [$2]${3:+ ($3)}"; }

# Run a command, leaving its stdout in $out, stderr in $err and status in
# $rc.  Files, not pipes: a process the command leaves behind (conmon, a
# shim) would hold a pipe open and hang the test.
capture() {
  "$@" >"$E2E_DIR/.stdout" 2>"$E2E_DIR/.stderr" </dev/null && rc=0 || rc=$?
  out=$(cat "$E2E_DIR/.stdout")
  err=$(cat "$E2E_DIR/.stderr")
}

# Run CMD... on a pseudo-terminal (script(1)): what it prints, with \r
# removed, is left in $out and its status in $rc.
capture_tty() {
  local cmd
  printf -v cmd '%q ' "$@"
  script -qec "$cmd" /dev/null >"$E2E_DIR/.stdout" 2>"$E2E_DIR/.stderr" </dev/null && rc=0 || rc=$?
  out=$(tr -d '\r' <"$E2E_DIR/.stdout")
  err=$(cat "$E2E_DIR/.stderr")
}

# Wait up to $2 tenths of a second for the command $1 (eval'd) to succeed.
wait_for() {
  local i
  for i in $(seq "${2:-50}"); do
    eval "$1" && return 0
    sleep 0.1
  done
  fail "timed out waiting for: $1"
}

# Run the test function $1 (with a description $2) in a subshell, its
# output in a log shown only on failure; the function's cleanups go in
# on_exit.
e2e_test() {
  local fn=$1 desc=$2 log rc
  log=$E2E_DIR/.log.$fn
  (
    _cleanups=()
    on_exit() { _cleanups=("$*" "${_cleanups[@]}"); }
    trap 'for c in "${_cleanups[@]}"; do eval "$c" >/dev/null 2>&1 || true; done' EXIT
    set -e
    "$fn"
  ) >"$log" 2>&1 </dev/null
  rc=$?
  e2e_report "$rc" "$desc" "$log"
}

# e2e_report STATUS DESCRIPTION [LOG]: one TAP-like line, the log indented.
e2e_report() {
  if [ "$1" = 0 ]; then
    e2e_passed=$((e2e_passed + 1))
    echo "ok - $E2E_ENGINE: $2"
  elif [ "$1" = 77 ]; then
    e2e_passed=$((e2e_passed + 1))
    echo "ok - $E2E_ENGINE: $2 # SKIP $(tail -n1 "$3" 2>/dev/null)"
  else
    e2e_failed=$((e2e_failed + 1))
    echo "not ok - $E2E_ENGINE: $2"
    [ -n "${3:-}" ] && [ -f "$3" ] && sed 's/^/    /' "$3"
  fi
  return 0
}

skip() {
  echo "$*"
  exit 77
}

# seccomp is not implemented yet: the engines' default profile would make
# every container fail, so the tests run unconfined until `runo features`
# says it is enabled.  Temporary: drop this once seccomp lands.
runo_has_seccomp() {
  "$RUNO" features | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin).get("linux",{}).get("seccomp",{}).get("enabled") else 1)'
}

# --- What the host looks like, to prove the tests left nothing behind ---

# One line a host object: cgroup directories, links, network namespaces,
# iptables rules, runo state, mounts and processes that name $E2E_DIR.
host_snapshot() {
  # Only the cgroups the engines name (other tests may run meanwhile).
  find /sys/fs/cgroup -mindepth 2 -type d \( -path '*/libpod*' -o -path '*/runo-e2e-*' \) \
    -printf 'cgroup %p\n' 2>/dev/null
  ip -o link show 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print "link", $2}'
  ls /run/netns 2>/dev/null | sed 's/^/netns /'
  local t
  for t in filter nat mangle; do
    iptables-save -t "$t" 2>/dev/null | sed -e '/^#/d' -e '/^COMMIT/d' -e 's/ \[[0-9]*:[0-9]*\]$//' -e "s/^/iptables $t /"
  done
  # Container state; not runo's cache of compiled seccomp programs.
  [ -d /run/runo ] && ls -A /run/runo | grep -vx '.seccomp' | sed 's/^/runo-state /'
  awk '$5 !~ "^/tmp/runo-it" {print "mount", $5}' /proc/self/mountinfo
  local p
  for p in /proc/[0-9]*; do
    if tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF -- "$E2E_DIR"; then
      echo "process ${p#/proc/} $(tr '\0' ' ' 2>/dev/null <"$p/cmdline")"
    fi
  done
}

# Paths an engine creates outside its own root by design; e2e_finish
# removes those of them that were absent when e2e_start ran.
e2e_paths=(/run/runo /var/lib/cni /var/lib/containers /run/containerd /etc/cni)

e2e_start() {
  E2E_ENGINE=$1
  E2E_DIR=$(mktemp -d "/tmp/runo-e2e-$1.XXXXXX")
  export E2E_DIR E2E_ENGINE
  host_snapshot | LC_ALL=C sort >"$E2E_DIR/.before"
  local p
  : >"$E2E_DIR/.absent"
  for p in "${e2e_paths[@]}"; do
    [ -e "$p" ] || echo "$p" >>"$E2E_DIR/.absent"
  done
}

# Remove what an engine leaves on the host by design (not runo's doing)
# when it was not there before; then every other difference from the
# snapshot taken by e2e_start is a leftover: reported as a failed test and
# cleaned up.  Processes are never killed here: the engine files stop
# what they started, by pid.
e2e_finish() {
  local after new line kind what
  after=$(host_snapshot | LC_ALL=C sort)
  new=$(LC_ALL=C comm -13 "$E2E_DIR/.before" <(printf '%s\n' "$after"))
  # Engine residue: CNI's bridge and firewall chains, Podman's and
  # containerd's parent cgroups (their children would be leftovers).
  if grep -qx 'link cni-podman0' <<<"$new"; then ip link del cni-podman0; fi
  if grep -q '^iptables filter :CNI-FORWARD ' <<<"$new"; then
    iptables -D FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD 2>/dev/null
    iptables -F CNI-FORWARD && iptables -X CNI-FORWARD
  fi
  if grep -q '^iptables filter :CNI-ADMIN ' <<<"$new"; then
    iptables -F CNI-ADMIN && iptables -X CNI-ADMIN
  fi
  grep '^cgroup ' <<<"$new" | sed 's/^cgroup //' | LC_ALL=C sort -r | while read -r what; do
    case $what in
      */libpod_parent | */libpod_parent/conmon | */"${E2E_CGROUP_PARENT:-/}") rmdir "$what" 2>/dev/null ;;
    esac
  done
  while read -r what; do
    [ -n "$what" ] || continue
    if [ "$what" = /run/runo ]; then
      rm -rf /run/runo/.seccomp
      rmdir /run/runo 2>/dev/null # not empty: state left behind, reported below
    else
      rm -rf "$what"
    fi
  done <"$E2E_DIR/.absent"

  after=$(host_snapshot | LC_ALL=C sort)
  new=$(LC_ALL=C comm -13 "$E2E_DIR/.before" <(printf '%s\n' "$after"))
  {
    if [ -n "$new" ]; then
      echo "left on the host:"
      printf '%s\n' "$new"
    fi
  } >"$E2E_DIR/.log.leftovers"
  [ -z "$new" ]
  e2e_report $? "nothing left behind (containers, state, cgroups, netns, iptables, mounts)" "$E2E_DIR/.log.leftovers"
  # Clean what was reported, so that one failing run does not poison the next.
  while read -r kind what; do
    case $kind in
      cgroup) rmdir "$what" 2>/dev/null ;;
      runo-state) rm -rf "/run/runo/$what" ;;
      netns) ip netns del "$what" 2>/dev/null ;;
    esac
  done < <(printf '%s\n' "$new" | LC_ALL=C sort -r -k2)
  if [ -d /run/runo ] && grep -qx /run/runo "$E2E_DIR/.absent"; then
    rm -rf /run/runo/.seccomp
    rmdir /run/runo 2>/dev/null
  fi
  rm -rf "$E2E_DIR"
  echo "$E2E_ENGINE: $e2e_passed passed, $e2e_failed failed"
  [ "$e2e_failed" = 0 ]
}

# A gzipped tarball of a busybox rootfs (contrib/mkbundle.sh) in
# $E2E_ROOTFS_TAR: made once by run.sh, or here when a file runs alone.
e2e_rootfs_tar() {
  [ -n "${E2E_ROOTFS_TAR:-}" ] && [ -f "$E2E_ROOTFS_TAR" ] && return 0
  local src
  src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  "$src/contrib/mkbundle.sh" "$RUNO" "$E2E_DIR/bundle" >/dev/null || return 1
  E2E_ROOTFS_TAR=$E2E_DIR/busybox.tar.gz
  tar -C "$E2E_DIR/bundle/rootfs" --numeric-owner -czf "$E2E_ROOTFS_TAR" . || return 1
  rm -rf "$E2E_DIR/bundle"
}

# An OCI image archive (image-layout 1.0.0) of the busybox rootfs in $1,
# named $2 (e.g. localhost/busybox:latest), made with tar, gzip and
# sha256sum only: what `ctr images import` reads.
e2e_oci_archive() {
  local out=$1 name=$2 dir layer diff_id config manifest arch
  dir=$(mktemp -d "$E2E_DIR/oci.XXXXXX")
  mkdir -p "$dir/blobs/sha256"
  arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
  blob() { # FILE -> moves it to blobs/, prints "digest size"
    local d s
    d=$(sha256sum "$1" | cut -d' ' -f1)
    s=$(stat -c %s "$1")
    mv "$1" "$dir/blobs/sha256/$d"
    echo "sha256:$d $s"
  }
  diff_id=sha256:$(gzip -dc "$E2E_ROOTFS_TAR" | sha256sum | cut -d' ' -f1)
  cp "$E2E_ROOTFS_TAR" "$dir/layer"
  read -r layer layer_size < <(blob "$dir/layer")
  printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
    "$arch" "$diff_id" >"$dir/config"
  read -r config config_size < <(blob "$dir/config")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
    "$config" "$config_size" "$layer" "$layer_size" >"$dir/manifest"
  read -r manifest manifest_size < <(blob "$dir/manifest")
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest" "$manifest_size" "$arch" "$name" "${name##*:}" >"$dir/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
  tar -C "$dir" -cf "$out" oci-layout index.json blobs
  rm -rf "$dir"
}
