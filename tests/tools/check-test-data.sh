#!/usr/bin/env bash
# Guard: the data the tests read is in the repository, whole. A missing vector makes its tests
# fail (they REQUIRE the file); this names what is missing at once, and fails if the build or the
# scripts read data from outside the source tree again (../shared).
set -euo pipefail
root=$1
vectors=$root/tests/data/vectors
status=0
for file in README.md index.json; do
  [ -s "$vectors/$file" ] || { echo "missing: tests/data/vectors/$file" >&2; status=1; }
done
# Every pair named in index.json has its response frame (send-oversize keeps no request: the
# README says why), and every request frame belongs to a named pair.
names=$(sed -n 's/^ *"name": "\([^"]*\)",$/\1/p' "$vectors/index.json" 2>/dev/null || true)
[ -n "$names" ] || { echo "tests/data/vectors/index.json names no vectors" >&2; status=1; }
for name in $names; do
  [ -s "$vectors/$name.resp.bin" ] || { echo "missing: tests/data/vectors/$name.resp.bin" >&2; status=1; }
done
for request in "$vectors"/*.req.bin; do
  [ -e "$request" ] || continue
  name=$(basename "$request" .req.bin)
  grep -qx "$name" <<<"$names" || { echo "$request: not in index.json" >&2; status=1; }
done
if outside=$(grep -rn --include='*.txt' --include='*.cmake' --include='*.sh' --include='*.cpp' \
               --include='*.hpp' '\.\./shared' "$root/CMakeLists.txt" "$root/tests" "$root/scripts" \
               "$root/src" | grep -v '/tests/tools/check-test-data.sh:'); then
  echo "test data read from outside the repository:" >&2
  echo "$outside" >&2
  status=1
fi
exit "$status"
