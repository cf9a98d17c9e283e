#!/usr/bin/env python3
"""The main job as a test (issue 5 item 6, issue 6 item 5): `cluster up` (one node by default), `helmctl install hello
charts/hello --wait` (busybox httpd pods serving a page from a ConfigMap volume behind a Service and an
Ingress), then the page is fetched through the Ingress controller, through the Service's ClusterIP from the
host, and by name (cluster DNS) from another pod; an upgrade changes the page; uninstall removes the route.

Usage: scripts/cluster-e2e/hello.py [--helmctl .build/debug/helmctl]   (needs root, runc, the CNI plugins)"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CheckFailed, fetch, ok, root_cluster_main, run, wait_until  # noqa: E402
from kubectl_session import Session  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def page_with(url, text):
    """The body at url when it answers 200 and contains text, else None."""
    status, body = fetch(url)
    return body if status == 200 and text in body else None


def check(cluster, args):
    s = Session(cluster)
    env = cluster.env()

    def helmctl(*argv, timeout=240):
        r = run([cluster.helmctl, *argv], env=env, timeout=timeout)
        if r.rc != 0:
            raise CheckFailed(f"helmctl {' '.join(argv)} failed\n{r.describe()}\n--- cluster.log ---\n{cluster.log_tail()}")
        return r

    nodes = [n["metadata"]["name"] for n in s.get_json("nodes")["items"]]
    s.expect_equal(nodes, ["helmctl-node-1"], "the nodes of a cluster started without --nodes")
    ok("cluster up without --nodes runs one node, helmctl-node-1")
    helmctl("install", "hello", os.path.join(ROOT, "charts/hello"), "--wait", "--timeout", "3m")
    pods = s.get_json("pods", "-l", "app.kubernetes.io/instance=hello")["items"]
    s.expect_equal(len(pods), 2, "hello pods")
    s.expect(all(p["status"].get("podIP", "").startswith("10.42.") for p in pods), "pods have pod IPs")
    ok("install --wait returned with 2 Ready httpd pods on the pod network")

    ingress = f"http://127.0.0.1:{cluster.ingress_port}/"
    page = wait_until("the page through the Ingress", lambda: page_with(ingress, "Hello from helmctl"))
    s.expect("revision 1" in page, "page names revision 1")
    ok("Ingress controller → Service → pods serves the ConfigMap page")

    ip = s.get_json("service", "hello")["spec"]["clusterIP"]
    wait_until("the page through the ClusterIP", lambda: page_with(f"http://{ip}/", "Hello"))
    ok(f"ClusterIP {ip}:80 reaches the pods from the host")

    s.must("run", "client", "--image=busybox", "--restart=Never", "--command", "--", "sh", "-c",
           "for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O- http://hello.default.svc.cluster.local/ && exit 0; sleep 1; done; exit 1")
    phase = wait_until("the client pod to finish",
                       lambda: {"Succeeded", "Failed"} & {s.get_json("pod", "client")["status"].get("phase")}, timeout=90).pop()
    logs = s.kubectl("logs", "client").out
    s.expect(phase == "Succeeded" and "Hello from helmctl" in logs, f"a pod fetches by DNS name (phase {phase}, log {logs!r})")
    ok("a pod resolves hello.default.svc.cluster.local through the cluster DNS and fetches the page")

    helmctl("upgrade", "hello", os.path.join(ROOT, "charts/hello"), "--set", "message=Second page", "--wait", "--timeout", "3m")
    wait_until("the upgraded page", lambda: page_with(ingress, "Second page"))
    ok("upgrade --wait: the Ingress serves the new page")

    helmctl("uninstall", "hello", "--wait", "--timeout", "3m")
    wait_until("the route to go", lambda: fetch(ingress)[0] == 404)
    ok("uninstall --wait: the Ingress answers 404 for the removed rule")


def main():
    return root_cluster_main(__doc__, check, nodes=None)


if __name__ == "__main__":
    sys.exit(main())
