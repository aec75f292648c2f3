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
# shellcheck source=lib/test-cluster.sh
. scripts/lib/test-cluster.sh
ready_file=$(mktemp)
trap 'cluster_stop; rm -f "$ready_file"' EXIT
cluster_start "$cluster_bin" "$ready_file" "${cluster_args[@]}"
NAMESRV_ADDR=$namesrv
MQSEND_CLUSTER_CONTROL=$control_addr
export NAMESRV_ADDR MQSEND_CLUSTER_CONTROL
echo "test cluster: $cluster_ready" >&2
"$@"
