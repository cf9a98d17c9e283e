#!/usr/bin/env python3
"""Control-plane benchmark (issue 4 item 5): start-to-ready, idle RSS, durable creates/s, GETs/s,
LIST of 1000 objects, watch delivery latency with 100 watchers — for the SQLite and etcd stores,
next to their raw engines measured in the same run by helmctl-store-bench.

Usage: bench.py [--helmctl .build/release/helmctl] [--store-bench .build/release/helmctl-store-bench]
Only 127.0.0.1 is contacted; every process started here is stopped by pid and temp dirs removed.
"""
import argparse, http.client, json, os, re, shutil, socket, ssl, statistics, subprocess, sys, tempfile, threading, time

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

class Cluster:
    def __init__(self, helmctl, store, etcd=None):
        self.helmctl, self.dir = helmctl, tempfile.mkdtemp(prefix="helmctl-bench-")
        self.port = free_port()
        self.args = ["--data-dir", self.dir, "--listen", f"127.0.0.1:{self.port}", "--store", store, "--nodes", "0"]
        if etcd: self.args += ["--etcd-endpoints", etcd]

    def up(self):
        t = time.perf_counter()
        subprocess.run([self.helmctl, "cluster", "up"] + self.args, check=True, capture_output=True)
        ready = time.perf_counter() - t
        self.pid = int(open(os.path.join(self.dir, "cluster.pid")).read())
        self.token = open(os.path.join(self.dir, "pki", "admin.token")).read().strip()
        self.ctx = ssl.create_default_context(cafile=os.path.join(self.dir, "pki", "ca.crt"))
        return ready

    def down(self):
        subprocess.run([self.helmctl, "cluster", "down", "--data-dir", self.dir], capture_output=True)

    def restart(self):
        self.down()
        t = time.perf_counter()
        subprocess.run([self.helmctl, "cluster", "up", "--data-dir", self.dir], check=True, capture_output=True)
        d = time.perf_counter() - t
        self.pid = int(open(os.path.join(self.dir, "cluster.pid")).read())
        return d

    def rss_mb(self):
        for line in open(f"/proc/{self.pid}/status"):
            if line.startswith("VmRSS:"): return int(line.split()[1]) / 1024
        return 0

    def conn(self):
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=60)

    def request(self, c, method, path, body=None):
        h = {"Authorization": "Bearer " + self.token, "Content-Type": "application/json"}
        c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
        r = c.getresponse(); data = r.read()
        return r.status, data

    def cleanup(self):
        self.down(); shutil.rmtree(self.dir, ignore_errors=True)

def wrk(cluster, path, script, seconds, conns):
    env = dict(os.environ, BENCH_TOKEN=cluster.token)
    out = subprocess.run(["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "-s", script,
                          f"https://127.0.0.1:{cluster.port}{path}"], env=env, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, int(errors.group(1)) if errors else 0

def watch_latency(cluster, watchers=100, events=200):
    c = cluster.conn(); st, body = cluster.request(c, "GET", "/api/v1/namespaces/default/configmaps?limit=1")
    rv = json.loads(body)["metadata"]["resourceVersion"]
    lat, lock, ready = [], threading.Lock(), threading.Barrier(watchers + 1)
    def watcher():
        w = cluster.conn()
        w.request("GET", f"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}&labelSelector=lat%3Dy",
                  headers={"Authorization": "Bearer " + cluster.token})
        r = w.getresponse(); ready.wait(); seen = 0
        while seen < events:
            line = r.readline()
            if not line: break
            ev = json.loads(line); t = time.time()
            sent = float(ev["object"]["metadata"]["annotations"]["sent"])
            with lock: lat.append((t - sent) * 1000)
            seen += 1
        w.close()
    ts = [threading.Thread(target=watcher, daemon=True) for _ in range(watchers)]
    for t in ts: t.start()
    ready.wait(); time.sleep(0.2)
    for i in range(events):
        cluster.request(c, "POST", "/api/v1/namespaces/default/configmaps",
                        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "lat-", "labels": {"lat": "y"},
                                                                             "annotations": {"sent": repr(time.time())}}})
        time.sleep(0.01)
    for t in ts: t.join(timeout=60)
    lat.sort()
    return lat[len(lat) // 2], lat[int(len(lat) * 0.99) - 1], len(lat)

def list_1000(cluster):
    c = cluster.conn()
    cluster.request(c, "POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "list"}})
    for i in range(1000):
        cluster.request(c, "POST", "/api/v1/namespaces/list/configmaps",
                        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"c{i:04d}"}, "data": {"k": "v" * 512}})
    times = []
    for _ in range(10):
        t = time.perf_counter(); st, body = cluster.request(c, "GET", "/api/v1/namespaces/list/configmaps"); times.append((time.perf_counter() - t) * 1000)
        # 1000 objects plus the kube-root-ca.crt ConfigMap the control plane publishes in every namespace.
        assert st == 200 and len(json.loads(body)["items"]) >= 1000
    return statistics.median(times)

