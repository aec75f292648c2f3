#!/usr/bin/env bash
# Installs what the tests need, then runs the whole suite in five stages:
#   plain     build/ (RelWithDebInfo): ctest — unit, integration, fuzz seeds, guards
#   package   build/ again: the Debian package (cpack -G DEB), installed with dpkg, its programs
#             and man page used, removed again (needs root or sudo; skipped without)
#   sanitize  build-asan/ (ASan+UBSan+LeakSanitizer): the same ctest suite; any sanitizer report
#             from any process (mqsend, the test cluster, the test binaries) fails the stage
#   thread    build-tsan/ (ThreadSanitizer, -O1): the same ctest suite; any data race, lock-order
#             or other TSan report from any process fails the stage
#   fuzz      every libFuzzer target for MQSEND_FUZZ_SECONDS (default 10) s each (scripts/fuzz.sh)
# Usage: scripts/test.sh [STAGE ...]   (default: all five, in that order)
set -euo pipefail
cd "$(dirname "$0")/.."

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(plain package sanitize thread fuzz)
for stage in "${stages[@]}"; do
  case $stage in
    plain | package | sanitize | thread | fuzz) ;;
    *) echo "test.sh: unknown stage '$stage' (plain, package, sanitize, thread, fuzz)" >&2; exit 2 ;;
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

# Reuses build/ (after plain, only cpack has work to do). The installed package must bring
# everything a user runs: the programs on PATH, the man page, a send through the test cluster.
package() {
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! sudo -n true 2>/dev/null; then
      echo "test.sh: package: skipped, installing a package needs root or sudo" >&2
      return 0
    fi
    as_root=(sudo -n)
  fi
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build -j"$(nproc)" --target mqsend mqsend-testcluster completions
  rm -f build/mqsend_*.deb
  (cd build && cpack -G DEB >/dev/null)
  local deb
  deb=$(echo build/mqsend_*.deb)
  [ -f "$deb" ] || { echo "test.sh: package: cpack made no build/mqsend_*.deb" >&2; return 1; }
  dpkg-deb --field "$deb" Depends
  ${as_root[@]+"${as_root[@]}"} dpkg -i "$deb"
  local status=0
  /usr/bin/mqsend --version && man -w mqsend mqsend-testcluster &&
    /usr/bin/mqsend-with-cluster /usr/bin/mqsend -t PackageTopic -q --summary -m "from the package" ||
    status=1
  ${as_root[@]+"${as_root[@]}"} dpkg -r mqsend
  ! dpkg-query -W -f='${Status}' mqsend 2>/dev/null | grep -q "install ok installed" || status=1
  return "$status"
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
