#!/usr/bin/env bash
# Runs a fuzz target under libFuzzer with ASan+UBSan, seeded with the real frames in ../shared/vectors.
#
#   scripts/fuzz.sh [SECONDS=60] [TARGET=fuzz_frame_decoder]
#
# Needs clang with its libFuzzer runtime. On Debian 12 / Ubuntu:
#   apt-get install clang libclang-rt-14-dev     # the libclang-rt-N-dev matching `clang --version`
# New interesting inputs go to BUILD/corpus-TARGET (never into the shared vectors); a crashing input
# is written to BUILD/crash-* and can be replayed with `BUILD/TARGET FILE` or the plain test driver.
# BUILD is $MQSEND_FUZZ_BUILD, default ../build-fuzz next to the source tree.
set -euo pipefail

seconds=${1:-60}
target=${2:-fuzz_frame_decoder}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${MQSEND_FUZZ_BUILD:-$root/../build-fuzz}
seeds=$root/../shared/vectors

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found; install clang and libclang-rt-14-dev (see the top of this script)" >&2
  exit 2
fi
if [[ ! -f $root/tests/fuzz/$target.cpp ]]; then
  echo "fuzz.sh: no fuzz target tests/fuzz/$target.cpp" >&2
  exit 2
fi

# The libraries get coverage instrumentation only; libFuzzer's main is linked into the target below
# (the CMake-built fuzz binaries use tests/fuzz/standalone_driver.cpp instead).
sanitizers="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMQSEND_BUILD_TESTS=OFF -DCMAKE_CXX_FLAGS="$sanitizers" >/dev/null
cmake --build "$build" -j2 --target mqsend_testcluster_core
clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
  -I"$root/src" "$root/tests/fuzz/$target.cpp" \
  "$build/libmqsend_testcluster_core.a" "$build/libmqsend_client.a" -lfmt -lz -pthread \
  -o "$build/$target"

mkdir -p "$build/corpus-$target"
"$build/$target" -max_total_time="$seconds" -artifact_prefix="$build/" \
  "$build/corpus-$target" "$seeds"
