#!/usr/bin/env python3
"""`helmctl diff upgrade|rollback` end to end (issue 6 item 4) on a throwaway helmctl cluster.

install demo -> diff upgrade --set replicaCount=3 shows only the Deployment's replicas -> --detailed-exitcode
exits 2 -> a no-op diff prints nothing and exits 0 -> a chart with a new template shows the new object ->
after a real upgrade, diff rollback demo 1 shows the reverse change. Every diff leaves the cluster as it was
(resourceVersions compared through the REST API).

Usage: diff.py [--helmctl .build/debug/helmctl] [--charts charts]
Python 3 standard library only; only 127.0.0.1; `cluster down` and temp dirs removed in `finally`.
"""
import argparse, http.client, json, os, shutil, socket, ssl, subprocess, sys, tempfile

FAILS = []
PASSES = [0]


def check(cond, what, detail=""):
    if cond:
        PASSES[0] += 1
        print(f"ok   {what}")
    else:
        FAILS.append(what)
        print(f"FAIL {what}\n{detail}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class API:
    def __init__(self, d, port):
        self.port = port
        self.ctx = ssl.create_default_context(cafile=os.path.join(d, "pki", "ca.crt"))
        with open(os.path.join(d, "pki", "admin.token")) as f:
            self.headers = {"Authorization": "Bearer " + f.read().strip()}

    def get(self, path):
        c = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=30)
        c.request("GET", path, headers=self.headers)
        r = c.getresponse()
        data = r.read()
        c.close()
        return json.loads(data) if r.status == 200 and data else None


COLLECTIONS = ["/api/v1/namespaces/default/configmaps", "/api/v1/namespaces/default/services",
               "/api/v1/namespaces/default/serviceaccounts", "/api/v1/namespaces/default/secrets",
               "/apis/apps/v1/namespaces/default/deployments"]


def versions(api):
    """name -> what a write by helmctl would change, for every object the release owns (and its
    release records). Controllers keep writing Deployment status (and other objects of their own),
    so Deployments are compared by generation and spec/labels/annotations, the rest by resourceVersion."""
    out = {}
    for c in COLLECTIONS:
        for item in (api.get(c) or {}).get("items", []):
            md = item["metadata"]
            labels = md.get("labels") or {}
            if labels.get("app.kubernetes.io/managed-by") != "Helm" and labels.get("owner") != "helm":
                continue
            if c.endswith("/deployments"):
                out[c + "/" + md["name"]] = json.dumps([md.get("generation"), item.get("spec"), labels,
                                                        md.get("annotations")], sort_keys=True)
            else:
                out[c + "/" + md["name"]] = md.get("resourceVersion")
    return out


