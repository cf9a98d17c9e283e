#!/usr/bin/env python3
"""Kubelet restart mid-flight with the real kubectl (issue 5 item 7): the cluster process (API server and
kubelet) is killed with SIGKILL while a pod runs and a Deployment's pods are being started, and `cluster
up` starts it again on the same data directory. As with k3s, whose pods keep running across a restart,
the kubelet re-adopts the running container: same container id and process, restartCount 0, same pod IP,
and `kubectl logs` goes on in the same log; `kubectl logs --timestamps` prefixes each line with its time.
The interrupted rollout completes with one container per pod: no duplicate, no orphan. `cluster down`
then removes everything.

Usage: scripts/cluster-e2e/restart.py [--helmctl .build/debug/helmctl]   (needs root, runc, the CNI plugins)
Uses bridge helmctl-1 and pod CIDR 10.42.0.0/24: do not run it beside another cluster with nodes."""

import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CheckFailed, ok, root_cluster_main, run, wait_until  # noqa: E402
from kubectl_session import Session  # noqa: E402


def check(cluster, args):
    s = Session(cluster)
    s.must("run", "ticker", "--image=busybox", "--restart=Always", "--command", "--",
           "sh", "-c", "i=0; while true; i=$((i+1)); do echo tick $i; sleep 0.2; done")

    def running():
        p = s.get_json("pod", "ticker")
        st = (p["status"].get("containerStatuses") or [{}])[0]
        return p if p["status"].get("phase") == "Running" and "running" in st.get("state", {}) else None

    before = wait_until("pod ticker Running", running, timeout=90)
    cs = before["status"]["containerStatuses"][0]
    container_id = cs["containerID"].split("//", 1)[1]
    runc_state = os.path.join(cluster.data_dir, "runtime", "runc-state")
    state = run(["runc", "--root", runc_state, "state", container_id]).json()
    wait_until("a few ticks in the log", lambda: "tick 3\n" in s.kubectl("logs", "ticker").out, timeout=30)

    # A rollout in flight: killed once its pods exist, before they all run.
    s.must("create", "deployment", "burst", "--image=busybox", "--replicas=4", "--", "sh", "-c",
           "trap 'exit 0' TERM; while true; do sleep 0.5; done")
    wait_until("burst's pods created", lambda: len(s.get_json("pods", "-l", "app=burst")["items"]) >= 1, timeout=30, interval=0.05)
    with open(os.path.join(cluster.data_dir, "cluster.pid")) as f:
        pid = int(f.read().strip())
    os.kill(pid, signal.SIGKILL)
    wait_until("the cluster process gone", lambda: not os.path.exists(f"/proc/{pid}") or
               open(f"/proc/{pid}/stat").read().split(")")[-1].split()[0] == "Z", timeout=30)
    still = run(["runc", "--root", runc_state, "state", container_id]).json()
    s.expect(still.get("status") == "running" and still.get("pid") == state.get("pid"),
             "the container runs on while the cluster process is down")
    up = run([args.helmctl, "cluster", "up", "--data-dir", cluster.data_dir, "--listen", f"127.0.0.1:{cluster.port}",
              "--ingress-listen", f"127.0.0.1:{cluster.ingress_port}", "--nodes", "1"], timeout=120)
    s.expect(up.rc == 0, "cluster up again on the same data directory", up)

    def settled():
        p = running()
        return p if p and p["status"].get("conditions") and all(
            c["status"] == "True" for c in p["status"]["conditions"] if c["type"] in ("Ready", "ContainersReady")) else None

    after = wait_until("pod ticker Running and Ready after the restart", settled, timeout=90)
    time.sleep(2)  # several kubelet sync passes: a kubelet that restarts containers would have done so
    after = s.get_json("pod", "ticker")
    acs = after["status"]["containerStatuses"][0]
    s.expect_equal((acs["containerID"], acs["restartCount"], acs["state"]["running"]["startedAt"], after["status"].get("podIP")),
                   (cs["containerID"], 0, cs["state"]["running"]["startedAt"], before["status"].get("podIP")),
                   "same container id, restart count, start time and pod IP")
    again = run(["runc", "--root", runc_state, "state", container_id]).json()
    s.expect(again.get("pid") == state.get("pid"), "the same container process runs")
    ok("after kill -9 and cluster up, the kubelet re-adopted the running container")
    s.must("rollout", "status", "deployment/burst", "--timeout=90s", timeout=100)
    burst = s.get_json("pods", "-l", "app=burst")["items"]
    s.expect(len(burst) == 4 and all(p["status"].get("phase") == "Running" for p in burst), "burst: 4 Running pods after the restart")
    ids = {container_id} | {p["status"]["containerStatuses"][0]["containerID"].split("//", 1)[1] for p in burst}
    listed = run(["runc", "--root", runc_state, "list", "-q"]).out.split()
    s.expect_equal(sorted(listed), sorted(ids), "the node's containers: exactly one per pod container, no duplicate, no orphan")
    ok("the rollout killed mid-flight completed: 4 Running pods, one container each, nothing else on the node")

    first = s.kubectl("logs", "ticker").out
    s.expect(first.startswith("tick 1\n"), f"the log starts at the first line: {first[:200]!r}")
    wait_until("the log goes on", lambda: (lambda t: len(t) > len(first) and t.startswith(first))(s.kubectl("logs", "ticker").out),
               timeout=30)
    stamped = s.must("logs", "ticker", "--timestamps", "--tail=3").out.splitlines()
    s.expect(len(stamped) == 3 and all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z tick \d+$", l) for l in stamped),
             "kubectl logs --timestamps --tail=3:\n" + "\n".join(stamped))
    recent = s.must("logs", "ticker", "--since=2s").out.splitlines()
    s.expect(0 < len(recent) < 20, f"kubectl logs --since=2s gives the last seconds only ({len(recent)} lines)")
    ok("kubectl logs goes on in the same log; --timestamps and --since work")

    def when_down():
        links = run(["ip", "-o", "link", "show"]).out
        netns = run(["ip", "netns", "list"]).out
        left = run(["runc", "--root", os.path.join(cluster.data_dir, "runtime", "runc-state"), "list", "-q"]).out.split()
        if "helmctl-1" in links or "helmctl-po" in netns or left:
            raise CheckFailed(f"cluster down left something: links={'helmctl-1' in links} netns={netns!r} containers={left}")
        ok("cluster down removed the containers, namespaces and bridge")
        print("kubelet restart: all checks passed", flush=True)

    return when_down


def main():
    return root_cluster_main(__doc__, check)


if __name__ == "__main__":
    sys.exit(main())
