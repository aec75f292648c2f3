#!/usr/bin/env bash
# Builds mqsend and runs the whole test suite (unit, integration, fuzz seeds) with ctest.
# MQSEND_SANITIZE=1 builds and tests the ASan+UBSan configuration instead.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${MQSEND_SANITIZE:-0}" = 1 ]; then
  build_dir=build-asan
  cmake_args=(-DCMAKE_BUILD_TYPE=Debug -DMQSEND_SANITIZE=ON)
fi
cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 300
