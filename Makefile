# Convenience targets. The README's two commands are scripts/run.sh and scripts/test.sh.
.PHONY: build test bench bench-repo bench-serve bench-cluster bench-releases bench-workloads goldens

build:
	swift build

test:
	bash scripts/test.sh

# Rendering speed against the real Helm, same run: prints ratios (see scripts/bench.py).
bench:
	bash scripts/setup.sh --with-oracle
	swift build -c release --product helmctl
	swift build -c release --product helmctl-bench
	TZ=UTC .venv/bin/python scripts/bench.py

# repo index over 1000 archives and package of a large chart, against Helm in the same run.
bench-repo:
	bash scripts/setup.sh --with-oracle
	swift build -c release --product helmctl
	TZ=UTC .venv/bin/python scripts/bench-repo.py

# helmctl serve against nginx with wrk.
bench-serve:
	bash scripts/bench-serve.sh

# Regenerate the Helm goldens (fails on purpose if anything changed, so new output is reviewed).
goldens:
	bash scripts/setup.sh --with-oracle
	.venv/bin/python scripts/goldens.py

# Control plane: start-to-ready, RSS, creates/s, GETs/s, LIST 1000, watch latency; SQLite and etcd
# next to their raw engines (scripts/cluster-bench/bench.py).
bench-cluster:
	bash scripts/setup.sh
	swift build -c release --product helmctl
	swift build -c release --product helmctl-store-bench
	python3 scripts/cluster-bench/bench.py

# Releases: install/upgrade/uninstall of a 3-object chart, helmctl against the Helm SDK on the same
# bundled cluster (scripts/release-bench/bench.py).
bench-releases:
	bash scripts/setup.sh --with-oracle
	swift build -c release --product helmctl
	.venv/bin/python scripts/release-bench/bench.py

# Workloads: 1000 pods on 50 simulated nodes (pods/s to Running, create->Running p50/p99), and 100
# busybox pods on one runc node when runc is usable (scripts/workload-bench/bench.py).
bench-workloads:
	swift build -c release --product helmctl
	python3 scripts/workload-bench/bench.py
