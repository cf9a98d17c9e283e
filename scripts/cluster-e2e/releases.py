#!/usr/bin/env python3
"""Releases end to end (issue 6): helmctl and the real Helm v4 SDK share releases on a helmctl cluster.

helmctl install -> Helm SDK lists/upgrades it -> helmctl history/rollback -> Helm SDK install ->
helmctl upgrade/uninstall; plus hooks, ownership refusal, keep policy, objects dropped on upgrade,
the pending-operation lock and its recovery by rollback. Objects are checked through the REST API.

Usage: releases.py [--helmctl .build/debug/helmctl] [--sdk-python /tmp/hv/bin/python]
Only 127.0.0.1; the cluster is stopped with `cluster down` and every temp dir removed in `finally`.
"""
import argparse, base64, gzip, http.client, json, os, shutil, socket, ssl, subprocess, sys, tempfile, textwrap, time

FAILS = []
PASSES = [0]

def check(cond, what):
    if cond:
        PASSES[0] += 1
        print(f"ok   {what}")
    else:
        FAILS.append(what)
        print(f"FAIL {what}")

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

class API:
    def __init__(self, d, port):
        self.port = port
        self.ctx = ssl.create_default_context(cafile=os.path.join(d, "pki", "ca.crt"))
        self.headers = {"Authorization": "Bearer " + open(os.path.join(d, "pki", "admin.token")).read().strip(),
                        "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        c = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=30)
        c.request(method, path, body=None if body is None else json.dumps(body), headers=self.headers)
        r = c.getresponse(); data = r.read(); c.close()
        return r.status, (json.loads(data) if data else None)

    def get(self, path):
        status, obj = self.call("GET", path)
        return obj if status == 200 else None

def release_secret(api, ns, name, rev):
    s = api.get(f"/api/v1/namespaces/{ns}/secrets/sh.helm.release.v1.{name}.v{rev}")
    if not s: return None, None
    raw = base64.b64decode(base64.b64decode(s["data"]["release"]))
    return s, json.loads(gzip.decompress(raw) if raw[:3] == b"\x1f\x8b\x08" else raw)

SDK_SCRIPT = """
import json, sys
from helm_python import Config
op = json.loads(sys.argv[1])
c = Config(kubeconfig_path=op["kubeconfig"], namespace=op["namespace"])
try:
    if op["op"] == "list":
        out = [{"name": r["name"], "revision": r["revision"], "status": r["status"]} for r in c.list(all_states=True)]
    elif op["op"] == "install":
        r = c.install(op["chart"], op["name"], op.get("values")); out = {"revision": r["revision"], "status": r["status"]}
    elif op["op"] == "upgrade":
        r = c.upgrade(op["chart"], op["name"], op.get("values")); out = {"revision": r["revision"], "status": r["status"]}
    print(json.dumps({"ok": True, "result": out}))
except Exception as e:
    print(json.dumps({"ok": False, "error": str(e)}))
"""

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--helmctl", default=".build/debug/helmctl")
    ap.add_argument("--sdk-python", default=os.environ.get("HELM_SDK_PYTHON", "/tmp/hv/bin/python"))
    ap.add_argument("--charts", default="charts")
    args = ap.parse_args()
    helmctl = os.path.abspath(args.helmctl)
    webapp = os.path.abspath(os.path.join(args.charts, "webapp"))
    d = tempfile.mkdtemp(prefix="helmctl-releases-")
    work = tempfile.mkdtemp(prefix="helmctl-releases-charts-")
    port = free_port()
    kubeconfig = os.path.join(d, "kubeconfig")
    env = dict(os.environ, KUBECONFIG=kubeconfig, HELM_DRIVER="secret")
    env.pop("HELM_NAMESPACE", None)

    def hc(*a, ok=True):
        p = subprocess.run([helmctl, *a], capture_output=True, text=True, env=env)
        if ok and p.returncode != 0:
            print(f"helmctl {' '.join(a)} failed ({p.returncode}): {p.stderr.strip()}")
        return p

    def sdk(op):
        op = dict(op, kubeconfig=kubeconfig)
        p = subprocess.run([args.sdk_python, "-c", SDK_SCRIPT, json.dumps(op)], capture_output=True, text=True)
        try:
            return json.loads(p.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            return {"ok": False, "error": p.stderr.strip()[-500:]}

    try:
        subprocess.run([helmctl, "cluster", "up", "--data-dir", d, "--listen", f"127.0.0.1:{port}", "--nodes", "0"], check=True,
                       capture_output=True)
        api = API(d, port)
        ns = "e2e"

        # 1. helmctl install
        p = hc("install", "web", webapp, "-n", ns, "--create-namespace", "--set", "replicaCount=1",
               "--labels", "team=e2e")
        check(p.returncode == 0 and "STATUS: deployed" in p.stdout and "REVISION: 1" in p.stdout, "helmctl install web")
        dep = api.get(f"/apis/apps/v1/namespaces/{ns}/deployments/web-webapp")
        check(dep is not None and dep["spec"]["replicas"] == 1, "deployment created with replicas 1")
        meta = (dep or {}).get("metadata", {})
        check(meta.get("labels", {}).get("app.kubernetes.io/managed-by") == "Helm"
              and meta.get("annotations", {}).get("meta.helm.sh/release-name") == "web"
              and meta.get("annotations", {}).get("meta.helm.sh/release-namespace") == ns, "ownership metadata stamped")
        sec, rel = release_secret(api, ns, "web", 1)
        check(sec is not None and sec["type"] == "helm.sh/release.v1", "release Secret sh.helm.release.v1.web.v1")
        labels = (sec or {}).get("metadata", {}).get("labels", {})
        check(labels.get("owner") == "helm" and labels.get("status") == "deployed" and labels.get("version") == "1"
              and labels.get("name") == "web" and labels.get("team") == "e2e" and "modifiedAt" in labels,
              "release Secret labels")
        check(rel is not None and rel["info"]["status"] == "deployed" and rel["config"] == {"replicaCount": 1}
              and rel["chart"]["metadata"]["name"] == "webapp" and rel.get("apply_method") == "ssa", "release JSON v4")

        p = hc("status", "web", "-n", ns)
        check(p.returncode == 0 and "DESCRIPTION: Install complete\nRESOURCES:\n==> apps/v1/Deployment\nNAME " in p.stdout
              and "==> v1/Service\n" in p.stdout, "status shows the live resources as tables")

        p = hc("test", "web", "-n", ns, "--timeout", "2s", ok=False)
        check(p.returncode == 1 and "timed out waiting for the condition" in p.stderr,
              f"helmctl test: the test Pod cannot succeed without nodes, --timeout bounds it: {p.stderr.strip()[:120]}")
        p = hc("status", "web", "-n", ns)
        check("TEST SUITE:     web-webapp-test-connection\nLast Started:   " in p.stdout and "Phase:          Failed\n" in p.stdout,
              "status shows the recorded test run")

        # 2. the Helm SDK lists and upgrades it
        r = sdk({"op": "list", "namespace": ns})
        check(r["ok"] and {"name": "web", "revision": 1, "status": "deployed"} in r["result"], f"Helm SDK lists web: {r}")
        r = sdk({"op": "upgrade", "namespace": ns, "chart": webapp, "name": "web",
                 "values": {"podAnnotations": {"e2e": "sdk"}}})
        check(r["ok"] and r["result"]["revision"] == 2, f"Helm SDK upgrades web: {r}")
        r = sdk({"op": "upgrade", "namespace": ns, "chart": webapp, "name": "web", "values": {"replicaCount": 5}})
        check(not r["ok"] and "conflict" in r.get("error", ""),
              "Helm SDK upgrade changing a helmctl-applied field conflicts (force-conflicts=false, as Helm)")

        # 3. helmctl history / rollback
        p = hc("history", "web", "-n", ns, "-o", "json")
        h = json.loads(p.stdout) if p.returncode == 0 else []
        check([(x["revision"], x["status"]) for x in h] == [(1, "superseded"), (2, "deployed"), (3, "failed")],
              f"helmctl history after SDK upgrades: {[(x['revision'], x['status']) for x in h]}")
        p = hc("rollback", "web", "1", "-n", ns)
        check(p.returncode == 0 and "Rollback was a success" in p.stdout, "helmctl rollback web 1")
        _, rel4 = release_secret(api, ns, "web", 4)
        check(rel4 is not None and rel4["info"]["status"] == "deployed" and rel4["info"]["description"] == "Rollback to 1"
              and rel4["config"] == {"replicaCount": 1}, "rollback revision 4 carries revision 1's config")
        _, rel2 = release_secret(api, ns, "web", 2)
        check(rel2 is not None and rel2["info"]["status"] == "superseded", "previous deployed revision superseded")
        r = sdk({"op": "list", "namespace": ns})
        check(r["ok"] and {"name": "web", "revision": 4, "status": "deployed"} in r["result"], "Helm SDK sees the rollback")

        # 4. Helm SDK install -> helmctl upgrade / uninstall
        r = sdk({"op": "install", "namespace": ns, "chart": webapp, "name": "sdkweb", "values": {"replicaCount": 2}})
        check(r["ok"] and r["result"]["status"] == "deployed", f"Helm SDK installs sdkweb: {r}")
        p = hc("list", "-n", ns, "-o", "json")
        rows = {x["name"]: x for x in json.loads(p.stdout)} if p.returncode == 0 else {}
        check(set(rows) == {"web", "sdkweb"} and rows["sdkweb"]["chart"] == "webapp-0.1.0", "helmctl list shows both")
        p = hc("get", "values", "sdkweb", "-n", ns)
        check(p.stdout == "USER-SUPPLIED VALUES:\nreplicaCount: 2\n", "helmctl get values of an SDK release")
        p = hc("upgrade", "sdkweb", webapp, "-n", ns, "--reuse-values", "--set", "replicaCount=3", "--force-conflicts")
        check(p.returncode == 0 and "has been upgraded" in p.stdout, "helmctl upgrade of an SDK release")
        dep = api.get(f"/apis/apps/v1/namespaces/{ns}/deployments/sdkweb-webapp")
        check(dep and dep["spec"]["replicas"] == 3, "upgrade took over a field the SDK applied (--force-conflicts)")
        _, rel = release_secret(api, ns, "sdkweb", 2)
        check(rel and rel["config"] == {"replicaCount": 3} and rel["info"]["description"] == "Upgrade complete",
              "upgrade record: --reuse-values merged config")
        r = sdk({"op": "list", "namespace": ns})
        check(r["ok"] and {"name": "sdkweb", "revision": 2, "status": "deployed"} in r["result"],
              "Helm SDK sees helmctl's upgrade")

        # 5. pending lock: a pending-upgrade record blocks upgrades; rollback recovers
        sec, rel = release_secret(api, ns, "sdkweb", 2)
        rel["version"] = 3; rel["info"]["status"] = "pending-upgrade"
        payload = base64.b64encode(gzip.compress(json.dumps(rel).encode(), 9)).decode()
        body = {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
                "metadata": {"name": "sh.helm.release.v1.sdkweb.v3", "namespace": ns,
                             "labels": {"name": "sdkweb", "owner": "helm", "status": "pending-upgrade", "version": "3"}},
                "data": {"release": base64.b64encode(payload.encode()).decode()}}
        status, _ = api.call("POST", f"/api/v1/namespaces/{ns}/secrets", body)
        check(status == 201, "wrote a pending-upgrade record")
        p = hc("upgrade", "sdkweb", webapp, "-n", ns, ok=False)
        check(p.returncode == 1 and p.stderr.startswith("Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n")
              and "`helmctl rollback sdkweb`" in p.stderr,
              f"pending release refuses upgrade: {p.stderr.strip()}")
        p = hc("rollback", "sdkweb", "2", "-n", ns)
        check(p.returncode == 0, "rollback recovers the pending release")
        p = hc("status", "sdkweb", "-n", ns, "-o", "json")
        st = json.loads(p.stdout) if p.returncode == 0 else {}
        check(st.get("version") == 4 and st.get("info", {}).get("status") == "deployed", "status after recovery")

        p = hc("uninstall", "sdkweb", "-n", ns)
        check(p.returncode == 0 and p.stdout == 'release "sdkweb" uninstalled\n', "helmctl uninstall sdkweb")
        check(api.get(f"/apis/apps/v1/namespaces/{ns}/deployments/sdkweb-webapp") is None, "sdkweb deployment deleted")
        secs = api.get(f"/api/v1/namespaces/{ns}/secrets?labelSelector=name%3Dsdkweb,owner%3Dhelm")
        check(secs is not None and secs["items"] == [], "sdkweb release records deleted")
        r = sdk({"op": "list", "namespace": ns})
        check(r["ok"] and all(x["name"] != "sdkweb" for x in r["result"]), "Helm SDK no longer lists sdkweb")

        # 6. hooks, keep policy, objects dropped on upgrade, ownership refusal
        chart = os.path.join(work, "hooky")
        os.makedirs(os.path.join(chart, "templates"))
        open(os.path.join(chart, "Chart.yaml"), "w").write("apiVersion: v2\nname: hooky\nversion: 0.1.0\n")
        open(os.path.join(chart, "values.yaml"), "w").write("extra: true\n")
        open(os.path.join(chart, "templates", "objs.yaml"), "w").write(textwrap.dedent("""\
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: shared-cm
            data: {a: "1"}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-kept
              annotations:
                helm.sh/resource-policy: keep
            {{- if .Values.extra }}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-extra
            {{- end }}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-pre
              annotations:
                helm.sh/hook: pre-install
                helm.sh/hook-delete-policy: hook-succeeded
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-post
              annotations:
                helm.sh/hook: post-install,post-upgrade
                helm.sh/hook-weight: "5"
            """))
        cm = lambda n: api.get(f"/api/v1/namespaces/{ns}/configmaps/{n}")
        p = hc("install", "hooky", chart, "-n", ns)
        check(p.returncode == 0, "install a chart with hooks")
        check(cm("shared-cm") and cm("hooky-kept") and cm("hooky-extra"), "hooky objects created")
        check(cm("hooky-pre") is None and cm("hooky-post") is not None,
              "pre-install hook deleted on success (hook-succeeded), post-install hook kept")
        p = hc("get", "hooks", "hooky", "-n", ns)
        check("# Source: hooky/templates/objs.yaml" in p.stdout and "hooky-post" in p.stdout, "helmctl get hooks")
        p = hc("install", "thief", chart, "-n", ns, ok=False)
        check(p.returncode == 1 and p.stderr.startswith("Error: INSTALLATION FAILED: Unable to continue with install: ConfigMap \"shared-cm\"")
              and 'current value is "hooky"' in p.stderr, f"ownership conflict refused: {p.stderr.strip()}")
        check(api.get(f"/api/v1/namespaces/{ns}/secrets/sh.helm.release.v1.thief.v1") is None,
              "refused install writes no release record")
        p = hc("install", "thief", chart, "-n", ns, "--take-ownership", "--dry-run=server")
        check(p.returncode == 0, "--take-ownership skips the ownership check")
        p = hc("upgrade", "hooky", chart, "-n", ns, "--set", "extra=false")
        check(p.returncode == 0 and cm("hooky-extra") is None and cm("shared-cm") is not None,
              "object dropped from the chart deleted on upgrade")
        p = hc("uninstall", "hooky", "-n", ns)
        check(p.returncode == 0 and p.stdout == "These resources were kept due to the resource policy:\n"
              "[ConfigMap] hooky-kept\n\nrelease \"hooky\" uninstalled\n",
              f"uninstall reports kept resources as Helm prints them: {p.stdout!r}")
        check(cm("shared-cm") is None and cm("hooky-kept") is not None, "uninstall deletes all but keep-policy objects")

        # 7. --keep-history, list filters, not-found errors, dry run
        p = hc("uninstall", "web", "-n", ns, "--keep-history")
        check(p.returncode == 0, "uninstall --keep-history")
        p = hc("list", "-n", ns, "-q")
        check(p.stdout == "web\n", "v4 list shows every state, uninstalled included")
        p = hc("list", "-n", ns, "--deployed", "-q")
        check(p.stdout == "", "list --deployed filters")
        p = hc("list", "-n", ns, "--uninstalled", "-q")
        check(p.stdout == "web\n", "list --uninstalled")
        p = hc("upgrade", "web", webapp, "-n", ns, ok=False)
        check(p.returncode == 1 and p.stderr == 'Error: UPGRADE FAILED: "web" has no deployed releases\n',
              "upgrade of an uninstalled release is refused")
        p = hc("-n", ns, "status", "nope", ok=False)
        check(p.returncode == 1 and p.stderr == "Error: release: not found\n", "status of a missing release")
        p = hc("install", "dry", webapp, "-n", ns, "--dry-run=server")
        check(p.returncode == 0 and "MANIFEST:" in p.stdout
              and api.get(f"/apis/apps/v1/namespaces/{ns}/deployments/dry-webapp") is None, "install --dry-run=server")
        p = subprocess.run([helmctl, "install", "offline", webapp, "--dry-run"], capture_output=True, text=True,
                           env=dict(env, KUBECONFIG=os.path.join(work, "missing")))
        check(p.returncode == 0 and "DESCRIPTION: Dry run complete" in p.stdout and "MANIFEST:" in p.stdout,
              "bare --dry-run is a client dry run that needs no cluster")
        p = hc("list", "-n", ns, "-q", "-f", "^w.b$")
        check(p.stdout == "web\n", "list -f REGEX")
        p = hc("list", "-n", ns, "-q", "-l", "team=e2e")
        check(p.stdout == "web\n", "list -l on release labels")
        p = hc("list", "-n", ns, "-q", "-m", "1", "--offset", "0", "-r")
        check(p.returncode == 0 and len(p.stdout.splitlines()) == 1, "list -m/--offset/-r")
        p = hc("list", "-A", "-a", "-o", "yaml")
        check(p.returncode == 0 and "name: web" in p.stdout, "list -A -a -o yaml")

        # 8. --generate-name, --description, --history-max pruning, the ConfigMap driver
        p = hc("install", webapp, "-n", ns, "--generate-name", "--description", "first one", "-o", "json")
        gen = json.loads(p.stdout) if p.returncode == 0 else {}
        check(gen.get("name", "").startswith("webapp-") and gen.get("info", {}).get("description") == "first one",
              "install --generate-name --description -o json")
        for i in range(3):
            hc("upgrade", gen.get("name", "x"), webapp, "-n", ns, "--history-max", "2", "--set", f"podLabels.i=v{i}")
        p = hc("history", gen.get("name", "x"), "-n", ns, "-o", "json")
        h = json.loads(p.stdout) if p.returncode == 0 else []
        check([x["revision"] for x in h] == [3, 4] and h[-1]["status"] == "deployed", f"--history-max 2 prunes: {h}")
        cm_env = dict(env, HELM_DRIVER="configmap")
        p = subprocess.run([helmctl, "install", "cmrel", webapp, "-n", ns], capture_output=True, text=True, env=cm_env)
        cmrec = api.get(f"/api/v1/namespaces/{ns}/configmaps/sh.helm.release.v1.cmrel.v1")
        check(p.returncode == 0 and cmrec is not None and cmrec["metadata"]["labels"].get("owner") == "helm",
              "HELM_DRIVER=configmap stores a ConfigMap record")
        raw = base64.b64decode((cmrec or {}).get("data", {}).get("release", ""))
        check(raw[:3] == b"\x1f\x8b\x08" and json.loads(gzip.decompress(raw))["name"] == "cmrel",
              "ConfigMap record is base64(gzip(json))")
        p = subprocess.run([helmctl, "uninstall", "cmrel", "-n", ns], capture_output=True, text=True, env=cm_env)
        check(p.returncode == 0 and api.get(f"/api/v1/namespaces/{ns}/configmaps/sh.helm.release.v1.cmrel.v1") is None,
              "uninstall with the ConfigMap driver")

        # 10. CRDs from crds/ are created first, then the chart's custom resources resolve through re-discovery
        cchart = os.path.join(work, "withcrd")
        os.makedirs(os.path.join(cchart, "templates")); os.makedirs(os.path.join(cchart, "crds"))
        open(os.path.join(cchart, "Chart.yaml"), "w").write("apiVersion: v2\nname: withcrd\nversion: 0.1.0\n")
        open(os.path.join(cchart, "crds", "widget.yaml"), "w").write(textwrap.dedent("""\
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
            """))
        open(os.path.join(cchart, "templates", "w.yaml"), "w").write(
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {{ .Release.Name }}-w\nspec:\n  size: 3\n")
        p = hc("install", "crdrel", cchart, "-n", ns)
        w = api.get(f"/apis/example.com/v1/namespaces/{ns}/widgets/crdrel-w")
        check(p.returncode == 0 and w is not None and w["spec"]["size"] == 3, f"CRD installed first, CR applied: {p.stderr.strip()}")
        p = hc("install", "crdrel2", cchart, "-n", ns, "--skip-crds")
        check(p.returncode == 0, "--skip-crds with the CRD already present")
        p = hc("uninstall", "crdrel", "-n", ns)
        check(p.returncode == 0 and api.get(f"/apis/example.com/v1/namespaces/{ns}/widgets/crdrel-w") is None
              and api.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com") is not None,
              "uninstall deletes the CR but never the crds/ CRD")

        # 9. hook Jobs wait for completion (no pods run on this cluster): --timeout fails, --no-hooks skips
        jchart = os.path.join(work, "jobhook")
        os.makedirs(os.path.join(jchart, "templates"))
        open(os.path.join(jchart, "Chart.yaml"), "w").write("apiVersion: v2\nname: jobhook\nversion: 0.1.0\n")
        open(os.path.join(jchart, "templates", "job.yaml"), "w").write(textwrap.dedent("""\
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: {{ .Release.Name }}-migrate
              annotations:
                helm.sh/hook: pre-install,pre-upgrade
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: m, image: busybox}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-cfg
            """))
        p = hc("install", "jh", jchart, "-n", ns, "--timeout", "2s", ok=False)
        check(p.returncode == 1 and p.stderr.startswith("Error: INSTALLATION FAILED: pre-install hooks failed")
              and "timed out waiting for the condition" in p.stderr, f"hook Job times out: {p.stderr.strip()}")
        _, jrel = release_secret(api, ns, "jh", 1)
        check(jrel is not None and jrel["info"]["status"] == "failed", "failed hook leaves a failed release")
        p = hc("install", "jh2", jchart, "-n", ns, "--no-hooks")
        check(p.returncode == 0 and api.get(f"/apis/batch/v1/namespaces/{ns}/jobs/jh2-migrate") is None
              and cm("jh2-cfg") is not None, "--no-hooks skips the hook Job")

        # 11. --rollback-on-failure (--atomic): a failed install is uninstalled, a failed upgrade rolled back
        p = hc("install", "jh3", jchart, "-n", ns, "--timeout", "1s", "--atomic", ok=False)
        check(p.returncode == 1 and "release jh3 failed, and has been uninstalled due to rollback-on-failure being set: "
              "pre-install hooks failed" in p.stderr, f"install --atomic uninstalls: {p.stderr.strip()[:160]}")
        secs = api.get(f"/api/v1/namespaces/{ns}/secrets?labelSelector=name%3Djh3")
        check(secs is not None and secs["items"] == [], "no records left after the atomic install")
        p = hc("upgrade", "jh2", jchart, "-n", ns, "--timeout", "1s", "--rollback-on-failure", ok=False)
        check(p.returncode == 1 and "release jh2 failed, and has been rolled back due to rollback-on-failure being set"
              in p.stderr, f"upgrade --rollback-on-failure rolls back: {p.stderr.strip()[:160]}")
        p = hc("history", "jh2", "-n", ns, "-o", "json")
        h = json.loads(p.stdout) if p.returncode == 0 else []
        check([(x["revision"], x["status"]) for x in h] == [(1, "superseded"), (2, "failed"), (3, "deployed")]
              and h[-1]["description"] == "Rollback to 1", f"history after the rollback: {h}")
        # No node runs pods on this cluster: --wait times out naming the Deployment (wait.py runs pods).
        p = hc("install", "w", webapp, "-n", ns, "--wait", "--timeout", "3s", ok=False)
        check(p.returncode == 1 and "INSTALLATION FAILED: resource not ready, name: w-webapp, kind: Deployment" in p.stderr
              and "context deadline exceeded" in p.stderr, f"--wait without nodes times out naming the Deployment: {p.stderr[-300:]}")

        # 12. the umbrella chart's crds/ CRD is created and Established before rendering: the templates see
        # the new kind in .Capabilities and a custom resource of it applies in the same install
        status, _ = api.call("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
        for _ in range(100):
            if api.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com") is None: break
            time.sleep(0.1)
        umb = os.path.join(work, "umbrella")
        shutil.copytree(os.path.abspath(os.path.join(args.charts, "umbrella")), umb)
        open(os.path.join(umb, "templates", "widget.yaml"), "w").write(
            '{{- if .Capabilities.APIVersions.Has "example.com/v1/Widget" }}\n'
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {{ .Release.Name }}-w\nspec:\n  size: 1\n{{- end }}\n")
        p = hc("install", "umb", umb, "-n", ns, "--no-hooks")
        crd = api.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
        conds = {c["type"]: c["status"] for c in ((crd or {}).get("status") or {}).get("conditions", [])}
        check(p.returncode == 0 and conds.get("Established") == "True", f"umbrella: crds/ CRD created and Established: {p.stderr.strip()[:200]}")
        check(api.get(f"/apis/example.com/v1/namespaces/{ns}/widgets/umb-w") is not None,
              "umbrella: the templates saw the new kind in .Capabilities and its custom resource applied")
        p = hc("uninstall", "umb", "-n", ns, "--no-hooks")
        check(p.returncode == 0, "umbrella uninstalled")

        # 13. --server-side=false: Helm 3's client-side three-way merge
        cs = os.path.join(work, "csa")
        os.makedirs(os.path.join(cs, "templates"))
        open(os.path.join(cs, "Chart.yaml"), "w").write("apiVersion: v2\nname: csa\nversion: 0.1.0\n")
        open(os.path.join(cs, "values.yaml"), "w").write("image: busybox:1\nextraKey: true\nextraEnv: true\n")
        open(os.path.join(cs, "templates", "all.yaml"), "w").write(textwrap.dedent("""\
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-cfg
            data:
              a: "1"
              {{- if .Values.extraKey }}
              b: "2"
              {{- end }}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ .Release.Name }}-web
            spec:
              replicas: 1
              selector: {matchLabels: {app: csa}}
              template:
                metadata: {labels: {app: csa}}
                spec:
                  containers:
                  - name: web
                    image: {{ .Values.image }}
                    env:
                    - {name: A, value: "1"}
                    {{- if .Values.extraEnv }}
                    - {name: B, value: "2"}
                    {{- end }}
            """))
        p = hc("install", "cs", cs, "-n", ns, "--server-side=false")
        _, rel = release_secret(api, ns, "cs", 1)
        check(p.returncode == 0 and rel is not None and rel.get("apply_method") == "csa",
              f"install --server-side=false records apply_method csa: {p.stderr.strip()[:200]}")
        # Someone else changes the live objects: fields the chart never sets, and one it does.
        def merge_patch(path, body):
            c = http.client.HTTPSConnection("127.0.0.1", api.port, context=api.ctx, timeout=30)
            c.request("PATCH", path, body=json.dumps(body),
                      headers=dict(api.headers, **{"Content-Type": "application/merge-patch+json"}))
            r = c.getresponse(); r.read(); c.close(); return r.status
        s1 = merge_patch(f"/apis/apps/v1/namespaces/{ns}/deployments/cs-web",
                         {"spec": {"minReadySeconds": 7, "replicas": 3}, "metadata": {"labels": {"owner": "ops"}}})
        s2 = merge_patch(f"/api/v1/namespaces/{ns}/configmaps/cs-cfg", {"data": {"c": "live"}})
        check(s1 == 200 and s2 == 200, "live objects changed by another client")
        p = hc("upgrade", "cs", cs, "-n", ns, "--set", "image=busybox:2", "--set", "extraKey=false", "--set", "extraEnv=false")
        _, rel = release_secret(api, ns, "cs", 2)
        dep = api.get(f"/apis/apps/v1/namespaces/{ns}/deployments/cs-web") or {}
        cm = api.get(f"/api/v1/namespaces/{ns}/configmaps/cs-cfg") or {}
        ctr = ((dep.get("spec", {}).get("template", {}).get("spec", {}).get("containers")) or [{}])[0]
        check(p.returncode == 0 and rel is not None and rel.get("apply_method") == "csa",
              f"upgrade --server-side=auto follows the release's csa: {p.stderr.strip()[:200]}")
        check(dep.get("spec", {}).get("minReadySeconds") == 7 and dep.get("metadata", {}).get("labels", {}).get("owner") == "ops"
              and cm.get("data", {}).get("c") == "live", "fields changed live by someone else survive the upgrade")
        check(ctr.get("image") == "busybox:2" and [e["name"] for e in ctr.get("env", [])] == ["A"]
              and cm.get("data") == {"a": "1", "c": "live"}, f"fields removed from the chart are removed live: {ctr.get('env')} {cm.get('data')}")
        check(dep.get("spec", {}).get("replicas") == 1,
              "a field the chart sets, changed live, is reset to the chart's value (Helm 3's overwrite)")
        p = hc("upgrade", "cs", cs, "-n", ns, "--server-side=true", "--force-conflicts", "--set", "image=busybox:3")
        _, rel = release_secret(api, ns, "cs", 3)
        check(p.returncode == 0 and rel is not None and rel.get("apply_method") == "ssa", f"--server-side=true switches to ssa: {p.stderr.strip()[:200]}")
        p = hc("rollback", "cs", "2", "-n", ns)
        _, rel = release_secret(api, ns, "cs", 4)
        check(p.returncode == 0 and rel is not None and rel.get("apply_method") == "csa",
              f"rollback --server-side=auto follows the revision rolled back to: {p.stderr.strip()[:200]}")
        p = hc("install", "cs2", cs, "-n", ns, "--server-side=maybe", ok=False)
        check(p.returncode != 0 and 'invalid server-side value (maybe)' in p.stderr, "bad --server-side value refused")

        # 14. a kubeconfig whose user is an exec credential plugin (a shell script printing the token)
        plugin = os.path.join(work, "token-plugin.sh")
        open(plugin, "w").write("#!/bin/sh\necho run >> \"$(dirname \"$0\")/plugin-runs\"\n"
                                "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",'\n"
                                "printf '\"status\":{\"token\":\"%s\"}}' \"$(cat " + os.path.join(d, "pki", "admin.token") + ")\"\n")
        os.chmod(plugin, 0o755)
        ekc = os.path.join(work, "exec-kubeconfig")
        open(ekc, "w").write(json.dumps({
            "apiVersion": "v1", "kind": "Config", "current-context": "x",
            "clusters": [{"name": "k", "cluster": {"server": f"https://127.0.0.1:{port}",
                                                   "certificate-authority": os.path.join(d, "pki", "ca.crt")}}],
            "contexts": [{"name": "x", "context": {"cluster": "k", "user": "u", "namespace": ns}}],
            "users": [{"name": "u", "user": {"exec": {"apiVersion": "client.authentication.k8s.io/v1",
                                                      "command": "./token-plugin.sh", "interactiveMode": "Never"}}}]}))
        p = hc("list", "--kubeconfig", ekc, "-o", "json")
        runs = open(os.path.join(work, "plugin-runs")).read().count("run") if os.path.exists(os.path.join(work, "plugin-runs")) else 0
        check(p.returncode == 0 and '"name":"cs"' in p.stdout.replace(" ", "") and runs == 1,
              f"exec credential plugin: list through a token from the plugin, run once: {runs} {p.stderr.strip()[:200]}")
        open(plugin, "w").write("#!/bin/sh\nexit 4\n")
        p = hc("list", "--kubeconfig", ekc, ok=False)
        check(p.returncode != 0 and "executable ./token-plugin.sh failed with exit code 4" in p.stderr,
              f"a failing plugin is a clear error: {p.stderr.strip()[:200]}")
    finally:
        subprocess.run([helmctl, "cluster", "down", "--data-dir", d], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{PASSES[0]} passed, {len(FAILS)} failed")
    return 1 if FAILS else 0

if __name__ == "__main__":
    sys.exit(main())
