#!/usr/bin/env bash
# `cmake --install` puts the programs (stripped), the man pages, the completions and
# mqsend-with-cluster where they belong, and the installed programs run: mqsend --version, and a
# message sent through mqsend-with-cluster, which finds the installed cluster next to itself.
set -euo pipefail
build_dir=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
status=0
for file in bin/mqsend bin/mqsend-testcluster bin/mqsend-with-cluster share/mqsend/test-cluster.sh \
            share/man/man1/mqsend.1 share/man/man1/mqsend-testcluster.1 \
            share/bash-completion/completions/mqsend share/zsh/vendor-completions/_mqsend \
            share/fish/vendor_completions.d/mqsend.fish; do
  [ -s "$prefix/$file" ] || { echo "not installed: $file" >&2; status=1; }
done
for program in mqsend mqsend-testcluster; do
  # A stripped ELF file keeps neither a symbol table nor debug sections.
  if readelf -S --wide "$prefix/bin/$program" | grep -Eq '\.(symtab|debug_info) '; then
    echo "installed bin/$program is not stripped" >&2
    status=1
  fi
done
"$prefix/bin/mqsend" --version | grep -q "mqsend" || { echo "installed mqsend --version failed" >&2; status=1; }
if ! env -u MQSEND_CLUSTER_BIN "$prefix/bin/mqsend-with-cluster" "$prefix/bin/mqsend" -t InstallTopic -q -m installed; then
  echo "installed mqsend-with-cluster could not send through the installed cluster" >&2
  status=1
fi
exit "$status"
