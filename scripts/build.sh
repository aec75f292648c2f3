#!/usr/bin/env bash
# Configures and builds mqsend and its test cluster into build/ (Release-ish, warnings on).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
