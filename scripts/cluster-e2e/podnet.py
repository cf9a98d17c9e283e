#!/usr/bin/env python3
"""Pod networking with the real kubectl (issue 5 items 5-6): `cluster up --nodes 2` runs two kubelets,
each with its own bridge and pod CIDR; `kubectl get pods -o wide` shows every pod's IP and node; a pod on
node 1 fetches from a busybox httpd on node 2 by pod IP; after `kill -9` of the cluster, `cluster down`
removes every container, cgroup, volume mount, network namespace, bridge, policy rule and route it had made.

Usage: scripts/cluster-e2e/podnet.py [--helmctl .build/debug/helmctl]   (needs root, runc, the CNI plugins)
Bridges are named helmctl-1 and helmctl-2, pod CIDRs 10.42.0.0/24 and 10.42.1.0/24: do not run two at once."""

import glob
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ok, root_cluster_main, run, wait_until  # noqa: E402
from kubectl_session import Session  # noqa: E402


def host_network():
    links = run(["ip", "-o", "link", "show"]).out
    netns = run(["ip", "netns", "list"]).out
    rules = run(["ip", "rule", "list"]).out
    routes = run(["ip", "route", "show", "type", "unreachable"]).out
    return links, netns, rules, routes


VOLUME_POD = """apiVersion: v1
kind: Pod
metadata: {name: vols}
spec:
  nodeName: helmctl-node-1
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 0.5; done"]
    volumeMounts: [{name: creds, mountPath: /creds}, {name: scratch, mountPath: /scratch}]
  volumes:
  - {name: creds, secret: {secretName: creds}}
  - {name: scratch, emptyDir: {medium: Memory}}
"""


def containers(cluster):
    """The runc containers of both nodes."""
    return [c for root in ("runtime", "runtime-2")
            for c in run(["runc", "--root", os.path.join(cluster.data_dir, root, "runc-state"), "list", "-q"]).out.split()]


def container_cgroups(container_id):
    """The cgroup directories of a container (`helmctl/<id>` in each hierarchy, v1 or v2)."""
    return [p for p in glob.glob("/sys/fs/cgroup/*/helmctl/" + container_id) + glob.glob("/sys/fs/cgroup/helmctl/" + container_id)
            if os.path.isdir(p)]


def data_dir_mounts(cluster):
    """Mount points under the cluster's data directory other than containers' root file systems."""
    root = os.path.realpath(cluster.data_dir) + "/"
    with open("/proc/self/mountinfo") as f:
        points = [line.split()[4] for line in f]
    return [p for p in points if p.startswith(root) and "/kubelet-pods/" in p]


def pod_on(name, node, script):
    return ["run", name, "--image=busybox", "--restart=Never",
            f'--overrides={{"spec":{{"nodeName":"{node}","terminationGracePeriodSeconds":1}}}}',
            "--command", "--", "sh", "-c", script]


def check(cluster, args):
    s = Session(cluster)
    nodes = s.get_json("nodes")["items"]
    cidrs = {n["metadata"]["name"]: n["spec"].get("podCIDR") for n in nodes}
    s.expect_equal(cidrs, {"helmctl-node-1": "10.42.0.0/24", "helmctl-node-2": "10.42.1.0/24"}, "nodes and pod CIDRs")
    ok("two nodes, each with its own pod CIDR")
    s.must(*pod_on("web", "helmctl-node-2",
                   "mkdir -p /www && echo hello-from-node-2 > /www/index.html && exec httpd -f -p 8080 -h /www"))
    web_ip = wait_until("pod web Running with an IP", lambda: (lambda p: p["status"].get("podIP")
                      if p["status"].get("phase") == "Running" else None)(s.get_json("pod", "web")), timeout=90)
    s.expect(web_ip.startswith("10.42.1."), f"web's IP {web_ip} is in node 2's CIDR")
    s.must(*pod_on("client", "helmctl-node-1",
                   f"until wget -q -O - http://{web_ip}:8080/; do sleep 0.3; done; sleep 3600"))
    wait_until("client fetching from web", lambda: "hello-from-node-2" in s.kubectl("logs", "client").out, timeout=90)
    ok(f"a pod on node 1 fetched from a pod on node 2 ({web_ip})")
    wide = s.must("get", "pods", "-o", "wide")
    rows = {line.split()[0]: line.split() for line in wide.out.splitlines()[1:]}
    header = wide.out.splitlines()[0].split()
    s.expect("IP" in header and "NODE" in header, "get pods -o wide has IP and NODE columns", wide)
    s.expect_equal((rows["web"][header.index("IP")], rows["web"][header.index("NODE")]), (web_ip, "helmctl-node-2"),
                   "web's IP and node in get pods -o wide")
    s.expect(rows["client"][header.index("IP")].startswith("10.42.0.") and rows["client"][header.index("NODE")] == "helmctl-node-1",
             "client's IP and node in get pods -o wide", wide)
    ok("get pods -o wide shows each pod's IP and node")
    # A pod with tmpfs volumes (a Secret and a memory emptyDir): its mounts must go with `cluster down` too.
    s.must("create", "secret", "generic", "creds", "--from-literal=token=t0")
    s.must("apply", "-f", "-", stdin=VOLUME_POD)
    wait_until("pod vols Running", lambda: s.get_json("pod", "vols")["status"].get("phase") == "Running", timeout=90)
    s.expect(len(data_dir_mounts(cluster)) >= 2, f"the volume pod's tmpfs mounts exist: {data_dir_mounts(cluster)}")
    links, netns, rules, routes = host_network()
    s.expect("helmctl-1" in links and "helmctl-2" in links and netns.count("helmctl-pod-") + netns.count("helmctl-pool-") >= 2,
             "bridges and namespaces exist (pods' own or taken from the sandbox pool)")

    ids = containers(cluster)
    s.expect(len(ids) >= 3 and all(container_cgroups(i) for i in ids), f"each container has its cgroups: {ids}")
    # kill -9: nothing is torn down by the cluster; `cluster down` must do it from the data directory.
    with open(os.path.join(cluster.data_dir, "cluster.pid")) as f:
        os.kill(int(f.read().strip()), signal.SIGKILL)
    time.sleep(0.5)
    down = run([cluster.helmctl, "cluster", "down", "--data-dir", cluster.data_dir], timeout=120)
    s.expect(down.rc == 0 and "removed leftover bridge helmctl-1" in down.out, "cluster down removes the leftovers", down)
    links, netns, rules, routes = host_network()
    s.expect("helmctl-" not in links, f"no helmctl link left:\n{links}")
    s.expect("helmctl-pod-" not in netns, f"no helmctl network namespace left:\n{netns}")
    s.expect("iif helmctl-" not in rules, f"no helmctl policy rule left:\n{rules}")
    s.expect("10.42.0.0/16" not in routes, f"no cluster route left:\n{routes}")
    left = containers(cluster)
    s.expect(not left, f"no container left: {left}")
    cgroups = [g for i in ids for g in container_cgroups(i)]
    s.expect(not cgroups, f"no container cgroup left: {cgroups}")
    s.expect(not data_dir_mounts(cluster), f"no mount left under the data directory: {data_dir_mounts(cluster)}")
    s.expect("removed leftover mount " in down.out, "cluster down names the mounts it removed", down)
    ok("after kill -9, cluster down removed every container, cgroup, volume mount, namespace, veth, bridge, rule and route")

    return lambda: print("pod network: all checks passed", flush=True)


def main():
    return root_cluster_main(__doc__, check, nodes=2, need="pod networking")


if __name__ == "__main__":
    sys.exit(main())
