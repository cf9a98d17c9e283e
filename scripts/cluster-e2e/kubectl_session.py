#!/usr/bin/env python3
"""Drive the real `kubectl` on this machine against a throwaway `helmctl cluster` and check every answer.

Usage: scripts/cluster-e2e/kubectl_session.py [--helmctl .build/debug/helmctl] [--store sqlite|etcd]

Each check prints one `ok` line; the first failure prints the command, its exit code, stdout and stderr,
and the script exits 1. The cluster (and etcd with --store etcd) is always stopped and its temp
directories removed. Python 3 standard library only; only 127.0.0.1 is used."""

import argparse
import base64
import os
import queue
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CheckFailed, Cluster, main_wrapper, ok, run  # noqa: E402

MANIFESTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "manifests")


def manifest(name):
    with open(os.path.join(MANIFESTS, name)) as f:
        return f.read()


# ConfigMap + Deployment + Service; v2 changes two objects (greeting, replicas), the Service is identical.
APP_V1 = manifest("app.yaml")
CRD = manifest("widget-crd.yaml")
WIDGET = manifest("widget.yaml")
APP_V2 = APP_V1.replace("greeting: hello", "greeting: bonjour").replace("replicas: 1", "replicas: 2")

SSA_V1 = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: ssa-config
data:
  owner: first
"""

DIFF_V1 = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: diff-config
data:
  key: before
"""

