#!/usr/bin/env bash
# Runs a command against a freshly started bundled test cluster, then stops the cluster.
# The command sees NAMESRV_ADDR (the cluster's name server) and MQSEND_CLUSTER_CONTROL.
# Usage: scripts/with-cluster.sh [cluster flags --] command args...
#   scripts/with-cluster.sh build/mqsend -t DemoTopic -m hello
#   scripts/with-cluster.sh --brokers 3 -- build/mqsend -t DemoTopic -m hello
set -euo pipefail
cd "$(dirname "$0")/.."
cluster_bin=${MQSEND_CLUSTER_BIN:-build/mqsend-testcluster}
cluster_args=(--brokers 2 --auto-create-topic)
for arg in "$@"; do
  if [ "$arg" = "--" ]; then
    cluster_args=()
    while [ "$1" != "--" ]; do cluster_args+=("$1"); shift; done
    shift
    break
  fi
done
ready_file=$(mktemp)
rm -f "$ready_file"
"$cluster_bin" "${cluster_args[@]}" --ready-file "$ready_file" --quiet >/dev/null &
cluster_pid=$!
trap 'kill "$cluster_pid" 2>/dev/null; wait "$cluster_pid" 2>/dev/null; rm -f "$ready_file"' EXIT
for _ in $(seq 1 100); do
  [ -s "$ready_file" ] && break
  kill -0 "$cluster_pid" 2>/dev/null || { echo "test cluster failed to start" >&2; exit 1; }
  sleep 0.1
done
ready=$(cat "$ready_file")
NAMESRV_ADDR=$(sed -E 's/.*"namesrv":"([^"]+)".*/\1/' <<<"$ready")
MQSEND_CLUSTER_CONTROL=$(sed -E 's/.*"control":"([^"]+)".*/\1/' <<<"$ready")
export NAMESRV_ADDR MQSEND_CLUSTER_CONTROL
echo "test cluster: $ready" >&2
"$@"
