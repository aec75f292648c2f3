#!/usr/bin/env bash
# ctest runs each Catch2 case by name; catch_discover_tests splits names at ';' and a name that
# starts with '-' reads as a flag, so such a case would silently never run. Fail on either.
set -euo pipefail
status=0
for binary in "$@"; do
  while IFS= read -r name; do
    case "$name" in
      -* | *\;*) echo "$binary: test name cannot be run by ctest: $name" >&2; status=1 ;;
    esac
  done < <("$binary" --list-test-names-only)
done
exit "$status"
