#!/usr/bin/env bash
# `cmake --install` puts the programs, the man page and the bash completion where they belong,
# and the installed mqsend runs.
set -euo pipefail
build_dir=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
status=0
for file in bin/mqsend bin/mqsend-testcluster share/man/man1/mqsend.1 \
            share/bash-completion/completions/mqsend; do
  [ -s "$prefix/$file" ] || { echo "not installed: $file" >&2; status=1; }
done
"$prefix/bin/mqsend" --version | grep -q "mqsend" || { echo "installed mqsend --version failed" >&2; status=1; }
exit "$status"
