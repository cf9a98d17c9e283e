#!/usr/bin/env bash
# Every test: set up (apt packages, the Helm oracle venv), check that the committed goldens are still
# exactly what the real Helm v4.2.3 produces, drive the bundled cluster with the real kubectl and Helm SDK,
# then run the Swift test suites.
set -euo pipefail
cd "$(dirname "$0")/.."
# Image pulls by test clusters and suites go to registries on 127.0.0.1 only (never docker.io).
export HELMCTL_LOOPBACK_REGISTRIES_ONLY=1
scripts/setup.sh --with-oracle
echo "== goldens: checking committed Helm outputs against the real Helm (helm-python-sdk 0.2.2)"
.venv/bin/python scripts/goldens.py --check
.venv/bin/python Tests/ChartEngineTests/Fixtures/lint/oracle.py --check
.venv/bin/python Tests/ChartEngineTests/Fixtures/create/oracle.py --check
.venv/bin/python scripts/schema-goldens.py --check
echo "== swift test"
swift build --build-tests
echo "== cluster e2e: real kubectl and the real Helm SDK against helmctl cluster (sqlite, then etcd)"
swift build --product helmctl
.venv/bin/python scripts/cluster-e2e/kubectl_session.py --helmctl .build/debug/helmctl --store sqlite
.venv/bin/python scripts/cluster-e2e/kubectl_session.py --helmctl .build/debug/helmctl --store etcd
.venv/bin/python scripts/cluster-e2e/helm_sdk.py --helmctl .build/debug/helmctl
echo "== releases: helmctl install/upgrade/rollback/uninstall interoperating with the real Helm SDK"
.venv/bin/python scripts/cluster-e2e/releases.py --helmctl .build/debug/helmctl --sdk-python .venv/bin/python
.venv/bin/python scripts/cluster-e2e/diff.py --helmctl .build/debug/helmctl
.venv/bin/python scripts/cluster-e2e/workloads_kubectl.py --helmctl .build/debug/helmctl
echo "== releases with running pods: --wait (watcher/legacy), --wait-for-jobs, timeouts that say why, kill -9 mid-upgrade (root only)"
if [ "$(id -u)" -eq 0 ]; then .venv/bin/python scripts/cluster-e2e/wait.py --helmctl .build/debug/helmctl; fi
echo "== the main job as a test: charts/hello installed with --wait, served through Ingress, ClusterIP and cluster DNS (root only)"
if [ "$(id -u)" -eq 0 ]; then .venv/bin/python scripts/cluster-e2e/hello.py --helmctl .build/debug/helmctl; fi
if [ "$(id -u)" -eq 0 ]; then .venv/bin/python scripts/cluster-e2e/workloads_real.py --helmctl .build/debug/helmctl; fi  # kubectl on 3 runc nodes, no packet leaves
echo "== cluster reliability: kill -9 during 1000 concurrent writes, restart, every acknowledged write present"
.venv/bin/python scripts/cluster-e2e/kill9.py --helmctl .build/debug/helmctl
echo "== pod network: two nodes, pod IPs across bridges, clean-up after kill -9 (root only)"
if [ "$(id -u)" -eq 0 ]; then .venv/bin/python scripts/cluster-e2e/podnet.py --helmctl .build/debug/helmctl; fi
if [ "$(id -u)" -eq 0 ]; then .venv/bin/python scripts/cluster-e2e/restart.py --helmctl .build/debug/helmctl; fi
echo "== interop: Helm and helmctl load each other's archives; show and repo index agree"
.venv/bin/python scripts/archive-oracle/compare.py
swift test --skip-build
