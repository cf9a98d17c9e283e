#!/usr/bin/env python3
"""Workload benchmark (issue 5 item 8).

1. Simulated nodes: a cluster with 50 kwok-like nodes (`cluster up --simulated-nodes 50`); 1000 pods
   created through the HTTP API; prints pods/s to Running (first create → last Running, seen through a
   watch) and create→Running p50/p99 per pod. Target: ≥ 200 pods/s.
2. Real pods (only when runc works here, i.e. as root): `cluster up --nodes 1`, 100 busybox pods
   created one every 100 ms; create→Running p50/p99. Targets: p50 < 150 ms, p99 < 500 ms.

Usage: bench.py [--helmctl .build/release/helmctl] [--pods 1000] [--nodes 50] [--real-pods 100] [--skip-real]
                [--skip-simulated] [--explain N]  (N: print the status timeline of the N slowest real pods)
Only 127.0.0.1 is contacted; every process started here is stopped by pid and temp dirs removed.
"""
import argparse, http.client, json, os, shutil, sys, threading, time
from concurrent.futures import ThreadPoolExecutor


def _load_cluster_bench():
    """The control-plane benchmark's Cluster helper (temp data dir, free port, token, TLS context)."""
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cluster-bench", "bench.py")
    spec = importlib.util.spec_from_file_location("cluster_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Cluster(_load_cluster_bench().Cluster):
    """A sqlite cluster with extra `cluster up` flags (`--simulated-nodes N`, `--nodes 1`)."""

    def __init__(self, helmctl, extra):
        super().__init__(helmctl, "sqlite")
        if "--nodes" in extra:  # instead of the control-plane benchmark's --nodes 0
            i = self.args.index("--nodes")
            del self.args[i:i + 2]
        self.args += extra

    def conn(self, timeout=60):
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=timeout)


def running(pod):
    st = pod.get("status", {})
    ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in st.get("conditions", []))
    return st.get("phase") == "Running" and ready


class RunningWatch:
    """Watches pods in a namespace and records when each first turns Running+Ready."""

    def __init__(self, cluster, ns, label):
        self.cluster, self.seen, self.lock = cluster, {}, threading.Lock()
        # Per pod: (time, phase, container state) at each change, for --explain.
        self.timeline = {}
        c = cluster.conn()
        st, body = cluster.request(c, "GET", f"/api/v1/namespaces/{ns}/pods?limit=1")
        rv = json.loads(body)["metadata"]["resourceVersion"]
        self.conn = cluster.conn(timeout=600)
        self.conn.request("GET", f"/api/v1/namespaces/{ns}/pods?watch=true&resourceVersion={rv}&labelSelector={label}",
                          headers={"Authorization": "Bearer " + cluster.token})
        self.response = self.conn.getresponse()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while True:
            line = self.response.readline()
            if not line: return
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            pod = ev.get("object", {})
            name = pod.get("metadata", {}).get("name", "")
            st = pod.get("status", {})
            states = [list(c.get("state", {}).items()) for c in st.get("containerStatuses", [])]
            summary = (ev.get("type"), pod.get("spec", {}).get("nodeName"), st.get("phase"),
                       ",".join(k + ("(" + v.get("reason", "") + ")" if v.get("reason") else "") for s in states for k, v in s))
            with self.lock:
                tl = self.timeline.setdefault(name, [])
                if not tl or tl[-1][1] != summary: tl.append((time.perf_counter(), summary))
            if ev.get("type") in ("ADDED", "MODIFIED") and running(pod):
                name = pod["metadata"]["name"]
                with self.lock:
                    self.seen.setdefault(name, time.perf_counter())

    def wait(self, count, timeout):
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self.lock:
                if len(self.seen) >= count: return True
            time.sleep(0.02)
        return False


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] if s else float("nan")


def pod_body(name, label, image="busybox", command=None):
    c = {"name": "c", "image": image}
    if command: c["command"] = command
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"bench": label}},
            "spec": {"containers": [c], "terminationGracePeriodSeconds": 0}}


