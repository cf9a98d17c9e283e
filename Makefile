# Convenience targets. The README's two commands are scripts/run.sh and scripts/test.sh.
.PHONY: build test bench goldens

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

# Regenerate the Helm goldens (fails on purpose if anything changed, so new output is reviewed).
goldens:
	bash scripts/setup.sh --with-oracle
	.venv/bin/python scripts/goldens.py
