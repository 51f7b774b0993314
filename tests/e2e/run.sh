#!/bin/bash
# End-to-end tests: the real engines drive the built runo.  Podman (with
# conmon) and containerd (with ctr and its runc v2 shim) must be installed;
# the tests work offline (images are made locally), keep every engine's
# storage and state in scratch directories, and check that nothing is left
# on the host.  Prints one "ok"/"not ok" line a scenario, then
# "e2e: N passed, N failed".
#
#   RUNO=/path/to/runo tests/e2e/run.sh [podman|containerd ...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${RUNO:?RUNO must point at the runo binary}"
RUNO=$(readlink -f "$RUNO")
export RUNO

if [ "$(id -u)" != 0 ]; then
  echo "e2e tests need root" >&2
  exit 77
fi

engines=("$@")
[ ${#engines[@]} -gt 0 ] || engines=(podman containerd)

# One busybox rootfs tarball for every engine.
tmp=$(mktemp -d /tmp/runo-e2e-rootfs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$here/../../contrib/mkbundle.sh" "$RUNO" "$tmp/b" >/dev/null || exit 1
tar -C "$tmp/b/rootfs" --numeric-owner -czf "$tmp/busybox.tar.gz" . || exit 1
export E2E_ROOTFS_TAR=$tmp/busybox.tar.gz

start=$(date +%s)
passed=0
failed=0
for engine in "${engines[@]}"; do
  "$here/$engine.sh" >"$tmp/$engine.out" 2>&1 </dev/null
  grep -v "^$engine: [0-9]* passed" "$tmp/$engine.out"
  # A file that died before its summary counts as one failure.
  read -r p f < <(awk -v e="$engine:" '$1 == e && $3 == "passed," {print $2, $4}' "$tmp/$engine.out")
  if [ -z "${p:-}" ]; then
    echo "not ok - $engine: did not finish"
    p=0 f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  p= f=
done
echo "e2e: $passed passed, $failed failed ($(($(date +%s) - start)) s)"
[ "$failed" = 0 ]