def headers(text):
    return [l for l in text.splitlines() if l.endswith(":") and ", " in l and " has " in l]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--helmctl", default=".build/debug/helmctl")
    ap.add_argument("--charts", default="charts")
    args = ap.parse_args()
    helmctl = os.path.abspath(args.helmctl)
    webapp = os.path.abspath(os.path.join(args.charts, "webapp"))
    d = tempfile.mkdtemp(prefix="helmctl-diff-")
    work = tempfile.mkdtemp(prefix="helmctl-diff-charts-")
    port = free_port()
    env = dict(os.environ, KUBECONFIG=os.path.join(d, "kubeconfig"), HELM_DRIVER="secret")
    env.pop("HELM_NAMESPACE", None)
    env.pop("NO_COLOR", None)

    def hc(*a):
        return subprocess.run([helmctl, *a], capture_output=True, text=True, env=env)

    def show(p):
        return f"exit {p.returncode}\n--- stdout ---\n{p.stdout}\n--- stderr ---\n{p.stderr}"

    try:
        subprocess.run([helmctl, "cluster", "up", "--data-dir", d, "--listen", f"127.0.0.1:{port}", "--nodes", "0"], check=True,
                       capture_output=True)
        api = API(d, port)
        p = hc("install", "demo", webapp)
        check(p.returncode == 0, "helmctl install demo charts/webapp", show(p))

        p = hc("diff", "upgrade", "nosuch", webapp)
        check(p.returncode == 1 and p.stderr.strip() == "Error: release: not found",
              "diff upgrade of a missing release: Error: release: not found", show(p))

        before = versions(api)
        p = hc("diff", "upgrade", "demo", webapp, "--set", "replicaCount=3")
        changed = [l for l in p.stdout.splitlines() if l[:1] in "+-" and not l.startswith(("+++", "---"))]
        check(p.returncode == 0 and headers(p.stdout) == ["default, demo-webapp, Deployment (apps) has changed:"]
              and changed == ["-  replicas: 1", "+  replicas: 3"],
              "diff upgrade --set replicaCount=3 shows only the Deployment's replicas", show(p))
        check("\x1b[" not in p.stdout, "no colour when stdout is not a terminal", show(p))
        check(p.stdout.count("\n@@ ") == 1 and len(p.stdout.splitlines()) <= 10,
              "one hunk with at most 3 lines of context each side", show(p))
        p = hc("diff", "upgrade", "demo", webapp, "--set", "replicaCount=3", "--context", "0")
        check(p.returncode == 0 and len(p.stdout.splitlines()) == 4, "--context 0 prints only the changed lines", show(p))

        p = hc("diff", "upgrade", "demo", webapp, "--set", "replicaCount=3", "--detailed-exitcode")
        check(p.returncode == 2 and "replicas: 3" in p.stdout, "--detailed-exitcode exits 2 on changes", show(p))

        p = hc("diff", "upgrade", "demo", webapp, "--detailed-exitcode")
        check(p.returncode == 0 and p.stdout == "", "a no-op diff prints nothing and exits 0", show(p))

        extra = os.path.join(work, "webapp")
        shutil.copytree(webapp, extra)
        with open(os.path.join(extra, "templates", "extra.yaml"), "w") as f:
            f.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\n"
                    "data:\n  greeting: hello\n")
        p = hc("diff", "upgrade", "demo", extra)
        check(p.returncode == 0 and headers(p.stdout) == ["default, demo-extra, ConfigMap (v1) has been added:"]
              and "+  greeting: hello" in p.stdout and "-" not in "".join(l[:1] for l in p.stdout.splitlines()),
              "diff with a new template shows the new ConfigMap, all added", show(p))

        with open(os.path.join(extra, "templates", "secret.yaml"), "w") as f:
            f.write("apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-creds\n"
                    "stringData:\n  password: hunter2\n")
        p = hc("diff", "upgrade", "demo", extra)
        check(p.returncode == 0 and "hunter2" not in p.stdout and "aHVudGVyMg" not in p.stdout
              and "demo-creds, Secret (v1) has been added:" in p.stdout,
              "Secret values are redacted by default", show(p))
        p = hc("diff", "upgrade", "demo", extra, "--show-secrets")
        check(p.returncode == 0 and ("hunter2" in p.stdout or "aHVudGVyMg" in p.stdout),
              "--show-secrets shows them", show(p))

        after = versions(api)
        check(before == after and len(before) > 0, "no diff changed the cluster (resourceVersions equal)",
              f"before={before}\nafter={after}")

        p = hc("upgrade", "demo", webapp, "--set", "replicaCount=3")
        check(p.returncode == 0, "helmctl upgrade demo --set replicaCount=3", show(p))
        before = versions(api)
        p = hc("diff", "rollback", "demo", "1")
        changed = [l for l in p.stdout.splitlines() if l[:1] in "+-"]
        check(p.returncode == 0 and headers(p.stdout) == ["default, demo-webapp, Deployment (apps) has changed:"]
              and changed == ["-  replicas: 3", "+  replicas: 1"],
              "diff rollback demo 1 shows the reverse change", show(p))
        p = hc("diff", "rollback", "demo", "--detailed-exitcode")
        check(p.returncode == 2, "diff rollback to the previous revision, --detailed-exitcode exits 2", show(p))
        p = hc("diff", "rollback", "demo", "2", "--detailed-exitcode")
        check(p.returncode == 0 and p.stdout == "", "diff rollback to the current content prints nothing", show(p))
        p = hc("diff", "rollback", "demo", "9")
        check(p.returncode == 1 and "release has no 9 version" in p.stderr, "diff rollback to a missing revision", show(p))
        p = hc("diff", "rollback", "nosuch")
        check(p.returncode == 1 and p.stderr.strip() == "Error: release: not found", "diff rollback of a missing release",
              show(p))
        after = versions(api)
        check(before == after, "diff rollback changed nothing", f"before={before}\nafter={after}")
        p = hc("history", "demo", "-o", "json")
        check(p.returncode == 0 and len(json.loads(p.stdout)) == 2, "no release revision was recorded by diff", show(p))
    finally:
        subprocess.run([helmctl, "cluster", "down", "--data-dir", d], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{PASSES[0]} passed, {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
