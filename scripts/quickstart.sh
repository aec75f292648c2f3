#!/usr/bin/env bash
# Fresh Debian machine to a sent message: install the build dependencies, build, start the
# bundled test cluster, send one message to it with mqsend, stop the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh mqsend mqsend-testcluster
scripts/with-cluster.sh build/mqsend -t DemoTopic --tags demo -m "hello from mqsend"
