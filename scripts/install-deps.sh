#!/usr/bin/env bash
# Installs the Debian packages mqsend builds with (needs root or sudo).
# --tests adds what the test suite needs on top: clang and its libFuzzer runtime (scripts/fuzz.sh),
# zsh and fish (the completion tests), dpkg-dev (cpack's dpkg-shlibdeps, the package stage).
set -euo pipefail
packages=(build-essential cmake pkg-config libcli11-dev libasio-dev libfmt-dev nlohmann-json3-dev
          zlib1g-dev liblz4-dev libzstd-dev libssl-dev libjemalloc-dev catch2 groff-base man-db)
if [ "${1:-}" = --tests ]; then
  packages+=(clang libclang-rt-dev zsh fish dpkg-dev)
elif [ $# -gt 0 ]; then
  echo "install-deps.sh: unknown argument '$1' (only --tests)" >&2
  exit 2
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
