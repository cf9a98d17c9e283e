#!/usr/bin/env python3
"""StatefulSet, DaemonSet and CronJob with the real `kubectl` against a `helmctl cluster` of simulated
(kwok-like) nodes: `kubectl rollout status statefulset|daemonset` must finish, scale-down goes from the
highest ordinal, a rolling update replaces every pod, a DaemonSet runs one pod per node.

Usage: scripts/cluster-e2e/workloads_kubectl.py [--helmctl .build/debug/helmctl] [--nodes 3]
Python 3 standard library only; only 127.0.0.1 is used; the cluster is always stopped and removed."""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CheckFailed, Cluster, main_wrapper, ok, run  # noqa: E402

STS = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: busybox, command: [sleep, "3600"], volumeMounts: [{name: data, mountPath: /data}]}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
"""

DS = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
"""


class SimulatedCluster(Cluster):
    def __init__(self, helmctl, nodes):
        super().__init__(helmctl)
        self.nodes = nodes

    def start(self):
        from common import free_port
        self.port = free_port()
        argv = [self.helmctl, "cluster", "up", "--data-dir", self.data_dir, "--listen", f"127.0.0.1:{self.port}",
                "--simulated-nodes", str(self.nodes)]
        self.started = True
        r = run(argv, timeout=120)
        if r.rc != 0:
            raise CheckFailed(f"cluster up failed\n{r.describe()}\n--- cluster.log ---\n{self.log_tail()}")
        ok(f"cluster up with {self.nodes} simulated nodes on 127.0.0.1:{self.port}")


def session(cluster, nodes):
    env = cluster.env()

    def kubectl(*args, stdin=None, timeout=90):
        return run(["kubectl", *args], stdin=stdin, timeout=timeout, env=env)

    def must(*args, stdin=None, timeout=90, contains=(), what=None):
        r = kubectl(*args, stdin=stdin, timeout=timeout)
        if r.rc != 0:
            raise CheckFailed(f"kubectl {' '.join(args)}: expected exit 0\n{r.describe()}\n--- cluster.log ---\n{cluster.log_tail(3000)}")
        for s in contains:
            if s not in r.out:
                raise CheckFailed(f"kubectl {' '.join(args)}: expected {s!r} in stdout\n{r.describe()}")
        if what:
            ok(what)
        return r

    def names(*args):
        return sorted(line.split("/", 1)[1] for line in must("get", *args, "-o", "name").out.split())

    for _ in range(50):
        if len(names("nodes")) >= nodes:
            break
        run(["sleep", "0.2"])
    if len(names("nodes")) != nodes:
        raise CheckFailed(f"expected {nodes} nodes, got {names('nodes')}")
    must("wait", "--for=condition=Ready", "nodes", "--all", "--timeout=30s", what=f"{nodes} simulated nodes Ready")

    must("apply", "-f", "-", stdin=STS)
    must("rollout", "status", "statefulset/web", "--timeout=60s", contains=("partitioned roll out complete",),
         what="kubectl rollout status statefulset/web finishes")
    pods = names("pods", "-l", "app=web")
    if pods != ["web-0", "web-1", "web-2"]:
        raise CheckFailed(f"statefulset pods: {pods}")
    pvcs = names("pvc")
    if pvcs != ["data-web-0", "data-web-1", "data-web-2"]:
        raise CheckFailed(f"statefulset claims: {pvcs}")
    ok("pods web-0..2 and claims data-web-0..2 exist")
    host = must("get", "pod", "web-1", "-o", "jsonpath={.spec.hostname}.{.spec.subdomain}").out
    if host != "web-1.web":
        raise CheckFailed(f"hostname.subdomain of web-1: {host!r}")
    ok("web-1 has hostname web-1 and subdomain web")

    must("set", "image", "statefulset/web", "c=busybox:1.37")
    must("rollout", "status", "statefulset/web", "--timeout=90s", what="rolling update of statefulset/web completes")
    images = must("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.containers[0].image}").out.split()
    if images != ["busybox:1.37"] * 3:
        raise CheckFailed(f"images after the update: {images}")
    ok("every StatefulSet pod runs the new image")
    must("rollout", "history", "statefulset/web", contains=("1", "2"), what="kubectl rollout history statefulset/web lists 2 revisions")

    must("rollout", "undo", "statefulset/web")
    must("rollout", "status", "statefulset/web", "--timeout=90s")
    images = must("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.containers[0].image}").out.split()
    if images != ["busybox"] * 3:
        raise CheckFailed(f"images after rollout undo: {images}")
    ok("kubectl rollout undo statefulset/web goes back to the first template")

    must("scale", "statefulset/web", "--replicas=1")
    must("rollout", "status", "statefulset/web", "--timeout=60s")
    for _ in range(100):
        if names("pods", "-l", "app=web") == ["web-0"]:
            break
        run(["sleep", "0.2"])
    if names("pods", "-l", "app=web") != ["web-0"]:
        raise CheckFailed(f"after scale to 1: {names('pods', '-l', 'app=web')}")
    ok("scaled down to web-0; claims kept: " + ",".join(names("pvc")))

    must("apply", "-f", "-", stdin=DS)
    must("rollout", "status", "daemonset/agent", "--timeout=60s", what="kubectl rollout status daemonset/agent finishes")
    on = must("get", "pods", "-l", "app=agent", "-o", "jsonpath={.items[*].spec.nodeName}").out.split()
    if sorted(on) != names("nodes"):
        raise CheckFailed(f"daemon pods on {on}, nodes {names('nodes')}")
    ok(f"one daemon pod on each of the {nodes} nodes")
    must("set", "image", "daemonset/agent", "c=busybox:1.37")
    must("rollout", "status", "daemonset/agent", "--timeout=90s", what="rolling update of daemonset/agent completes")
    desired = must("get", "ds", "agent", "-o", "jsonpath={.status.desiredNumberScheduled}/{.status.updatedNumberScheduled}/{.status.numberAvailable}").out
    if desired != f"{nodes}/{nodes}/{nodes}":
        raise CheckFailed(f"daemonset status desired/updated/available: {desired}")
    ok("daemonset status counts every node")

    must("create", "cronjob", "tick", "--image=busybox", "--schedule=*/1 * * * *", "--", "true")
    must("create", "job", "--from=cronjob/tick", "tick-manual")
    must("wait", "--for=condition=Complete", "job/tick-manual", "--timeout=60s", what="a Job made from the CronJob completes on a simulated node")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--helmctl", default=".build/debug/helmctl")
    ap.add_argument("--nodes", type=int, default=3)
    a = ap.parse_args()

    def body():
        cluster = SimulatedCluster(a.helmctl, a.nodes)
        try:
            cluster.start()
            session(cluster, a.nodes)
        finally:
            cluster.stop()

    return main_wrapper(body)


if __name__ == "__main__":
    sys.exit(main())
