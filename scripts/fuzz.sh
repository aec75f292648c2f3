#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.cpp) with ASan+UBSan and runs each for SECONDS.
#
#   scripts/fuzz.sh [SECONDS=60] [TARGET...]      # no TARGET: every target, one after the other
#
# Needs clang with its libFuzzer runtime. On Debian 12:
#   apt-get install clang libclang-rt-dev     # scripts/install-deps.sh --tests does this
# Each target starts from its seeds: tests/fuzz/corpus/TARGET, plus tests/data/vectors for the
# targets listed in tests/fuzz/seeded-with-vectors. New inputs go to BUILD/corpus-TARGET, never
# into the repository. libFuzzer's output goes to BUILD/TARGET.log (printed when the target fails);
# a finding (crash, sanitizer report, leak, timeout, out of memory) is written to
# BUILD/TARGET-crash-* (leak-*, timeout-*, oom-*): replay it with `BUILD/TARGET FILE`, and keep it
# as tests/fuzz/corpus/TARGET/regression-NAME once fixed. Exits 1 if any target found something.
# BUILD is $MQSEND_FUZZ_BUILD, default build-fuzz/ in the source tree.
set -euo pipefail

seconds=${1:-60}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
build=${MQSEND_FUZZ_BUILD:-$root/build-fuzz}
vectors=$root/tests/data/vectors

if [[ ! $seconds =~ ^[0-9]+$ ]] || ((seconds == 0)); then
  echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
  exit 2
fi
targets=("$@")
if ((${#targets[@]} == 0)); then
  for source in "$root"/tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$source" .cpp)"); done
fi
for target in "${targets[@]}"; do
  if [[ ! -f $root/tests/fuzz/$target.cpp ]]; then
    echo "fuzz.sh: no fuzz target tests/fuzz/$target.cpp" >&2
    exit 2
  fi
done
if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found; run scripts/install-deps.sh --tests (clang, libclang-rt-dev)" >&2
  exit 2
fi

# The libraries get coverage instrumentation only; libFuzzer's main is linked into each target
# (the CMake-built fuzz binaries use tests/fuzz/standalone_driver.cpp instead). UBSan findings
# must stop the run, or libFuzzer would never save them. The targets need nothing of the test
# cluster (the base64 encoder fuzz_input_splitter uses is the client's), so its Asio-heavy
# library is not built with clang.
sanitizers="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
mkdir -p "$build"
echo "fuzz.sh: building the libraries in $build"
if ! { cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
         -DMQSEND_BUILD_TESTS=OFF -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link $sanitizers" &&
       cmake --build "$build" -j2 --target mqsend_cli; } >"$build/build.log" 2>&1; then
  cat "$build/build.log" >&2
  exit 2
fi
for target in "${targets[@]}"; do
  # shellcheck disable=SC2086  # $sanitizers is a list of flags
  if ! clang++ -std=c++17 -g -O1 -Wall -Wextra -fsanitize=fuzzer $sanitizers -I"$root/src" \
         "$root/tests/fuzz/$target.cpp" "$build/libmqsend_cli.a" \
         "$build/libmqsend_client.a" -lfmt -lz -llz4 -lzstd -lssl -lcrypto -pthread -o "$build/$target" \
         >"$build/$target.build.log" 2>&1; then
    cat "$build/$target.build.log" >&2
    exit 2
  fi
done

# A stat line of libFuzzer's -print_final_stats=1 output ("stat::NAME: VALUE").
final_stat() { sed -n "s/^stat::$2: *//p" "$1" | tail -n 1; }

failed=0
rows=()
for target in "${targets[@]}"; do
  seeds=("$root/tests/fuzz/corpus/$target")
  if grep -qx "$target" "$root/tests/fuzz/seeded-with-vectors"; then seeds+=("$vectors"); fi
  log=$build/$target.log
  mkdir -p "$build/corpus-$target"
  echo "fuzz.sh: $target for $seconds s (log: $log)"
  status=0
  "$build/$target" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$build/$target-" "$build/corpus-$target" "${seeds[@]}" >"$log" 2>&1 || status=$?
  runs=$(final_stat "$log" number_of_executed_units)
  rate=$(final_stat "$log" average_exec_per_sec)
  corpus=$({ grep -o 'corp: [0-9]*/[0-9A-Za-z]*' "$log" || true; } | tail -n 1 | cut -d' ' -f2)
  artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
  result=ok
  if ((status != 0)) || [[ -n $artifact ]]; then
    failed=1
    result="FOUND ${artifact:-(exit status $status, no artifact)}"
    tail -n 60 "$log" >&2
  fi
  rows+=("$(printf '%-24s %7s %10s %9s %12s  %s' "$target" "$seconds" "${runs:-?}" "${rate:-?}" "${corpus:-?}" "$result")")
done

printf '\n%-24s %7s %10s %9s %12s  %s\n' target seconds runs execs/s corpus result
printf '%s\n' "${rows[@]}"
exit "$failed"
