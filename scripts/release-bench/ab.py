#!/usr/bin/env python3
"""Interleaved A/B of two helmctl binaries (and the Helm SDK) on one bundled cluster: install, upgrade
and uninstall of bench.py's 3-object chart, wall seconds per operation, medians. For a noisy shared
machine: every round runs A, B and the SDK back to back, so load drifts hit all three alike.

Usage: ab.py A_HELMCTL B_HELMCTL [--runs 15] [--no-sdk]   (run with the venv's python)
Only 127.0.0.1 is contacted; the cluster started here is stopped and its data dir removed.
"""
import argparse, os, shutil, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import free_port, workspace  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--no-sdk", action="store_true")
    args = ap.parse_args()
    work, data, chart = workspace("helmctl-release-ab-")
    try:
        subprocess.run([args.a, "cluster", "up", "--data-dir", data, "--listen", f"127.0.0.1:{free_port()}", "--nodes", "0"],
                       check=True, capture_output=True)
        env = dict(os.environ, KUBECONFIG=os.path.join(data, "kubeconfig"))
        sdk = None
        if not args.no_sdk:
            from helm_python import Config
            sdk = Config(kubeconfig_path=env["KUBECONFIG"], namespace="default")
        names = {"A": args.a, "B": args.b}
        ops = ["install", "upgrade", "uninstall"]
        res = {op: {k: [] for k in ["A", "B", "SDK"]} for op in ops}

        def timed(fn):
            t = time.perf_counter(); fn(); return time.perf_counter() - t

        def run(binary, *a):
            subprocess.run([binary, *a], env=env, check=True, capture_output=True)

        for i in range(args.runs):
            for who in (["A", "B"] if i % 2 == 0 else ["B", "A"]):
                rel = f"{who.lower()}{i}"
                res["install"][who].append(timed(lambda: run(names[who], "install", rel, chart)))
                res["upgrade"][who].append(timed(lambda: run(names[who], "upgrade", rel, chart, "--set", "replicas=2")))
                res["uninstall"][who].append(timed(lambda: run(names[who], "uninstall", rel)))
            if sdk:
                rel = f"s{i}"
                res["install"]["SDK"].append(timed(lambda: sdk.install(chart, rel, {})))
                res["upgrade"]["SDK"].append(timed(lambda: sdk.upgrade(chart, rel, {"replicas": 2})))
                res["uninstall"]["SDK"].append(timed(lambda: sdk.uninstall(rel)))
        print(f"{args.runs} interleaved rounds, median wall seconds; A={args.a} B={args.b}")
        print(f"{'operation':10} {'A':>8} {'B':>8} {'SDK':>8} {'B/A':>6} {'A/SDK':>6} {'B/SDK':>6}")
        for op in ops:
            a, b = statistics.median(res[op]["A"]), statistics.median(res[op]["B"])
            s = statistics.median(res[op]["SDK"]) if sdk else float("nan")
            print(f"{op:10} {a:8.4f} {b:8.4f} {s:8.4f} {b / a:6.2f} {a / s:6.2f} {b / s:6.2f}")
    finally:
        subprocess.run([args.a, "cluster", "down", "--data-dir", data], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
