#!/usr/bin/env bash
# Runs a command against a freshly started bundled test cluster, then stops the cluster.
# Installed as mqsend-with-cluster. The command sees NAMESRV_ADDR (the cluster's name server)
# and MQSEND_CLUSTER_CONTROL (its control port, the default of `mqsend-testcluster ctl`).
# Usage: with-cluster.sh [cluster flags --] command args...
#   scripts/with-cluster.sh build/mqsend -t DemoTopic -m hello
#   mqsend-with-cluster --brokers 3 --topic Orders:4 -- mqsend -t Orders -m hello
# The cluster runs with --brokers 2 --auto-create-topic; cluster flags before `--` add to these,
# and a flag named there replaces its default (--brokers 3; --no-auto-create-topic turns
# auto-creation off). The cluster program is $MQSEND_CLUSTER_BIN, else the source tree's
# build/mqsend-testcluster (run from the repository), else mqsend-testcluster next to this script
# or on PATH (installed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

find_cluster_bin() {
  local candidate
  for candidate in "${MQSEND_CLUSTER_BIN:-}" "$here/../build/mqsend-testcluster" "$here/mqsend-testcluster"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { echo "$candidate"; return; }
  done
  command -v mqsend-testcluster || {
    echo "$(basename "$0"): mqsend-testcluster not found (set MQSEND_CLUSTER_BIN)" >&2
    exit 1
  }
}

given_flags=()
for arg in "$@"; do
  if [ "$arg" = "--" ]; then
    while [ "$1" != "--" ]; do given_flags+=("$1"); shift; done
    shift
    break
  fi
done
[ $# -gt 0 ] || { echo "usage: $(basename "$0") [cluster flags --] command args..." >&2; exit 2; }

# Each default: a flag and its value, kept unless the flag (--NAME, --NAME=V, --no-NAME) is given.
default_flags=("--brokers 2" "--auto-create-topic")
cluster_args=()
for default in "${default_flags[@]}"; do
  name=${default%% *}
  overridden=false
  for flag in ${given_flags[@]+"${given_flags[@]}"}; do
    case $flag in "$name" | "$name="* | "--no-${name#--}") overridden=true ;; esac
  done
  # shellcheck disable=SC2206 # a default is a flag and its value, split on purpose
  $overridden || cluster_args+=($default)
done
cluster_args+=(${given_flags[@]+"${given_flags[@]}"})

for lib in "$here/lib/test-cluster.sh" "$here/../share/mqsend/test-cluster.sh"; do
  # shellcheck source=lib/test-cluster.sh
  [ -f "$lib" ] && { . "$lib"; break; }
done
declare -F cluster_start >/dev/null || { echo "$(basename "$0"): test-cluster.sh not found" >&2; exit 1; }
cluster_bin=$(find_cluster_bin)
ready_file=$(mktemp)
trap 'cluster_stop; rm -f "$ready_file"' EXIT
cluster_start "$cluster_bin" "$ready_file" "${cluster_args[@]}"
NAMESRV_ADDR=$namesrv
MQSEND_CLUSTER_CONTROL=$control_addr
export NAMESRV_ADDR MQSEND_CLUSTER_CONTROL
echo "test cluster: $cluster_ready" >&2
"$@"
