#!/usr/bin/env bash
# Configures and builds mqsend and its test cluster into build/ (Release-ish, warnings on).
# Usage: scripts/build.sh [TARGET...]   (default: everything, tests and fuzz targets included;
#        the quickstart builds only `mqsend mqsend-testcluster`)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build build -j"$(nproc)" ${targets[@]+"${targets[@]}"}