def simulated(helmctl, pods, nodes, workers=8):
    cluster = Cluster(helmctl, ["--simulated-nodes", str(nodes)])
    try:
        cluster.up()
        c = cluster.conn()
        for _ in range(300):  # nodes registered
            st, body = cluster.request(c, "GET", "/api/v1/nodes")
            if st == 200 and len(json.loads(body).get("items", [])) >= nodes: break
            time.sleep(0.1)
        watch = RunningWatch(cluster, "default", "bench%3Dsim")
        created = {}
        lock = threading.Lock()
        local = threading.local()

        def create(i):
            if not hasattr(local, "c"): local.c = cluster.conn()
            name = f"sim-{i}"
            t = time.perf_counter()
            st, body = cluster.request(local.c, "POST", "/api/v1/namespaces/default/pods", pod_body(name, "sim"))
            if st != 201: raise RuntimeError(f"create {name}: {st} {body[:200]}")
            with lock: created[name] = t

        start = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(create, range(pods)))
        create_done = time.perf_counter()
        ok = watch.wait(pods, timeout=300)
        with watch.lock: seen = dict(watch.seen)
        latencies = [(seen[n] - created[n]) * 1000 for n in created if n in seen]
        last = max(seen.values()) if seen else start
        return {"pods": pods, "nodes": nodes, "running": len(seen), "complete": ok,
                "creates_per_s": pods / (create_done - start), "pods_per_s": len(seen) / (last - start),
                "p50_ms": pct(latencies, 50), "p99_ms": pct(latencies, 99), "wall_s": last - start}
    finally:
        cluster.cleanup()


def real(helmctl, pods, interval=0.1, explain=0):
    cluster = Cluster(helmctl, ["--nodes", "1"])
    try:
        cluster.up()
        c = cluster.conn()
        for _ in range(300):
            st, body = cluster.request(c, "GET", "/api/v1/nodes")
            if st == 200 and json.loads(body).get("items"): break
            time.sleep(0.1)
        watch = RunningWatch(cluster, "default", "bench%3Dreal")
        created = {}
        # Warm-up pod (image unpacking) not counted.
        cluster.request(c, "POST", "/api/v1/namespaces/default/pods", pod_body("warm", "real", command=["sleep", "3600"]))
        watch.wait(1, 60)
        for i in range(pods):
            name = f"real-{i}"
            created[name] = time.perf_counter()
            st, body = cluster.request(c, "POST", "/api/v1/namespaces/default/pods", pod_body(name, "real", command=["sleep", "3600"]))
            if st != 201: raise RuntimeError(f"create {name}: {st} {body[:200]}")
            time.sleep(interval)
        ok = watch.wait(pods + 1, timeout=300)
        with watch.lock: seen = dict(watch.seen)
        latencies = [(seen[n] - created[n]) * 1000 for n in created if n in seen]
        if explain:
            slow = sorted(created, key=lambda n: seen.get(n, float("inf")) - created[n], reverse=True)[:explain]
            with watch.lock:
                for n in slow:
                    steps = " | ".join(f"+{(t - created[n]) * 1000:.0f}ms {s}" for t, s in watch.timeline.get(n, []))
                    print(f"  slow {n}: {steps}", file=sys.stderr)
        return {"pods": pods, "running": len(latencies), "complete": ok, "p50_ms": pct(latencies, 50), "p99_ms": pct(latencies, 99)}
    finally:
        cluster.cleanup()


def runc_usable():
    return os.geteuid() == 0 and shutil.which("runc") is not None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--helmctl", default=".build/release/helmctl")
    ap.add_argument("--pods", type=int, default=1000)
    ap.add_argument("--nodes", type=int, default=50)
    ap.add_argument("--real-pods", type=int, default=100)
    ap.add_argument("--skip-real", action="store_true")
    ap.add_argument("--skip-simulated", action="store_true")
    ap.add_argument("--explain", type=int, default=0, help="print the status timeline of the N slowest real pods")
    a = ap.parse_args()
    r = {"complete": True}
    if not a.skip_simulated:
        r = simulated(a.helmctl, a.pods, a.nodes)
        print(f"simulated: {r['running']}/{r['pods']} pods Running on {r['nodes']} nodes in {r['wall_s']:.2f} s: "
              f"{r['pods_per_s']:.0f} pods/s to Running (target >= 200), creates {r['creates_per_s']:.0f}/s, "
              f"create->Running p50 {r['p50_ms']:.0f} ms p99 {r['p99_ms']:.0f} ms")
    if a.skip_real:
        return 0 if r["complete"] else 1
    if not runc_usable():
        print("real pods: skipped (runc needs root and a runc binary)")
        return 0 if r["complete"] else 1
    q = real(a.helmctl, a.real_pods, explain=a.explain)
    print(f"real (runc, --nodes 1): {q['running']}/{q['pods']} busybox pods Running, one created every 100 ms: "
          f"create->Running p50 {q['p50_ms']:.0f} ms p99 {q['p99_ms']:.0f} ms (targets p50 < 150, p99 < 500)")
    return 0 if r["complete"] and q["complete"] else 1


if __name__ == "__main__":
    sys.exit(main())
