#!/usr/bin/env python3
"""Reliability (issue 4 item 6): kill -9 the cluster during 1000 concurrent writes, restart it, and
check that every acknowledged write is present and none is duplicated.

Usage: kill9.py [--helmctl .build/debug/helmctl] [--store sqlite]
Talks only to 127.0.0.1; the cluster it starts is killed by its pid and its data dir removed.
"""
import argparse, http.client, json, os, shutil, signal, socket, ssl, subprocess, sys, tempfile, threading, time

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--helmctl", default=".build/debug/helmctl")
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--per-writer", type=int, default=125)
    args = ap.parse_args()
    d = tempfile.mkdtemp(prefix="helmctl-kill9-")
    port = free_port()
    try:
        subprocess.run([args.helmctl, "cluster", "up", "--data-dir", d, "--listen", f"127.0.0.1:{port}", "--nodes", "0"], check=True, capture_output=True)
        pid = int(open(os.path.join(d, "cluster.pid")).read())
        token = open(os.path.join(d, "pki", "admin.token")).read().strip()
        ctx = ssl.create_default_context(cafile=os.path.join(d, "pki", "ca.crt"))
        headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        acked, lock = [], threading.Lock()
        total = args.writers * args.per_writer

        def writer(w):
            c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
            for i in range(args.per_writer):
                name = f"k-{w}-{i}"
                body = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"w": str(w), "i": str(i)}})
                try:
                    c.request("POST", "/api/v1/namespaces/default/configmaps", body=body, headers=headers)
                    r = c.getresponse(); r.read()
                    if r.status == 201:
                        with lock: acked.append(name)
                    else:
                        print(f"unexpected {r.status} for {name}", file=sys.stderr)
                except (OSError, http.client.HTTPException):
                    return  # the server was killed
        threads = [threading.Thread(target=writer, args=(w,)) for w in range(args.writers)]
        for t in threads: t.start()
        # Kill -9 halfway through.
        while True:
            with lock:
                if len(acked) >= total // 2: break
            time.sleep(0.001)
        os.kill(pid, signal.SIGKILL)
        for t in threads: t.join()
        print(f"killed after {len(acked)} acknowledged writes of {total}")
        subprocess.run([args.helmctl, "cluster", "up", "--data-dir", d], check=True, capture_output=True)
        c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
        c.request("GET", "/api/v1/namespaces/default/configmaps", headers=headers)
        items = json.loads(c.getresponse().read())["items"]
        names = [i["metadata"]["name"] for i in items if i["metadata"]["name"].startswith("k-")]
        rvs = [i["metadata"]["resourceVersion"] for i in items]
        missing = set(acked) - set(names)
        dup = len(names) - len(set(names))
        print(f"after restart: {len(names)} objects, {len(missing)} acknowledged missing, {dup} duplicated, "
              f"{len(rvs) - len(set(rvs))} repeated resourceVersions")
        if missing or dup or len(rvs) != len(set(rvs)):
            print("FAIL: missing " + ", ".join(sorted(missing)[:10]), file=sys.stderr)
            return 1
        # The restarted cluster keeps serving writes.
        c.request("POST", "/api/v1/namespaces/default/configmaps", headers=headers,
                  body=json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "after-restart"}}))
        r = c.getresponse(); r.read()
        if r.status != 201:
            print(f"FAIL: write after restart gave {r.status}", file=sys.stderr); return 1
        print("ok: every acknowledged write survived kill -9")
        return 0
    finally:
        subprocess.run([args.helmctl, "cluster", "down", "--data-dir", d], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
