#!/usr/bin/env python3
"""Drive the real Helm v4.2.3 SDK (PyPI helm-python-sdk 0.2.2) against a throwaway `helmctl cluster`.

Run it with the interpreter that has the SDK: `.venv/bin/python scripts/cluster-e2e/helm_sdk.py
[--helmctl .build/debug/helmctl] [--store sqlite|etcd]` (scripts/setup.sh --with-oracle makes .venv).

Install, upgrade, rollback, history, list and uninstall of charts/webapp, checked from the outside with the
real kubectl (release Secrets, their gzip'd JSON payload, the Deployment), then an install of
charts/umbrella into a namespace the install creates. One `ok` line per check; the first failure prints
what happened and exits 1. The cluster is always stopped and its temp directories removed."""

import argparse
import base64
import gzip
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CheckFailed, Cluster, main_wrapper, ok, run  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RELEASE = "demo"
FULLNAME = "demo-webapp"


def summary(release):
    """The fields of an SDK release summary (install/upgrade/list/history entries) that the checks compare."""
    return tuple(release.get(k) for k in ("name", "namespace", "revision", "status", "chart_name", "chart_version"))


class HelmSession:
    def __init__(self, cluster, helm_python):
        self.cluster = cluster
        self.hp = helm_python
        self.env = cluster.env()
        # The SDK reads HOME/XDG for its own cache and config: keep those in the temp home too.
        os.environ.update(self.env)
        self.config = helm_python.Config(kubeconfig_path=cluster.kubeconfig, namespace="default")

    # --- helpers -------------------------------------------------------------------------------

    def fail(self, why):
        raise CheckFailed(f"{why}\n--- cluster.log (tail) ---\n{self.cluster.log_tail(3000)}")

    def expect(self, condition, why):
        if not condition:
            self.fail(why)

    def expect_equal(self, actual, expected, what):
        if actual != expected:
            self.fail(f"{what}: expected {expected!r}, got {actual!r}")

    def kubectl(self, *args):
        return run(["kubectl", *args], env=self.env, timeout=60)

    def get_json(self, *args):
        r = self.kubectl("get", *args, "-o", "json")
        if r.rc != 0:
            self.fail(f"kubectl get {' '.join(args)} failed\n{r.describe()}")
        return r.json()

    def gone(self, *args):
        r = self.kubectl("get", *args, "-o", "name")
        if r.rc == 0 or "NotFound" not in r.err:
            self.fail(f"expected {' '.join(args)} to be gone\n{r.describe()}")

    def sdk(self, what, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except self.hp.HelmError as e:
            self.fail(f"Helm SDK {what} failed: {type(e).__name__}: {e}")

    def release_secret(self, revision, namespace="default", release=RELEASE):
        return self.get_json("secret", f"sh.helm.release.v1.{release}.v{revision}", "-n", namespace)

    def decode_release(self, secret):
        """data.release is base64 (the Secret's bytes) of base64 text of gzip'd JSON."""
        try:
            text = base64.b64decode(secret["data"]["release"], validate=True)
            packed = base64.b64decode(text, validate=True)
        except (KeyError, ValueError) as e:
            self.fail(f"release secret data.release is not base64 of base64: {e}")
        self.expect(packed[:2] == b"\x1f\x8b", f"release payload is gzip (starts {packed[:4]!r})")
        try:
            return json.loads(gzip.decompress(packed))
        except (OSError, ValueError) as e:
            self.fail(f"release payload does not gunzip to JSON: {e}")

    def deployment(self, namespace="default", name=FULLNAME):
        d = self.get_json("deployment", name, "-n", namespace)
        return d["spec"]["replicas"], d["spec"]["template"]["spec"]["containers"][0]["image"]

    # --- the session ---------------------------------------------------------------------------

    def run_all(self):
        chart = os.path.join(REPO, "charts", "webapp")
        rel = self.sdk("install", self.config.install, chart, RELEASE, None, namespace="default")
        self.expect_equal(summary(rel), (RELEASE, "default", 1, "deployed", "webapp", "0.1.0"), "install result")
        ok("install charts/webapp as demo (no wait)")

        s = self.release_secret(1)
        self.expect_equal(s.get("type"), "helm.sh/release.v1", "release secret type")
        labels = s["metadata"].get("labels", {})
        self.expect_equal({k: labels.get(k) for k in ("owner", "status", "name", "version")},
                          {"owner": "helm", "status": "deployed", "name": RELEASE, "version": "1"},
                          "release secret labels")
        ok("release secret sh.helm.release.v1.demo.v1: type and labels")
        record = self.decode_release(s)
        meta = record.get("chart", {}).get("metadata", {})
        self.expect_equal((record.get("name"), record.get("version"), record.get("namespace")),
                          (RELEASE, 1, "default"), "decoded release name/version/namespace")
        self.expect_equal((meta.get("name"), meta.get("version"), meta.get("appVersion")),
                          ("webapp", "0.1.0", "1.16.0"), "decoded chart metadata")
        self.expect_equal(record.get("info", {}).get("status"), "deployed", "decoded release status")
        self.expect("kind: Deployment" in record.get("manifest", ""), "decoded manifest holds the Deployment")
        ok("release payload: base64 -> gzip -> JSON with name, version, chart metadata")

        self.expect_equal(self.deployment(), (1, "nginx:1.16.0"), "installed deployment replicas/image")
        d = self.get_json("deployment", FULLNAME)
        ann = d["metadata"].get("annotations", {})
        self.expect_equal((ann.get("meta.helm.sh/release-name"), ann.get("meta.helm.sh/release-namespace"),
                           d["metadata"].get("labels", {}).get("app.kubernetes.io/managed-by")),
                          (RELEASE, "default", "Helm"), "Helm ownership metadata")
        for kind in ("service", "serviceaccount"):
            self.get_json(kind, FULLNAME)
        ok("installed objects exist with Helm's ownership annotations")

        values = {"replicaCount": 3, "image": {"tag": "1.27.0"}}
        rel = self.sdk("upgrade", self.config.upgrade, chart, RELEASE, values, namespace="default")
        self.expect_equal(summary(rel), (RELEASE, "default", 2, "deployed", "webapp", "0.1.0"), "upgrade result")
        self.expect_equal(self.deployment(), (3, "nginx:1.27.0"), "upgraded deployment replicas/image")
        self.expect_equal(self.release_secret(1)["metadata"]["labels"].get("status"), "superseded", "v1 after upgrade")
        self.expect_equal(self.release_secret(2)["metadata"]["labels"].get("status"), "deployed", "v2 after upgrade")
        ok("upgrade with replicaCount=3, image.tag=1.27.0 changes the Deployment")

        self.sdk("rollback", self.config.rollback, RELEASE, version=1)
        self.expect_equal(self.deployment(), (1, "nginx:1.16.0"), "rolled-back deployment replicas/image")
        ok("rollback to 1 restores the Deployment")

        history = self.sdk("history", self.config.history, RELEASE)
        self.expect_equal([(h.get("revision"), h.get("status")) for h in history],
                          [(1, "superseded"), (2, "superseded"), (3, "deployed")], "history")
        self.expect_equal(self.decode_release(self.release_secret(3)).get("info", {}).get("description"),
                          "Rollback to 1", "v3 description")
        ok("history: 3 revisions superseded/superseded/deployed")

        listed = self.sdk("list", self.config.list)
        self.expect_equal([summary(r) for r in listed], [(RELEASE, "default", 3, "deployed", "webapp", "0.1.0")],
                          "list")
        ok("list shows demo at revision 3")

        self.sdk("uninstall", self.config.uninstall, RELEASE)
        for kind in ("deployment", "service", "serviceaccount"):
            self.gone(kind, FULLNAME)
        secrets = self.get_json("secrets", "-l", f"owner=helm,name={RELEASE}")
        self.expect_equal(secrets.get("items"), [], "release secrets after uninstall")
        self.expect_equal(self.sdk("list", self.config.list), [], "list after uninstall")
        ok("uninstall removes the objects and every release secret")

        self.umbrella()

    def umbrella(self):
        """charts/umbrella has a pre-install hook Job that Helm waits for. Pods never run yet (no kubelet), so
        this session plays the Job's controller: once the hook Job exists it reports it Complete through the
        status subresource, which must reach Helm's kstatus watch and let the install go on."""
        ns = "umbrella-e2e"
        config = self.hp.Config(kubeconfig_path=self.cluster.kubeconfig, namespace=ns)
        outcome = {}

        def install():
            try:
                outcome["release"] = config.install(os.path.join(REPO, "charts", "umbrella"), "stack", None,
                                                    namespace=ns, create_namespace=True, timeout=120)
            except self.hp.HelmError as e:
                outcome["error"] = f"{type(e).__name__}: {e}"

        worker = threading.Thread(target=install, daemon=True)
        try:
            worker.start()
            deadline = time.monotonic() + 90
            while worker.is_alive() and time.monotonic() < deadline:
                if self.kubectl("get", "job", "stack-migrate", "-n", ns, "-o", "name").rc == 0:
                    break
                time.sleep(0.5)
            if worker.is_alive():
                now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                status = {"status": {"startTime": now, "completionTime": now, "succeeded": 1, "conditions": [
                    {"type": "SuccessCriteriaMet", "status": "True", "lastTransitionTime": now},
                    {"type": "Complete", "status": "True", "lastTransitionTime": now}]}}
                code, answer = self.cluster.api("PATCH", f"/apis/batch/v1/namespaces/{ns}/jobs/stack-migrate/status",
                                                status, content_type="application/merge-patch+json")
                if code != 200:
                    self.fail(f"could not mark the hook Job complete: HTTP {code}\n{answer}")
                ok("pre-install hook Job created; marked Complete via the status subresource")
            worker.join(timeout=150)
            if worker.is_alive():
                self.fail("umbrella install did not return")
            if "error" in outcome:
                self.fail(f"Helm SDK umbrella install failed: {outcome['error']}")
            self.expect_equal(summary(outcome["release"]), ("stack", ns, 1, "deployed", "umbrella", "1.2.0"),
                              "umbrella install result")
            ok(f"install charts/umbrella into a new namespace {ns} (create_namespace=True)")
            self.expect_equal(self.get_json("namespace", ns)["status"].get("phase"), "Active", "created namespace")
            self.get_json("crd", "widgets.example.com")
            cm = self.get_json("configmap", "stack-umbrella", "-n", ns)
            self.expect_equal((cm["data"].get("greeting"), cm["data"].get("backendReplicas")), ("hello", "2"),
                              "umbrella configmap data")
            deployments = [d["metadata"]["name"] for d in self.get_json("deployments", "-n", ns)["items"]]
            self.expect(len(deployments) == 1 and "backend" in deployments[0], f"backend subchart deployed: {deployments}")
            s = self.release_secret(1, namespace=ns, release="stack")
            self.expect_equal(s["metadata"]["labels"].get("status"), "deployed", "umbrella release status")
            ok("umbrella: namespace, CRD from crds/, configmap, subchart Deployment and release secret exist")
        finally:
            config.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--helmctl", default=".build/debug/helmctl")
    parser.add_argument("--store", choices=["sqlite", "etcd"], default="sqlite")
    parser.add_argument("--etcd", default="/usr/bin/etcd", help="etcd binary for --store etcd")
    args = parser.parse_args()

    def body():
        try:
            import helm_python
        except ImportError:
            raise CheckFailed(f"{sys.executable} has no helm_python: run this with .venv/bin/python "
                              "(scripts/setup.sh --with-oracle creates it)")
        cluster = Cluster(args.helmctl, store=args.store, etcd_binary=args.etcd)
        try:
            cluster.start()
            session = HelmSession(cluster, helm_python)
            try:
                session.run_all()
            finally:
                session.config.close()
        finally:
            cluster.stop()
        print(f"Helm SDK session ({args.store}): all checks passed", flush=True)

    return main_wrapper(body)


if __name__ == "__main__":
    sys.exit(main())