class Session:
    """kubectl against one cluster, with checks."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.env = cluster.env()
        self.files = os.path.join(cluster.workdir, "files")
        os.makedirs(self.files)

    # --- running and checking ------------------------------------------------------------------

    def kubectl(self, *args, stdin=None, timeout=60, env=None):
        full_env = dict(self.env)
        full_env.update(env or {})
        return run(["kubectl", *args], stdin=stdin, timeout=timeout, env=full_env)

    def fail(self, why, result=None):
        text = f"{why}"
        if result is not None:
            text += f"\n{result.describe()}"
        text += f"\n--- cluster.log (tail) ---\n{self.cluster.log_tail(3000)}"
        raise CheckFailed(text)

    def must(self, *args, stdin=None, timeout=60, env=None, contains=(), what=None):
        """Run kubectl, require exit 0 and every string of `contains` in stdout."""
        r = self.kubectl(*args, stdin=stdin, timeout=timeout, env=env)
        if r.rc != 0:
            self.fail(f"kubectl {' '.join(args)}: expected exit 0", r)
        for s in contains:
            if s not in r.out:
                self.fail(f"kubectl {' '.join(args)}: expected {s!r} in stdout", r)
        if what:
            ok(what)
        return r

    def must_fail(self, *args, stdin=None, timeout=60, rc=None, stderr_contains=(), what=None):
        r = self.kubectl(*args, stdin=stdin, timeout=timeout)
        if r.rc == 0 or (rc is not None and r.rc != rc):
            self.fail(f"kubectl {' '.join(args)}: expected a failure exit code{'' if rc is None else f' {rc}'}", r)
        for s in stderr_contains:
            if s.lower() not in r.err.lower():
                self.fail(f"kubectl {' '.join(args)}: expected {s!r} in stderr", r)
        if what:
            ok(what)
        return r

    def get_json(self, *args):
        return self.must("get", *args, "-o", "json").json()

    def expect(self, condition, why, result=None):
        if not condition:
            self.fail(why, result)

    def expect_equal(self, actual, expected, what):
        if actual != expected:
            self.fail(f"{what}: expected {expected!r}, got {actual!r}")

    def write(self, name, text):
        path = os.path.join(self.files, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def gone(self, *args, what):
        r = self.kubectl("get", *args, "-o", "name")
        if r.rc == 0 or "NotFound" not in r.err:
            self.fail(f"expected {' '.join(args)} to be gone (NotFound)", r)
        ok(what)

    # --- the session ---------------------------------------------------------------------------

    def run_all(self):
        v = self.must("version", "-o", "json").json()
        client = v.get("clientVersion", {}).get("gitVersion")
        self.expect_equal(v.get("serverVersion", {}).get("minor"), "32", "kubectl version: server minor")
        ok(f"kubectl {client} talks to the cluster (server {v['serverVersion'].get('gitVersion')})")
        self.create_deployment()
        self.apply_and_reapply()
        self.strict_validation()
        self.many_kinds()
        self.list_document()
        self.get_formats()
        self.get_watch()
        self.describe()
        self.edit()
        self.label_annotate_scale()
        self.patch_types()
        self.create_subcommands()
        self.server_side_apply()
        self.diff()
        self.crd_and_wait()
        self.delete_finalizers()
        self.delete_namespace()
        self.raw_and_resources()

    def create_deployment(self):
        self.must("create", "deployment", "web", "--image=nginx:1.27", "--replicas=1",
                  contains=["deployment.apps/web created"], what="create deployment (protobuf body)")
        d = self.get_json("deployment", "web")
        self.expect_equal(d["spec"]["replicas"], 1, "web spec.replicas")
        self.expect_equal(d["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.27", "web image")
        self.expect_equal(d["spec"]["selector"]["matchLabels"], {"app": "web"}, "web selector")
        self.expect(d["metadata"].get("uid") and d["metadata"].get("creationTimestamp"), "web has uid/creationTimestamp")
        ok("created deployment reads back with replicas, image, selector, uid")

    def apply_and_reapply(self):
        path = self.write("app.yaml", APP_V1)
        self.must("apply", "-f", path, contains=["configmap/app-config created", "deployment.apps/app created",
                                                 "service/app created"], what="apply -f multi-doc creates three objects")
        svc = self.get_json("service", "app")
        self.expect(svc["spec"].get("clusterIP", "") not in ("", "None"), f"service got a clusterIP: {svc['spec']}")
        path = self.write("app.yaml", APP_V2)
        self.must("apply", "-f", path, contains=["configmap/app-config configured", "deployment.apps/app configured",
                                                 "service/app unchanged"],
                  what="re-apply: two objects configured, one unchanged")
        self.expect_equal(self.get_json("configmap", "app-config")["data"]["greeting"], "bonjour", "re-applied greeting")
        d = self.get_json("deployment", "app")
        self.expect_equal(d["spec"]["replicas"], 2, "re-applied replicas")
        self.expect("kubectl.kubernetes.io/last-applied-configuration" in d["metadata"].get("annotations", {}),
                    "deployment carries the last-applied annotation")
        ok("re-applied values read back")

    def strict_validation(self):
        # kubectl sends fieldValidation=Strict: undeclared fields are refused with the field's path.
        bad = APP_V1.split("---")[1].replace("        image: nginx:1.27", "        image: nginx:1.27\n        imagePullPolicyy: Always")
        bad = bad.replace("name: app\n", "name: typo\n", 1)
        path = self.write("typo.yaml", bad)
        self.must_fail("apply", "-f", path, stderr_contains=[
            'strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolicyy"'],
            what="apply with an undeclared field fails (fieldValidation=Strict)")
        self.gone("deployment", "typo", what="the refused object was not created")
        self.must("apply", "--validate=false", "-f", path, contains=["deployment.apps/typo created"],
                  what="apply --validate=false accepts it (fieldValidation=Ignore)")
        self.must("delete", "deployment", "typo")

    def many_kinds(self):
        path = os.path.join(MANIFESTS, "many-kinds.yaml")
        with open(path) as f:
            count = sum(1 for line in f if line.startswith("kind:"))
        r = self.must("apply", "--dry-run=server", "-f", path)
        lines = r.out.splitlines()
        self.expect(len(lines) == count and all(x.endswith(" created (server dry run)") for x in lines),
                    f"server dry run accepts all {count} objects", r)
        ok(f"apply --dry-run=server of {count} objects of most built-in kinds (strict validation)")
        r = self.must("apply", "-f", path)
        lines = r.out.splitlines()
        self.expect(len(lines) == count and all(x.endswith(" created") for x in lines),
                    f"apply creates all {count} objects after the dry run (no leaked allocations)", r)
        r = self.must("get", "-f", path, "-o", "name")
        self.expect_equal(len(r.out.split()), count, "objects read back")
        ok(f"apply creates all {count} objects; get -f reads them back")
        r = self.must("apply", "-f", path)
        # Kubernetes itself reports these as configured on every apply: the StatefulSet's atomic lists
        # come back defaulted, the PDB selector is patchStrategy=replace, Secret stringData is folded into data.
        always_configured = {"statefulset.apps/db", "poddisruptionbudget.policy/web2", "secret/s"}
        changed = [x for x in r.out.splitlines() if not x.endswith(" unchanged")
                   and x.split()[0] not in always_configured]
        self.expect(not changed, f"re-apply of unchanged manifests leaves objects unchanged: {changed}", r)
        ok("re-applying the same manifests reports them unchanged")
        self.must("diff", "-f", path, what="diff of the applied manifests is empty")
        self.must("delete", "-f", path, "--wait=false")

    def list_document(self):
        # kubectl validates the items of a `kind: List` file against OpenAPI v2.
        path = self.write("list.yaml", "apiVersion: v1\nkind: List\nitems:\n"
                          "- {apiVersion: v1, kind: ConfigMap, metadata: {name: listed-1}, data: {a: b}}\n"
                          "- {apiVersion: v1, kind: ConfigMap, metadata: {name: listed-2}}\n")
        self.must("apply", "-f", path, contains=["configmap/listed-1 created", "configmap/listed-2 created"],
                  what="apply -f of a kind: List document")
        self.must("apply", "-f", path, contains=["configmap/listed-1 unchanged", "configmap/listed-2 unchanged"])
        self.must("delete", "-f", path, contains=['configmap "listed-1" deleted'], what="re-apply and delete of the List")

    def get_formats(self):
        r = self.must("get", "deployment", "app", "-o", "wide",
                      contains=["NAME", "READY", "CONTAINERS", "IMAGES", "SELECTOR", "nginx:1.27", "app=app"])
        self.expect(r.out.splitlines()[1].split()[0] == "app", "first column of the row is the name", r)
        ok("get -o wide prints the wide columns")
        self.must("get", "deployment", "app", "-o", "yaml",
                  contains=["apiVersion: apps/v1", "kind: Deployment", "name: app", "replicas: 2"],
                  what="get -o yaml")
        j = self.get_json("deployment", "app")
        self.expect_equal((j["apiVersion"], j["kind"], j["metadata"]["name"]), ("apps/v1", "Deployment", "app"),
                          "get -o json identity")
        lst = self.get_json("configmaps")
        self.expect_equal(lst.get("kind"), "List", "get -o json on a collection")
        names = {i["metadata"]["name"] for i in lst["items"]}
        self.expect("app-config" in names, f"configmap list contains app-config: {names}")
        ok("get -o json (object and list)")
        self.must("get", "all", contains=["deployment.apps/app", "deployment.apps/web", "service/app",
                                          "service/kubernetes"], what="get all")

    def get_watch(self):
        self.must("create", "configmap", "watched", "--from-literal=state=initial")
        argv = ["kubectl", "get", "configmap", "watched", "-w", "-o", "jsonpath={.data.state}{\"\\n\"}"]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        lines = queue.Queue()

        def pump(stream, tag):
            for line in stream:
                lines.put((tag, line.rstrip("\n")))
            lines.put((tag, None))

        threads = [threading.Thread(target=pump, args=(proc.stdout, "out"), daemon=True),
                   threading.Thread(target=pump, args=(proc.stderr, "err"), daemon=True)]
        for t in threads:
            t.start()
        seen, errs = [], []
        try:
            deadline = time.monotonic() + 30
            patched = False
            while time.monotonic() < deadline:
                try:
                    tag, line = lines.get(timeout=0.5)
                except queue.Empty:
                    if proc.poll() is not None and lines.empty():
                        break
                    continue
                if line is None:
                    continue
                (seen if tag == "out" else errs).append(line)
                if tag == "out" and line == "initial" and not patched:
                    # The initial state arrived, so the watch is open: change the object from outside.
                    self.must("patch", "configmap", "watched", "--type", "merge", "-p",
                              '{"data":{"state":"changed"}}')
                    patched = True
                if tag == "out" and line == "changed":
                    break
        finally:
            if proc.poll() is None:
                proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if "changed" not in seen:
            self.fail(f"get -w never showed the change; stdout lines {seen}, stderr {errs}, rc {proc.returncode}")
        ok("get -w shows a change made by another command")

    def describe(self):
        self.must("describe", "deployment", "app",
                  contains=["Name:", "app", "Namespace:", "default", "Replicas:", "Selector:", "app=app",
                            "nginx:1.27"], what="describe deployment")

    def edit(self):
        # kubectl runs an EDITOR containing spaces through the shell with the temp file appended.
        self.must("edit", "configmap", "app-config", env={"EDITOR": "sed -i s/edit-me/edited/", "KUBE_EDITOR": ""},
                  contains=["configmap/app-config edited"], what="edit with a scripted EDITOR")
        self.expect_equal(self.get_json("configmap", "app-config")["data"]["mode"], "edited", "edited value")
        ok("edited value reads back")

    def label_annotate_scale(self):
        self.must("label", "deployment", "app", "tier=web", contains=["deployment.apps/app labeled"])
        self.must("annotate", "deployment", "app", "e2e.example.com/note=hello",
                  contains=["deployment.apps/app annotated"])
        self.must("scale", "deployment", "app", "--replicas=3", contains=["deployment.apps/app scaled"])
        d = self.get_json("deployment", "app")
        self.expect_equal(d["metadata"]["labels"].get("tier"), "web", "label")
        self.expect_equal(d["metadata"]["annotations"].get("e2e.example.com/note"), "hello", "annotation")
        self.expect_equal(d["spec"]["replicas"], 3, "scaled replicas")
        ok("label, annotate, scale")
        self.must("label", "deployment", "app", "tier-", contains=["deployment.apps/app unlabeled"])
        self.expect("tier" not in self.get_json("deployment", "app")["metadata"]["labels"], "label removed")
        ok("label removal")

    def patch_types(self):
        # strategic merge (default): containers merge by name, so the port list and the name survive
        self.must("patch", "deployment", "app", "-p",
                  '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}}}',
                  contains=["deployment.apps/app patched"])
        c = self.get_json("deployment", "app")["spec"]["template"]["spec"]["containers"]
        self.expect_equal(len(c), 1, "strategic patch keeps one container")
        self.expect_equal(c[0]["image"], "nginx:1.28", "strategic patch image")
        self.expect_equal(c[0].get("ports", [{}])[0].get("containerPort"), 80, "strategic patch keeps ports")
        ok("patch (strategic merge) merges containers by name")
        self.must("patch", "deployment", "app", "--type", "merge", "-p",
                  '{"metadata":{"labels":{"patched":"merge"}},"spec":{"minReadySeconds":5}}',
                  contains=["deployment.apps/app patched"])
        d = self.get_json("deployment", "app")
        self.expect_equal((d["metadata"]["labels"].get("patched"), d["spec"].get("minReadySeconds")),
                          ("merge", 5), "merge patch")
        self.expect_equal(d["metadata"]["labels"].get("app"), "app", "merge patch keeps other labels")
        ok("patch --type merge")
        self.must("patch", "deployment", "app", "--type", "json", "-p",
                  '[{"op":"replace","path":"/spec/replicas","value":2},'
                  '{"op":"remove","path":"/metadata/labels/patched"},'
                  '{"op":"add","path":"/metadata/labels/json","value":"yes"}]',
                  contains=["deployment.apps/app patched"])
        d = self.get_json("deployment", "app")
        self.expect_equal(d["spec"]["replicas"], 2, "json patch replace")
        self.expect("patched" not in d["metadata"]["labels"], "json patch remove")
        self.expect_equal(d["metadata"]["labels"].get("json"), "yes", "json patch add")
        ok("patch --type json")
        self.must_fail("patch", "deployment", "app", "--type", "json", "-p",
                       '[{"op":"test","path":"/spec/replicas","value":99}]', what="failing json-patch test op is refused")

    def create_subcommands(self):
        ns = "e2e-ns"
        self.must("create", "namespace", ns, contains=[f"namespace/{ns} created"])
        self.must("create", "configmap", "cm1", "-n", ns, "--from-literal=a=b", contains=["configmap/cm1 created"])
        secret_text = "p@ss w0rd! ünïcødé"
        blob = bytes(range(256))
        blob_path = os.path.join(self.files, "blob.bin")
        with open(blob_path, "wb") as f:
            f.write(blob)
        self.must("create", "secret", "generic", "s1", "-n", ns, f"--from-literal=password={secret_text}",
                  f"--from-file=blob={blob_path}", contains=["secret/s1 created"])
        self.must("create", "serviceaccount", "sa1", "-n", ns, contains=["serviceaccount/sa1 created"])
        self.must("create", "job", "job1", "-n", ns, "--image=busybox:1.36", "--", "echo", "hi",
                  contains=["job.batch/job1 created"])
        ok("create namespace|configmap|secret generic|serviceaccount|job (protobuf bodies)")
        self.expect_equal(self.get_json("namespace", ns)["status"].get("phase"), "Active", "namespace phase")
        self.expect_equal(self.get_json("configmap", "cm1", "-n", ns)["data"], {"a": "b"}, "cm1 data")
        s = self.get_json("secret", "s1", "-n", ns)
        self.expect_equal(s.get("type"), "Opaque", "secret type")
        self.expect_equal(base64.b64decode(s["data"]["password"]).decode(), secret_text, "secret text round trip")
        self.expect_equal(base64.b64decode(s["data"]["blob"]), blob, "secret binary round trip")
        r = self.must("get", "secret", "s1", "-n", ns, "-o", "jsonpath={.data.password}")
        self.expect_equal(base64.b64decode(r.out).decode(), secret_text, "secret via jsonpath")
        ok("secret data base64 round trip (text and all 256 byte values)")
        self.expect_equal(self.get_json("serviceaccount", "sa1", "-n", ns)["metadata"]["name"], "sa1", "sa")
        job = self.get_json("job", "job1", "-n", ns)
        cont = job["spec"]["template"]["spec"]["containers"][0]
        self.expect_equal((cont["image"], cont.get("command")), ("busybox:1.36", ["echo", "hi"]), "job container")
        self.expect_equal(job["spec"]["template"]["spec"].get("restartPolicy"), "Never", "job restartPolicy")
        ok("created objects read back")

    def server_side_apply(self):
        path = self.write("ssa.yaml", SSA_V1)
        self.must("apply", "--server-side", "-f", path, contains=["configmap/ssa-config serverside-applied"],
                  what="apply --server-side creates")
        self.must("apply", "--server-side", "-f", path, contains=["configmap/ssa-config serverside-applied"],
                  what="apply --server-side again (no change)")
        other = self.write("ssa-other.yaml", SSA_V1.replace("owner: first", "owner: second"))
        self.must_fail("apply", "--server-side", "--field-manager=other", "-f", other,
                       stderr_contains=["conflict"], what="apply --server-side by another manager conflicts")
        self.expect_equal(self.get_json("configmap", "ssa-config")["data"]["owner"], "first", "value after conflict")
        self.must("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", other,
                  contains=["configmap/ssa-config serverside-applied"], what="--force-conflicts takes over")
        cm = self.get_json("configmap", "ssa-config", "--show-managed-fields")
        self.expect_equal(cm["data"]["owner"], "second", "value after force")
        managers = {m.get("manager"): m for m in cm["metadata"].get("managedFields", [])}
        self.expect("other" in managers, f"managedFields names the manager 'other': {list(managers)}")
        self.expect("f:owner" in str(managers["other"].get("fieldsV1", {})), f"'other' owns data.owner: {managers}")
        ok("managedFields record the new owner")
        # Client-side apply, then server-side apply of a file without one key: kubectl first hands the
        # client-side manager's fields to `kubectl` (a JSON patch of managedFields), so the key goes.
        both = self.write("mig.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: migrated}\n"
                          "data: {a: '1', b: '2'}\n")
        self.must("apply", "-f", both, contains=["configmap/migrated created"])
        one = self.write("mig1.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: migrated}\ndata: {a: '1'}\n")
        self.must("apply", "--server-side", "-f", one, contains=["configmap/migrated serverside-applied"])
        cm = self.get_json("configmap", "migrated", "--show-managed-fields")
        self.expect_equal(cm.get("data"), {"a": "1"}, "data after client-side to server-side apply migration")
        managers = sorted(f"{m.get('manager')}/{m.get('operation')}" for m in cm["metadata"].get("managedFields", []))
        self.expect_equal(managers, ["kubectl-last-applied/Apply", "kubectl/Apply"], "managers after migration")
        ok("client-side to server-side apply migration (managedFields upgrade, removed key pruned)")

    def diff(self):
        path = self.write("diff.yaml", DIFF_V1)
        self.must("apply", "-f", path, contains=["configmap/diff-config created"])
        self.must("diff", "-f", path, what="diff exits 0 when live equals the file")
        path = self.write("diff.yaml", DIFF_V1.replace("key: before", "key: after"))
        r = self.kubectl("diff", "-f", path)
        self.expect(r.rc == 1, "diff exits 1 when they differ", r)
        self.expect("-  key: before" in r.out and "+  key: after" in r.out, "diff shows the changed line", r)
        ok("diff exits 1 and shows the change when different")
        self.expect_equal(self.get_json("configmap", "diff-config")["data"]["key"], "before", "diff is a dry run")
        ok("diff did not change the live object")

    def crd_and_wait(self):
        path = self.write("crd.yaml", CRD)
        self.must("apply", "-f", path,
                  contains=["customresourcedefinition.apiextensions.k8s.io/widgets.e2e.example.com created"])
        self.must("wait", "--for=condition=Established", "crd/widgets.e2e.example.com", "--timeout=60s",
                  contains=["condition met"], timeout=90, what="wait --for=condition=Established on a CRD")
        path = self.write("widget.yaml", WIDGET)
        self.must("apply", "-f", path, contains=["widget.e2e.example.com/big-one created"],
                  what="apply a custom resource")
        r = self.must("get", "wd", contains=["NAME", "SIZE", "COLOR", "big-one", "42", "teal"])
        header = r.out.splitlines()[0].split()
        self.expect_equal(header[:3], ["NAME", "SIZE", "COLOR"], "printer column order")
        ok("get via shortName prints the CRD printer columns")
        w = self.get_json("widget", "big-one")
        self.expect_equal((w["kind"], w["spec"]["size"]), ("Widget", 42), "custom resource JSON")
        path = self.write("widget.yaml", WIDGET.replace("size: 42", "size: 43"))
        self.must("apply", "-f", path, contains=["widget.e2e.example.com/big-one configured"])
        self.expect_equal(self.get_json("wd", "big-one")["spec"]["size"], 43, "re-applied custom resource")
        ok("re-apply a custom resource")
        self.must("scale", "widget", "big-one", "--replicas=7", contains=["widget.e2e.example.com/big-one scaled"])
        spec = self.get_json("wd", "big-one")["spec"]
        self.expect_equal((spec.get("size"), "replicas" in spec), (7, False), "scale writes the CRD's specReplicasPath")
        self.must("patch", "widget", "big-one", "--subresource=status", "--type=merge", "-p", '{"status":{"size":7}}')
        self.expect_equal(self.get_json("wd", "big-one").get("status"), {"size": 7}, "status subresource")
        ok("scale and status subresources of a custom resource")

        # wait --for=delete while a delete runs in the background; a finalizer holds the object until
        # the wait is certainly watching, then removing it must end the wait.
        self.must("create", "configmap", "doomed", "--from-literal=a=b")
        self.must("patch", "configmap", "doomed", "--type", "merge",
                  "-p", '{"metadata":{"finalizers":["e2e.example.com/hold"]}}')
        waiter = subprocess.Popen(["kubectl", "wait", "--for=delete", "configmap/doomed", "--timeout=60s"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        try:
            deleter = subprocess.Popen(["kubectl", "delete", "configmap", "doomed", "--wait=false"],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
            dout, derr = deleter.communicate(timeout=60)
            if deleter.returncode != 0:
                self.fail(f"background delete failed: {dout} {derr}")
            time.sleep(1.0)
            if waiter.poll() is not None:
                out, err = waiter.communicate()
                self.fail(f"wait --for=delete ended while the finalizer still held the object: rc {waiter.returncode}"
                          f"\n{out}\n{err}")
            self.must("patch", "configmap", "doomed", "--type", "json",
                      "-p", '[{"op":"remove","path":"/metadata/finalizers"}]')
            out, err = waiter.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            waiter.kill()
            out, err = waiter.communicate()
            self.fail(f"wait --for=delete did not finish\n{out}\n{err}")
        finally:
            if waiter.poll() is None:
                waiter.kill()
                waiter.wait()
        if waiter.returncode != 0 or "condition met" not in out:
            self.fail(f"wait --for=delete: rc {waiter.returncode}\n--- stdout ---\n{out}\n--- stderr ---\n{err}")
        ok("wait --for=delete returns once a background delete completes")

    def delete_finalizers(self):
        self.must("create", "configmap", "plain", "--from-literal=a=b")
        self.must("delete", "configmap", "plain", contains=['configmap "plain" deleted'])
        self.gone("configmap", "plain", what="delete without finalizers: object gone")
        self.must("create", "configmap", "held", "--from-literal=a=b")
        self.must("patch", "configmap", "held", "--type", "merge",
                  "-p", '{"metadata":{"finalizers":["e2e.example.com/hold"]}}')
        self.must("delete", "configmap", "held", "--wait=false", contains=['configmap "held" deleted'])
        cm = self.get_json("configmap", "held")
        self.expect(cm["metadata"].get("deletionTimestamp"), f"held object has a deletionTimestamp: {cm['metadata']}")
        self.expect_equal(cm["metadata"].get("finalizers"), ["e2e.example.com/hold"], "finalizers kept")
        ok("delete with a finalizer: object stays with a deletionTimestamp")
        self.must("patch", "configmap", "held", "--type", "merge", "-p", '{"metadata":{"finalizers":null}}')
        self.gone("configmap", "held", what="finalizer patched away: object gone")

    def delete_namespace(self):
        ns = "e2e-ns"
        self.must("delete", "namespace", ns, "--timeout=90s", contains=[f'namespace "{ns}" deleted'], timeout=120,
                  what="delete namespace (waits until gone)")
        self.gone("namespace", ns, what="namespace gone")
        for kind in ("configmap/cm1", "secret/s1", "serviceaccount/sa1", "job/job1"):
            self.gone(kind, "-n", ns, what=f"{kind} in the deleted namespace is gone")

    def raw_and_resources(self):
        v = self.must("get", "--raw", "/version").json()
        self.expect_equal((v.get("major"), v.get("minor")), ("1", "32"), "/version major/minor")
        ok("get --raw /version reports 1.32")
        r = self.must("api-resources")
        rows = {tuple(line.split()[:1] + line.split()[-3:]) for line in r.out.splitlines()[1:]}
        for row in [("configmaps", "v1", "true", "ConfigMap"), ("namespaces", "v1", "false", "Namespace"),
                    ("pods", "v1", "true", "Pod"), ("secrets", "v1", "true", "Secret"),
                    ("deployments", "apps/v1", "true", "Deployment"), ("replicasets", "apps/v1", "true", "ReplicaSet"),
                    ("statefulsets", "apps/v1", "true", "StatefulSet"),
                    ("widgets", "e2e.example.com/v1", "true", "Widget")]:
            self.expect(row in rows, f"api-resources lists {row}", r)
        ok("api-resources lists core, apps and the custom kinds")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--helmctl", default=".build/debug/helmctl")
    parser.add_argument("--store", choices=["sqlite", "etcd"], default="sqlite")
    parser.add_argument("--etcd", default="/usr/bin/etcd", help="etcd binary for --store etcd")
    args = parser.parse_args()

    def body():
        cluster = Cluster(args.helmctl, store=args.store, etcd_binary=args.etcd)
        try:
            cluster.start()
            Session(cluster).run_all()
        finally:
            cluster.stop()
        print(f"kubectl session ({args.store}): all checks passed", flush=True)

    return main_wrapper(body)


if __name__ == "__main__":
    sys.exit(main())
