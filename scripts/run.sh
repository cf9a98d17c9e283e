#!/usr/bin/env bash
# The main job: set up, build helmctl, render a sample chart as `helm template` would, start the
# bundled cluster with one node (pods run as real runc containers on a pod network), install the
# sample app `charts/hello` (busybox httpd behind a Service and an Ingress) as a release with
# `--wait`, and show it serving through the cluster's Ingress controller on 127.0.0.1:8080.
# Safe to run again: a cluster left by an earlier run is stopped first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product helmctl
H=.build/release/helmctl
echo "+ helmctl template demo charts/webapp"
$H template demo charts/webapp
DATA="${HELMCTL_DEMO_DIR:-$PWD/.demo-cluster}"
$H cluster down --data-dir "$DATA" >/dev/null 2>&1 || true
echo "+ helmctl cluster up --data-dir $DATA --listen 127.0.0.1:6443   (one node runs the pods by default)"
$H cluster up --data-dir "$DATA" --listen 127.0.0.1:6443 --ingress-listen 127.0.0.1:8080
export KUBECONFIG="$DATA/kubeconfig"
echo "+ helmctl upgrade --install hello charts/hello --wait --timeout 3m"
$H upgrade --install hello charts/hello --wait --timeout 3m
echo "+ helmctl list && helmctl status hello"
$H list
$H status hello
echo "+ kubectl get pods,services,ingresses -o wide"
kubectl get pods,services,ingresses -o wide
echo "+ curl http://127.0.0.1:8080/   (Ingress → Service → pods)"
curl -sS --retry 10 --retry-delay 1 --retry-all-errors http://127.0.0.1:8080/
echo
echo "The cluster keeps running; stop it with: $H cluster down --data-dir $DATA"
