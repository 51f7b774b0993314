#!/bin/bash
# Run each libFuzzer target built by `make fuzz` for a while on a copy of
# its seed corpus (tests/fuzz/corpus/<target>; the committed corpus is
# never written to).  Fails on any finding; the input that triggered it is
# kept in DIR/artifacts and printed (hex) so a CI log is enough.
#
#   tests/fuzz/run.sh DIR [TARGET...]      (DIR holds the fuzz_* programs)
#   FUZZ_SECONDS=60 per target (default 60)
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: run.sh DIR [TARGET...]}
dir=$(cd "$dir" && pwd) || exit 1
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config state seccomp mounts)
seconds=${FUZZ_SECONDS:-60}
status=0

scratch=$(mktemp -d /tmp/runo-fuzz.XXXXXX) || exit 1
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
  bin=$dir/fuzz_$t
  [ -x "$bin" ] || { echo "fuzz: $bin missing (make fuzz)"; status=1; continue; }
  work=$scratch/$t
  mkdir -p "$work/corpus" "$work/tmp"
  cp -r "$here/corpus/$t/." "$work/corpus/"
  echo "== fuzz_$t: ${seconds}s, $(ls "$work/corpus" | wc -l) seeds"
  # Leaks count as findings (detect_leaks is on by default); UBSan is
  # built not to recover.  The harness's own files go to $work/tmp.
  TMPDIR=$work/tmp ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$work/" \
    "$work/corpus" >"$work/log" 2>&1
  rc=$?
  grep -E '^(Done|#[0-9]+.*DONE)|stat::number_of_executed_units' "$work/log" | tail -2
  if [ $rc != 0 ]; then
    status=1
    echo "fuzz_$t: FAILED (exit $rc)"
    tail -n 60 "$work/log"
    mkdir -p "$dir/artifacts"
    for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
      [ -f "$a" ] || continue
      cp "$a" "$dir/artifacts/fuzz_$t-${a##*/}"
      echo "input kept in $dir/artifacts/fuzz_$t-${a##*/}:"
      od -An -tx1 -v "$a" | head -c 4000
      echo
    done
  fi
done
[ $status = 0 ] && echo "fuzz: ${#targets[@]} targets, no findings"
exit $status
