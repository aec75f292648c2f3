#!/usr/bin/env bash
# Installs what the tests need, then runs the whole suite in four stages:
#   plain     build/ (RelWithDebInfo): ctest — unit, integration, fuzz seeds, guards
#   sanitize  build-asan/ (ASan+UBSan+LeakSanitizer): the same ctest suite; any sanitizer report
#             from any process (mqsend, the test cluster, the test binaries) fails the stage
#   thread    build-tsan/ (ThreadSanitizer, -O1): the same ctest suite; any data race, lock-order
#             or other TSan report from any process fails the stage
#   fuzz      every libFuzzer target for MQSEND_FUZZ_SECONDS (default 10) s each (scripts/fuzz.sh)
# Usage: scripts/test.sh [STAGE ...]   (default: all four, in that order)
set -euo pipefail
cd "$(dirname "$0")/.."

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(plain sanitize thread fuzz)
for stage in "${stages[@]}"; do
  case $stage in
    plain | sanitize | thread | fuzz) ;;
    *) echo "test.sh: unknown stage '$stage' (plain, sanitize, thread, fuzz)" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh --tests

run_ctest() {
  local build_dir=$1
  shift
  cmake -S . -B "$build_dir" "$@" >/dev/null
  cmake --build "$build_dir" -j"$(nproc)"
  ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 300
}

plain() {
  run_ctest build -DCMAKE_BUILD_TYPE=RelWithDebInfo
}

# Fails (returns 1) when the report folder $1 holds any file, after printing them all; removes it.
check_reports() {
  local reports=$1 status=0
  if compgen -G "$reports/*" >/dev/null; then
    echo "test.sh: sanitizer reports:" >&2
    for report in "$reports"/*; do
      echo "--- $report" >&2
      cat "$report" >&2
    done
    status=1
  fi
  rm -rf "$reports"
  return "$status"
}

# Sanitizer reports go to files, so that a leak in a process whose exit status nobody checks
# (a test cluster stopped by SIGTERM, a child of a test) still fails the run.
sanitize() {
  local reports
  reports=$(mktemp -d)
  export ASAN_OPTIONS="detect_leaks=1:log_path=$reports/asan"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
  local status=0
  run_ctest build-asan -DCMAKE_BUILD_TYPE=Debug -DMQSEND_SANITIZE=ON || status=$?
  unset ASAN_OPTIONS UBSAN_OPTIONS
  check_reports "$reports" || status=1
  return "$status"
}

# ThreadSanitizer, reports to files as above. halt_on_error=0: a race is reported and the process
# carries on (its exit status becomes 66), so one run shows every race. -O1 with assertions: the
# build and the suite are slow enough under TSan as it is.
thread() {
  local reports
  reports=$(mktemp -d)
  export TSAN_OPTIONS="log_path=$reports/tsan:halt_on_error=0:second_deadlock_stack=1"
  local status=0
  run_ctest build-tsan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
    -DMQSEND_SANITIZE=thread || status=$?
  unset TSAN_OPTIONS
  check_reports "$reports" || status=1
  return "$status"
}

fuzz() {
  scripts/fuzz.sh "${MQSEND_FUZZ_SECONDS:-10}"
}

for stage in "${stages[@]}"; do
  echo "== test.sh: $stage" >&2
  started=$SECONDS
  "$stage"
  echo "== test.sh: $stage passed in $((SECONDS - started)) s" >&2
done
