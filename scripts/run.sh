#!/usr/bin/env bash
# The main job: set up, build helmctl, render the sample application chart as `helm template` would,
# start the bundled cluster and install the chart on it as a release (pods run once the cluster has
# nodes — a later issue; until then `--wait` is not used).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product helmctl
echo "+ helmctl template demo charts/webapp"
.build/release/helmctl template demo charts/webapp
DATA="${HELMCTL_DEMO_DIR:-$PWD/.demo-cluster}"
echo "+ helmctl cluster up --data-dir $DATA --listen 127.0.0.1:6443"
.build/release/helmctl cluster up --data-dir "$DATA" --listen 127.0.0.1:6443
export KUBECONFIG="$DATA/kubeconfig"
echo "+ helmctl upgrade --install demo charts/webapp"
.build/release/helmctl upgrade --install demo charts/webapp
echo "+ helmctl list && helmctl status demo"
.build/release/helmctl list
.build/release/helmctl status demo
echo "+ kubectl get all,serviceaccounts -o wide"
kubectl get all,serviceaccounts -o wide
echo
echo "The cluster keeps running; stop it with: .build/release/helmctl cluster down --data-dir $DATA"