def start_etcd():
    d = tempfile.mkdtemp(prefix="helmctl-bench-etcd-"); cp, pp = free_port(), free_port()
    p = subprocess.Popen(["etcd", "--data-dir", d, "--listen-client-urls", f"http://127.0.0.1:{cp}", "--advertise-client-urls", f"http://127.0.0.1:{cp}",
                          "--listen-peer-urls", f"http://127.0.0.1:{pp}", "--initial-advertise-peer-urls", f"http://127.0.0.1:{pp}",
                          "--initial-cluster", f"default=http://127.0.0.1:{pp}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", cp, timeout=1); c.request("GET", "/health")
            if c.getresponse().status == 200: break
        except OSError: time.sleep(0.1)
    return p, d, f"http://127.0.0.1:{cp}"

def run_store(args, store, etcd=None):
    cl = Cluster(args.helmctl, store, etcd)
    try:
        res = {"ready_first_s": cl.up()}
        time.sleep(2); res["idle_rss_mb"] = cl.rss_mb()
        res["ready_restart_s"] = cl.restart(); time.sleep(1)
        here = os.path.dirname(os.path.abspath(__file__))
        c = cl.conn(); cl.request(c, "POST", "/api/v1/namespaces/default/configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "bench0"}})
        res["creates_per_s"], res["create_errors"] = wrk(cl, "/api/v1/namespaces/default/configmaps", os.path.join(here, "post.lua"), 5, 8)
        res["gets_per_s"], res["get_errors"] = wrk(cl, "/api/v1/namespaces/default/configmaps/bench0", os.path.join(here, "get.lua"), 5, 16)
        res["list_1000_ms"] = list_1000(cl)
        res["watch_p50_ms"], res["watch_p99_ms"], res["watch_events"] = watch_latency(cl)
        return res
    finally:
        cl.cleanup()

def raw_engines(args, etcd):
    cmd = [args.store_bench, "bench", "--n", "2000"] + (["--etcd", etcd] if etcd else [])
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900).stdout

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--helmctl", default=".build/release/helmctl")
    ap.add_argument("--store-bench", default=".build/release/helmctl-store-bench")
    ap.add_argument("--skip-etcd", action="store_true")
    args = ap.parse_args()
    results = {"sqlite": run_store(args, "sqlite")}
    etcd = None
    try:
        if not args.skip_etcd:
            etcd = start_etcd()
            results["etcd"] = run_store(args, "etcd", etcd[2])
        raw = raw_engines(args, etcd[2] if etcd else None)
    finally:
        if etcd:
            etcd[0].terminate(); etcd[0].wait(timeout=20); shutil.rmtree(etcd[1], ignore_errors=True)
    targets = {"creates_per_s": (">=", 1000), "gets_per_s": (">=", 5000), "watch_p99_ms": ("<", 50), "ready_first_s": ("<", 1),
               "ready_restart_s": ("<", 1), "idle_rss_mb": ("<", 100), "list_1000_ms": ("<", 100)}
    print(f"{'metric':18} " + " ".join(f"{s:>12}" for s in results) + "   target")
    for k in ["ready_first_s", "ready_restart_s", "idle_rss_mb", "creates_per_s", "create_errors", "gets_per_s", "get_errors",
              "list_1000_ms", "watch_p50_ms", "watch_p99_ms", "watch_events"]:
        t = targets.get(k); tt = f"{t[0]} {t[1]}" if t else ""
        print(f"{k:18} " + " ".join(f"{results[s][k]:>12.2f}" if isinstance(results[s][k], float) else f"{results[s][k]:>12}" for s in results) + f"   {tt}")
    print("\nraw engines and the store layer (helmctl-store-bench, same run):\n" + raw)
    for s in results:
        print(f"{s}: API creates/s vs target 1000 = {results[s]['creates_per_s'] / 1000:.2f}x; GETs/s vs 5000 = {results[s]['gets_per_s'] / 5000:.2f}x")

if __name__ == "__main__":
    main()
