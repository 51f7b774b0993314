#!/bin/bash
# The whole test suite, as README.md and .ci/run call it (as root):
#   1. a release build (-O2, -Werror) with unit and integration tests;
#   2. an AddressSanitizer + UBSan build with the same tests, which is where
#      the parser's bad-input tests prove they do not leak or crash; once
#      with gcc, once with clang, whose UBSan also catches what gcc's does
#      not (pointer arithmetic on NULL, for one);
#   3. the end-to-end tests: Podman and containerd driving the release
#      build (tests/e2e; the engines come from contrib/install-deps.sh).
# Prints every Check summary and the integration summary, then a total line
# "tests: N passed, N failed"; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
src=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)
status=0
total_pass=0
total_fail=0

./autogen.sh >/dev/null 2>&1 || { ./autogen.sh; exit 1; }
# The builds below are out of the tree, which autoconf refuses while the
# tree itself is configured (a by-hand ./configure && make): clean that
# in-tree build first; nothing of the sources is touched.
if [ -f config.status ]; then
  echo "== the source tree is configured in place: make distclean (out-of-tree builds follow)"
  make distclean >/dev/null 2>&1 || rm -f config.status
fi

run_build() {
  local name=$1
  shift
  local dir=$src/build/$name
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "== $name build: configure $*"
  (cd "$dir" && "$src/configure" --enable-werror "$@" >configure.out 2>&1) ||
    { cat "$dir/configure.out"; return 1; }
  (cd "$dir" && make -j"$jobs" >make.out 2>&1) || { cat "$dir/make.out"; return 1; }
  echo "== $name build: make check"
  (cd "$dir" && make -j"$jobs" check >check.out 2>&1)
  local rc=$?
  # Show each test's own summary (Check's, the integration runner's).
  local log
  for log in "$dir"/tests/unit/*.log "$dir"/tests/integration/*.log; do
    [ -f "$log" ] || continue
    case $log in *test-suite.log) continue ;; esac
    if grep -q '^not ok\|Failures: [1-9]\|Errors: [1-9]\|FAIL' "$log" || [ $rc != 0 ]; then
      cat "$log"
    else
      grep -E '^[0-9]+%: Checks:|passed, [0-9]+ failed' "$log"
    fi
    local p f
    read -r p f < <(awk '
      /^[0-9]+%: Checks: / { gsub(",", ""); c=$3; fl=$5; e=$7; p+=c-fl-e; f+=fl+e }
      /^integration: [0-9]+ passed, [0-9]+ failed/ { p+=$2; f+=$4 }
      END { print p+0, f+0 }' "$log")
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
  done
  grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$dir/check.out"
  if [ $rc != 0 ]; then
    echo "== $name build: make check FAILED"
    [ -f "$dir/test-suite.log" ] && cat "$dir/test-suite.log"
    return 1
  fi
  return 0
}

run_build release CFLAGS="-O2 -g" || status=1
run_build asan CFLAGS="-O1 -g" --enable-asan || status=1
# --enable-asan builds with -fno-sanitize-recover=undefined: a UBSan finding
# ends the program with an error, so it fails the test that ran it.
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  run_build clang-asan CC=clang CFLAGS="-O1 -g" --enable-asan || status=1

if [ -x build/release/runo ]; then
  echo "== e2e: Podman and containerd with build/release/runo"
  RUNO=$src/build/release/runo tests/e2e/run.sh >build/e2e.out 2>&1 || status=1
  grep -E '^(ok|not ok) ' build/e2e.out
  grep -q '^not ok' build/e2e.out && cat build/e2e.out
  read -r p f < <(awk '/^e2e: [0-9]+ passed, [0-9]+ failed/ { print $2, $4 }' build/e2e.out)
  total_pass=$((total_pass + ${p:-0}))
  total_fail=$((total_fail + ${f:-1}))
  tail -n1 build/e2e.out
fi

[ $status = 0 ] || [ $total_fail != 0 ] || total_fail=1
echo "tests: $total_pass passed, $total_fail failed"
exit $status
