#!/bin/bash
# Integration tests: drive the built runo binary.  Each tests/integration/
# test_*.sh file defines functions named test_*; every function runs in its
# own subshell with a fresh scratch directory ($T) and state root ($ROOT),
# removed afterwards whatever the outcome.  A test that leaves a mount on
# the host fails.  Prints one "ok"/"not ok" line a test, then "N passed,
# N failed".
#
#   RUNO=/path/to/runo tests/integration/run.sh [PATTERN]
#   RUNO_IT_IGNORE_MOUNTS='^/run/netns/|^/tmp/other-' ...  (shared machines)
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${RUNO:?RUNO must point at the runo binary}"
export RUNO
pattern=${1:-}

if [ "$(id -u)" != 0 ]; then
  echo "integration tests need root" >&2
  exit 77 # automake: skipped
fi

# One busybox rootfs for the whole run, copied into each test's bundle.
export RUNO_SRCDIR=${RUNO_SRCDIR:-$(cd "$here/../.." && pwd)}
rootfs_cache=$(mktemp -d /tmp/runo-it-rootfs.XXXXXX)
trap 'rm -rf "$rootfs_cache"' EXIT
"$RUNO_SRCDIR/contrib/mkbundle.sh" "$RUNO" "$rootfs_cache/b" >/dev/null || exit 1
export RUNO_TEST_ROOTFS=$rootfs_cache/b/rootfs

# The host's mounts as "mount-point source" lines, sorted: a test must
# leave the same list behind (repeated lines count, for stacked mounts).
# Left out: the scratch directories of other runs of this suite on the
# machine ($1 is the test's own), the netns directory itself (the first
# `ip netns add` on a machine makes it a mount of its own, shared, for
# good: the host's ip bookkeeping, not the test's; the namespaces mounted
# in it are still counted), and mount points matching the regular
# expression RUNO_IT_IGNORE_MOUNTS (what else runs on the machine makes).
host_mounts() {
  awk -v own="$1/" -v ignore="${RUNO_IT_IGNORE_MOUNTS:-}" '
    index($5, "/tmp/runo-it.") == 1 && index($5 "/", own) != 1 { next }
    $5 == "/run/netns" || $5 == "/var/run/netns" { next }
    ignore != "" && $5 ~ ignore { next }
    { for (i = 7; $i != "-"; i++) ; print $5, $(i + 2) }' /proc/self/mountinfo | LC_ALL=C sort
}

passed=0
failed=0
skipped=0
failures=()
for file in "$here"/test_*.sh; do
  tests=$(bash -c "source '$here/lib.sh'; source '$file'; declare -F" | awk '$3 ~ /^test_/ {print $3}')
  for t in $tests; do
    if [ -n "$pattern" ] && [[ "$(basename "$file" .sh) $t" != *$pattern* ]]; then continue; fi
    scratch=$(mktemp -d /tmp/runo-it.XXXXXX)
    # Output goes to a file, not a pipe: a container inherits the test's
    # stdio and may outlive a command, which would hold a pipe open.
    log=$scratch.log
    mounts_before=$(host_mounts "$scratch")
    (
      export T=$scratch ROOT=$scratch/root
      cd "$scratch" || exit 1
      source "$here/lib.sh"
      source "$file"
      trap 'run_cleanups' EXIT
      set -e
      "$t"
    ) >"$log" 2>&1 </dev/null
    rc=$?
    extra=$(LC_ALL=C comm -13 <(printf '%s\n' "$mounts_before") <(host_mounts "$scratch"))
    if [ -n "$extra" ]; then
      printf 'FAIL: mounts left on the host:\n%s\n' "$extra" >>"$log"
      [ $rc != 0 ] || rc=1
      # rm -rf would go down into a bind mount left in the scratch dir and
      # delete what it shows: detach those first (they are the test's).
      printf '%s\n' "$extra" | awk '{print $1}' | grep "^$scratch/" | sort -r |
        while read -r m; do umount -l "$(printf '%b' "$m")" 2>/dev/null; done
    fi
    out=$(cat "$log")
    rm -rf "$scratch" "$log"
    if [ $rc = 0 ]; then
      passed=$((passed + 1))
      echo "ok - $(basename "$file" .sh) $t"
    elif [ $rc = 77 ]; then
      skipped=$((skipped + 1))
      echo "ok - $(basename "$file" .sh) $t # SKIP $(grep -m1 '^SKIP: ' <<<"$out" | cut -c7-)"
    else
      failed=$((failed + 1))
      failures+=("$t")
      echo "not ok - $(basename "$file" .sh) $t"
      printf '%s\n' "$out" | sed 's/^/    /'
    fi
  done
done
echo "integration: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
