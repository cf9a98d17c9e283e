#!/usr/bin/env bash
# The main job: set up, build helmctl, and render the sample application chart as `helm template` would.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product helmctl
echo "+ helmctl template demo charts/webapp"
.build/release/helmctl template demo charts/webapp
