#!/usr/bin/env python3
"""Issue 6 item 6: install of a 3-object chart without waiting, client time, helmctl (a process per
install) against the Helm SDK (v4.2.3, in-process) on the same bundled cluster in the same run; also
upgrade and uninstall. Then a 50-resource chart (5 Deployments of busybox pods, 5 Services, 40
ConfigMaps) installed with `--wait` (watcher) on a cluster with a node running the pods, and
uninstalled. Prints medians and ratios.

Usage: bench.py [--helmctl .build/release/helmctl] [--runs 7] [--wait-runs 3]   (run with the venv's python)
Only 127.0.0.1 is contacted; the cluster started here is stopped and its data dir removed.
"""
import argparse, os, shutil, socket, statistics, subprocess, sys, tempfile, time

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

CHART = {
    "Chart.yaml": "apiVersion: v2\nname: three\nversion: 0.1.0\n",
    "values.yaml": "replicas: 1\nimage: nginx:1.27\n",
    "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n  k: v\n",
    "templates/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-svc\nspec:\n  selector:\n    app: {{ .Release.Name }}\n  ports:\n  - port: 80\n",
    "templates/deploy.yaml": ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n"
                              "  replicas: {{ .Values.replicas }}\n  selector:\n    matchLabels:\n      app: {{ .Release.Name }}\n"
                              "  template:\n    metadata:\n      labels:\n        app: {{ .Release.Name }}\n    spec:\n"
                              "      containers:\n      - name: web\n        image: {{ .Values.image }}\n"),
}

def fifty():
    """5 Deployments (busybox, sleeping), 5 Services, 40 ConfigMaps."""
    files = {"Chart.yaml": "apiVersion: v2\nname: fifty\nversion: 0.1.0\n"}
    files["templates/cms.yaml"] = ("{{- range $i := until 40 }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                                   "  name: {{ $.Release.Name }}-cfg-{{ $i }}\ndata:\n  k: v{{ $i }}\n{{- end }}\n")
    files["templates/apps.yaml"] = (
        "{{- range $i := until 5 }}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{ $.Release.Name }}-svc-{{ $i }}\n"
        "spec:\n  selector:\n    app: {{ $.Release.Name }}-{{ $i }}\n  ports:\n  - port: 80\n"
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ $.Release.Name }}-web-{{ $i }}\nspec:\n"
        "  replicas: 1\n  selector:\n    matchLabels:\n      app: {{ $.Release.Name }}-{{ $i }}\n  template:\n"
        "    metadata:\n      labels:\n        app: {{ $.Release.Name }}-{{ $i }}\n    spec:\n"
        "      terminationGracePeriodSeconds: 1\n      containers:\n      - name: web\n        image: busybox\n"
        "        command: [sleep, \"3600\"]\n{{- end }}\n")
    return files

def workspace(prefix):
    """A temporary directory with the cluster's data dir path and the 3-object chart written out."""
    work = tempfile.mkdtemp(prefix=prefix)
    chart = os.path.join(work, "three")
    for rel, text in CHART.items():
        os.makedirs(os.path.dirname(os.path.join(chart, rel)), exist_ok=True)
        open(os.path.join(chart, rel), "w").write(text)
    return work, os.path.join(work, "cluster"), chart


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--helmctl", default=".build/release/helmctl")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--wait-runs", type=int, default=3)
    args = ap.parse_args()
    from helm_python import Config
    work, data, chart = workspace("helmctl-release-bench-")
    try:
        subprocess.run([args.helmctl, "cluster", "up", "--data-dir", data, "--listen", f"127.0.0.1:{free_port()}", "--nodes", "0"],
                       check=True, capture_output=True)
        kubeconfig = os.path.join(data, "kubeconfig")
        env = dict(os.environ, KUBECONFIG=kubeconfig)
        sdk = Config(kubeconfig_path=kubeconfig, namespace="default")
        results = {}
        def timed(fn):
            t = time.perf_counter(); fn(); return time.perf_counter() - t
        def helmctl(*a):
            subprocess.run([args.helmctl, *a], env=env, check=True, capture_output=True)
        for op in ["install", "upgrade", "uninstall"]:
            results[op] = {"helmctl": [], "helm": []}
        for i in range(args.runs):
            h, s = f"hc{i}", f"sdk{i}"
            results["install"]["helmctl"].append(timed(lambda: helmctl("install", h, chart)))
            results["install"]["helm"].append(timed(lambda: sdk.install(chart, s, {})))
            results["upgrade"]["helmctl"].append(timed(lambda: helmctl("upgrade", h, chart, "--set", "replicas=2")))
            results["upgrade"]["helm"].append(timed(lambda: sdk.upgrade(chart, s, {"replicas": 2})))
            results["uninstall"]["helmctl"].append(timed(lambda: helmctl("uninstall", h)))
            results["uninstall"]["helm"].append(timed(lambda: sdk.uninstall(s)))
        print(f"3-object chart, {args.runs} runs each, median seconds (helmctl includes process start; the SDK runs in-process)")
        print(f"{'operation':10} {'helmctl':>9} {'Helm SDK':>9} {'ratio':>7}   target <= 0.50")
        for op, r in results.items():
            a, b = statistics.median(r["helmctl"]), statistics.median(r["helm"])
            print(f"{op:10} {a:9.3f} {b:9.3f} {a / b:7.2f}")
    finally:
        subprocess.run([args.helmctl, "cluster", "down", "--data-dir", data], capture_output=True)
    if args.wait_runs > 0:
        bench_wait(args, work)
    shutil.rmtree(work, ignore_errors=True)

def bench_wait(args, work):
    from helm_python import Config
    data = os.path.join(work, "cluster-node")
    chart = os.path.join(work, "fifty")
    for rel, text in fifty().items():
        os.makedirs(os.path.dirname(os.path.join(chart, rel)), exist_ok=True)
        open(os.path.join(chart, rel), "w").write(text)
    try:
        subprocess.run([args.helmctl, "cluster", "up", "--data-dir", data, "--listen", f"127.0.0.1:{free_port()}",
                        "--nodes", "1"], check=True, capture_output=True)
        kubeconfig = os.path.join(data, "kubeconfig")
        env = dict(os.environ, KUBECONFIG=kubeconfig)
        sdk = Config(kubeconfig_path=kubeconfig, namespace="default")
        r = {"helmctl": [], "helm": []}
        def timed(fn):
            t = time.perf_counter(); fn(); return time.perf_counter() - t
        for i in range(args.wait_runs):
            h, s = f"hw{i}", f"sw{i}"
            r["helmctl"].append(timed(lambda: subprocess.run([args.helmctl, "install", h, chart, "--wait", "--timeout", "5m"],
                                                            env=env, check=True, capture_output=True)))
            subprocess.run([args.helmctl, "uninstall", h, "--wait"], env=env, check=True, capture_output=True)
            r["helm"].append(timed(lambda: sdk.install(chart, s, {}, wait="watcher", timeout=300)))
            subprocess.run([args.helmctl, "uninstall", s, "--wait"], env=env, check=True, capture_output=True)
        a, b = statistics.median(r["helmctl"]), statistics.median(r["helm"])
        print(f"50-resource chart (5 Deployments running busybox pods), install --wait=watcher, {args.wait_runs} runs, median seconds")
        print(f"{'install':10} {a:9.3f} {b:9.3f} {a / b:7.2f}")
    finally:
        subprocess.run([args.helmctl, "cluster", "down", "--data-dir", data], capture_output=True)

if __name__ == "__main__":
    main()
