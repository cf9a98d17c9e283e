#!/usr/bin/env python3
"""Workloads on real runc nodes through the real `kubectl` (issue 5 item 7): `cluster up --nodes 3`, then
Deployment create/scale/set image/rollout status/undo, `logs -f`, `exec` (scripted, `-i`, `-it` on a pty, and
refused execs answered as Kubernetes does), a StatefulSet whose PVC data survives `delete pod`, Jobs that
complete and fail, ConfigMap/Secret updates seen in mounted volumes, namespace isolation of ConfigMaps and
Secrets, Service/DNS/Ingress from another pod and from the host, a DaemonSet on 3 nodes, and that no packet
for a pod or Service address leaves through the default-route interface (an AF_PACKET capture on it).

hello.py already covers a chart's Service through the Ingress, ClusterIP from the host and DNS from a pod;
here the same paths are checked for objects made by kubectl alone. The Ingress controller listens on the
host's 127.0.0.1; pods reach it through its Service kube-system/helmctl-ingress (as k3s exposes Traefik).

Usage: scripts/cluster-e2e/workloads_real.py [--helmctl .build/debug/helmctl] [--nodes 3]
(E2E_ONLY=check1,check2 runs only those methods of Checks after the objects are created, for debugging.)
Needs root, runc and the CNI plugins; uses bridges helmctl-1..N: do not run next to podnet.py/hello.py."""

import ipaddress
import os
import pty
import select
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CheckFailed, dns_a, fetch, ok, root_cluster_main, run, wait_until  # noqa: E402
from kubectl_session import Session  # noqa: E402

# SIGTERM ends these at once (PID 1 in a container ignores signals it has no handler for).
IDLE = "trap 'exit 0' TERM; while true; do sleep 0.5; done"

# Namespaces, ConfigMaps, Secrets, pods, a StatefulSet, a DaemonSet and a failing Job; IDLE and TOKEN are
# filled in by the script.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "manifests", "workloads-real.yaml")) as f:
    OBJECTS = f.read()

# The Deployment's pods serve their own name on :8080 (httpd in the background, the shell handles TERM).
WEB_COMMAND = ("mkdir -p /www && echo web-$(hostname) > /www/index.html && httpd -p 8080 -h /www && "
               + IDLE)
# Addresses no pod or Service has: one in the Service range, one outside every node's pod CIDR, one inside
# node 1's CIDR but unassigned.
UNUSED_SERVICE_IP = "10.111.255.250"
UNUSED_POD_IPS = ["10.42.200.9", "10.42.0.250"]
CLUSTER_NETS = [ipaddress.ip_network("10.96.0.0/12"), ipaddress.ip_network("10.42.0.0/16")]


class Capture:
    """Every frame on one interface (both directions) through an AF_PACKET socket, collected on a thread;
    `hits` are the IPv4 packets and ARP requests that concern the cluster's address ranges."""

    def __init__(self, interface):
        self.interface = interface
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))  # ETH_P_ALL
        self.sock.bind((interface, 0))
        self.sock.settimeout(0.1)
        self.frames = 0
        self.hits = []
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    @staticmethod
    def concerned(address):
        ip = ipaddress.ip_address(address)
        return any(ip in net for net in CLUSTER_NETS)

    def _loop(self):
        while not self.stop_event.is_set():
            try:
                frame = self.sock.recv(65535)
            except socket.timeout:
                continue
            except OSError:
                break
            self.frames += 1
            if len(frame) < 14:
                continue
            ethertype = struct.unpack("!H", frame[12:14])[0]
            if ethertype == 0x0800 and len(frame) >= 34:
                src, dst = socket.inet_ntoa(frame[26:30]), socket.inet_ntoa(frame[30:34])
                if self.concerned(src) or self.concerned(dst):
                    self.hits.append(f"IPv4 {src} -> {dst} proto {frame[23]}")
            elif ethertype == 0x0806 and len(frame) >= 42:
                sender, target = socket.inet_ntoa(frame[28:32]), socket.inet_ntoa(frame[38:42])
                if self.concerned(sender) or self.concerned(target):
                    self.hits.append(f"ARP who-has {target} tell {sender}")

    def stop(self):
        self.stop_event.set()
        self.thread.join(timeout=5)
        self.sock.close()


def default_route_interface():
    for line in run(["ip", "-4", "route", "show", "default"]).out.splitlines():
        words = line.split()
        if "dev" in words:
            return words[words.index("dev") + 1]
    raise CheckFailed("no IPv4 default route on this machine")


def poke(address, port):
    """A UDP datagram and a TCP connection attempt (bounded) to address:port from the host."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        try:
            u.sendto(b"helmctl-leak-probe", (address, port))
        except OSError:
            pass  # unreachable is the expected answer
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
        t.settimeout(2)
        try:
            t.connect((address, port))
        except OSError:
            pass


class Checks:
    def __init__(self, cluster, nodes):
        self.cluster = cluster
        self.nodes = nodes
        self.s = Session(cluster)
        self.token = str(int(time.time() * 1000))

    # --- helpers -------------------------------------------------------------------------------------

    def pod(self, name, ns="default"):
        return self.s.get_json("pod", name, "-n", ns)

    def running(self, name, ns="default", timeout=90):
        """Waits for the pod to be Ready (kubectl wait) and returns it."""
        self.s.must("wait", "--for=condition=Ready", f"pod/{name}", "-n", ns, f"--timeout={timeout}s", timeout=timeout + 15)
        return self.pod(name, ns)

    def exec_tty(self, args, typed, timeout=30):
        """kubectl with a pseudo-terminal as stdin/stdout/stderr: types `typed`, returns (rc, output)."""
        master, slave = pty.openpty()
        p = subprocess.Popen(["kubectl", *args], stdin=slave, stdout=slave, stderr=slave, env=self.s.env,
                             start_new_session=True)
        os.close(slave)
        os.write(master, typed.encode())
        out = b""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:  # EIO: kubectl, the last holder of the terminal, is gone
                        break
                    if not chunk:
                        break
                    out += chunk
                elif p.poll() is not None:
                    break
            else:
                p.kill()
                raise CheckFailed(f"kubectl {' '.join(args)} on a terminal did not end within {timeout}s:\n{out!r}")
            return p.wait(timeout=10), out.decode(errors="replace")
        finally:
            os.close(master)

    # --- the checks ------------------------------------------------------------------------------------

    def create_everything(self):
        s = self.s
        s.must("apply", "-f", "-", stdin=OBJECTS.replace("IDLE", IDLE).replace("TOKEN", self.token))
        s.must("create", "deployment", "web", "--image=busybox", "--port=8080", "--", "sh", "-c", WEB_COMMAND)
        s.must("create", "job", "ok-job", "--image=busybox", "--", "sh", "-c", "echo job-done")
        ok("objects created (kubectl apply, create deployment, create job)")

    def deployment(self):
        s = self.s
        s.must("rollout", "status", "deployment/web", "--timeout=90s", timeout=100)
        s.must("scale", "deployment", "web", "--replicas=3")
        s.must("rollout", "status", "deployment/web", "--timeout=90s", timeout=100, contains=["successfully rolled out"])
        d = s.get_json("deployment", "web")
        s.expect_equal((d["status"].get("readyReplicas"), d["status"].get("availableReplicas")), (3, 3), "ready/available after scale")
        ok("kubectl create deployment + scale --replicas=3: rollout status reports 3 available")
        s.must("set", "image", "deployment/web", "busybox=busybox:1.36")
        s.must("rollout", "status", "deployment/web", "--timeout=120s", timeout=130, contains=["successfully rolled out"])
        images = self.web_images()
        s.expect_equal(images, {"busybox:1.36"}, "images of the web pods after set image")
        ok("set image + rollout status: every web pod runs busybox:1.36 (revision 2)")
        s.must("rollout", "undo", "deployment/web")
        s.must("rollout", "status", "deployment/web", "--timeout=120s", timeout=130, contains=["successfully rolled out"])
        s.expect_equal(self.web_images(), {"busybox"}, "images of the web pods after rollout undo")
        history = s.must("rollout", "history", "deployment/web").out
        s.expect("2 " in history and "3 " in history, f"rollout history lists revisions 2 and 3:\n{history}")
        ok("rollout undo + rollout status: back to busybox as revision 3")

    def web_images(self):
        """Images of the web pods that are not terminating, once only one template's pods are left."""
        def settled():
            pods = [p for p in self.s.get_json("pods", "-l", "app=web")["items"] if not p["metadata"].get("deletionTimestamp")]
            images = {p["spec"]["containers"][0]["image"] for p in pods}
            return images if len(pods) == 3 and len(images) == 1 else None
        return wait_until("3 web pods of one template", settled, timeout=60)

    def logs_follow(self):
        s = self.s
        s.must("run", "counter", "--image=busybox", "--restart=Never", "--command", "--", "sh", "-c",
               "sleep 2; for i in 1 2 3 4 5 6; do echo line $i; sleep 0.4; done")
        wait_until("counter Running", lambda: self.pod("counter")["status"].get("phase") == "Running", timeout=90)
        started = time.monotonic()
        p = subprocess.Popen(["kubectl", "logs", "-f", "counter"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=s.env)
        arrivals = []
        try:
            for line in p.stdout:
                arrivals.append((time.monotonic() - started, line.rstrip("\n")))
                if time.monotonic() - started > 60:
                    break
            rc = p.wait(timeout=30)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        lines = [text for _, text in arrivals]
        s.expect_equal(lines, [f"line {i}" for i in range(1, 7)], "kubectl logs -f output")
        s.expect_equal(rc, 0, "kubectl logs -f exit code once the container ended")
        spread = arrivals[-1][0] - arrivals[0][0]
        s.expect(spread >= 1.0, f"lines arrived as written (first to last {spread:.2f}s), not at once")
        ok(f"kubectl logs -f follows the container (6 lines over {spread:.1f}s) and returns when it ends")

    def exec_checks(self):
        s = self.s
        self.running("toolbox")
        r = s.kubectl("exec", "toolbox", "--", "sh", "-c", "echo to-out; echo to-err >&2; exit 3")
        s.expect(r.rc == 3 and r.out == "to-out\n" and "to-err" in r.err and "command terminated with exit code 3" in r.err,
                 "exec: stdout and stderr apart, exit code 3", r)
        ok("kubectl exec (no tty): stdout, stderr and exit code 3")
        r = s.must("exec", "-i", "toolbox", "--", "sh", "-c", "tr a-z A-Z; test -t 0 || echo no-tty", stdin="piped text\n")
        s.expect_equal(r.out, "PIPED TEXT\nno-tty\n", "exec -i output")
        ok("kubectl exec -i: stdin reaches the process (no terminal)")
        rc, out = self.exec_tty(["exec", "-it", "toolbox", "--", "sh"], "echo $((6*7)); tty; stty size; exit 5\n")
        s.expect(rc == 5 and "42" in out and "/dev/pts/" in out, f"exec -it: expected 42, a /dev/pts terminal and exit 5; rc {rc}:\n{out!r}")
        ok("kubectl exec -it on a pseudo-terminal: interactive shell on a tty, exit code 5")
        r = s.kubectl("exec", "toolbox", "--", "no-such-command")
        s.expect(r.rc == 1 and "error: Internal error occurred: error executing command in container" in r.err
                 and 'exec: "no-such-command": executable file not found in $PATH' in r.err,
                 "exec of a missing command: Kubernetes' InternalError, exit 1", r)
        ok("kubectl exec of a missing command: 'Internal error occurred: ... executable file not found', exit 1")
        self.running("listener")
        r = s.must("attach", "-i", "listener", stdin="one\ntwo\n", timeout=30)
        s.expect("got:one\ngot:two\nstdin-closed\n" in r.out, "attach -i: the lines reach the container, stdinOnce closes its stdin", r)
        s.expect_equal(wait_until("listener Succeeded", lambda: self.pod("listener")["status"].get("phase") in ("Succeeded", "Failed")
                                  and self.pod("listener")["status"]["phase"], timeout=30), "Succeeded", "listener's phase")
        ok("kubectl attach -i to a stdin: true, stdinOnce container: input delivered, end of input ends it (Succeeded)")

    def statefulset(self):
        s = self.s
        s.must("rollout", "status", "statefulset/db", "--timeout=90s", timeout=100)
        claim = s.get_json("pvc", "data-db-0")
        s.expect_equal(claim["status"].get("phase"), "Bound", "data-db-0 phase")
        value = f"persisted-{self.token}"
        s.must("exec", "db-0", "--", "sh", "-c", f"echo {value} > /data/file")
        uid = self.pod("db-0")["metadata"]["uid"]
        s.must("delete", "pod", "db-0", "--wait=false")
        wait_until("a new db-0", lambda: (lambda p: p["metadata"]["uid"] != uid and p["status"].get("phase") == "Running")(
            self.pod("db-0")) if s.kubectl("get", "pod", "db-0").rc == 0 else False, timeout=90)
        self.running("db-0")
        s.must("exec", "db-0", "--", "cat", "/data/file", contains=[value])
        ok("StatefulSet: data written on the PVC by db-0 is there in the new db-0 after kubectl delete pod")

    def jobs(self):
        s = self.s
        s.must("wait", "--for=condition=Complete", "job/ok-job", "--timeout=90s", timeout=100)
        job = s.get_json("job", "ok-job")
        s.expect_equal(job["status"].get("succeeded"), 1, "ok-job succeeded count")
        s.must("logs", "job/ok-job", contains=["job-done"])
        ok("Job ok-job: condition Complete, succeeded 1, its log")
        s.must("wait", "--for=condition=Failed", "job/bad-job", "--timeout=90s", timeout=100)
        job = s.get_json("job", "bad-job")
        failed = [c for c in job["status"].get("conditions", []) if c["type"] == "Failed"]
        s.expect(failed and failed[0].get("reason") == "BackoffLimitExceeded", f"Failed condition reason: {failed}")
        s.expect_equal(job["status"].get("failed"), 2, "bad-job failed pods (backoffLimit 1: two tries)")
        ok("Job bad-job (backoffLimit 1): two failed pods, condition Failed / BackoffLimitExceeded")

    def config_updates(self):
        s = self.s
        self.running("cfg")
        s.must("exec", "cfg", "--", "cat", "/etc/settings/color", "/etc/creds/password", contains=["red", "first-secret"])
        s.must("patch", "configmap", "settings", "-p", '{"data":{"color":"blue"}}')
        s.must("apply", "-f", "-", stdin=s.must("create", "secret", "generic", "creds", "--from-literal=password=second-secret",
                                                "--dry-run=client", "-o", "yaml").out)
        started = time.monotonic()
        wait_until("the updates in the mounted volumes", lambda: (lambda r: r.rc == 0 and r.out == "blue\nsecond-secret\n")(
            s.kubectl("exec", "cfg", "--", "sh", "-c", "cat /etc/settings/color; echo; cat /etc/creds/password; echo")), timeout=90)
        ok(f"ConfigMap (patch) and Secret (apply) updates appear in the running pod's volumes ({time.monotonic() - started:.1f}s)")

    def namespace_isolation(self):
        s = self.s
        self.running("owner", "team-a")
        s.must("exec", "-n", "team-a", "owner", "--", "cat", "/etc/private/note", "/etc/token/value",
               contains=[f"team-a-note-{self.token}", f"team-a-secret-{self.token}"])
        # The pod naming team-a's ConfigMap from team-b waits for a ConfigMap of its own namespace.
        def mount_failed():
            events = s.get_json("events", "-n", "team-b", "--field-selector", "involvedObject.name=snoop-volume")["items"]
            return [e for e in events if e.get("reason") == "FailedMount" and 'configmap "private" not found' in e.get("message", "")]
        wait_until("FailedMount for snoop-volume", mount_failed, timeout=60)
        snoop = self.pod("snoop-volume", "team-b")
        waiting = ((snoop["status"].get("containerStatuses") or [{}])[0].get("state") or {}).get("waiting", {})
        s.expect(snoop["status"].get("phase") == "Pending" and waiting.get("reason", "ContainerCreating") == "ContainerCreating",
                 f"snoop-volume stays Pending/ContainerCreating: {snoop['status']}")
        row = s.must("get", "pod", "snoop-volume", "-n", "team-b").out
        s.expect("ContainerCreating" in row, f"get pod shows ContainerCreating:\n{row}")
        # Exec into it is refused as Kubernetes refuses it: the container does not exist.
        r = s.kubectl("exec", "-n", "team-b", "snoop-volume", "--", "true")
        s.expect(r.rc == 1 and 'error: Internal error occurred: unable to upgrade connection: container not found ("c")' in r.err,
                 "exec into a container that is not running", r)
        ok('team-b pod mounting team-a\'s ConfigMap: Pending/ContainerCreating, FailedMount "configmap \\"private\\" not found"; exec refused "container not found"')
        def config_error():
            st = (self.pod("snoop-env", "team-b")["status"].get("containerStatuses") or [{}])[0].get("state", {}).get("waiting", {})
            return st if st.get("reason") == "CreateContainerConfigError" else None
        st = wait_until("snoop-env CreateContainerConfigError", config_error, timeout=60)
        s.expect('secret "token" not found' in st.get("message", ""), f"message names the missing secret: {st}")
        ok('team-b pod with env from team-a\'s Secret: CreateContainerConfigError, secret "token" not found')
        self.running("reader", "team-b")
        r = s.kubectl("exec", "-n", "team-b", "reader", "--", "sh", "-c",
                      f"grep -rls -e team-a-secret-{self.token} -e team-a-note-{self.token} / --exclude-dir=proc --exclude-dir=sys; true",
                      timeout=60)
        s.expect(r.rc == 0 and r.out.strip() == "", f"team-a's data visible in a team-b pod: {r.out!r}", r)
        ok("a running team-b pod finds none of team-a's ConfigMap or Secret data in its filesystem")

    def service_dns_ingress(self):
        s = self.s
        s.must("expose", "deployment", "web", "--port=80", "--target-port=8080")
        s.must("create", "ingress", "web", "--rule=web.e2e.test/*=web:80")
        ip = s.get_json("service", "web")["spec"]["clusterIP"]
        for target in ("web", "web.default.svc.cluster.local", ip):
            last = []

            def fetched():
                # busybox 1.35's `wget -T` crashes (Debian busybox-static; on the host too): timeout(1) bounds it.
                last[:] = [s.kubectl("exec", "toolbox", "--", "timeout", "5", "wget", "-q", "-O-", f"http://{target}/")]
                return "web-web-" in last[0].out
            try:
                wait_until(f"toolbox fetching http://{target}/", fetched, timeout=60)
            except CheckFailed as e:
                resolv = s.kubectl("exec", "toolbox", "--", "cat", "/etc/resolv.conf").out
                s.fail(f"{e}\n/etc/resolv.conf:\n{resolv}", last[0])
        ok(f"from another pod: Service web by short name, by FQDN (cluster DNS) and by ClusterIP {ip}")
        # The Ingress from a pod: through the controller's Service, by its DNS name.
        def through_ingress(host):
            return s.kubectl("exec", "toolbox", "--", "timeout", "5", "wget", "-q", "-O-", "--header", f"Host: {host}",
                             "http://helmctl-ingress.kube-system.svc.cluster.local/")
        wait_until("toolbox fetching web through the Ingress", lambda: "web-web-" in through_ingress("web.e2e.test").out, timeout=60)
        r = through_ingress("other.e2e.test")
        s.expect(r.rc != 0 and "404" in r.err, "a host without a rule is 404 through the Ingress from a pod too", r)
        ok("from another pod: the Ingress through kube-system/helmctl-ingress (Host web.e2e.test; other hosts 404)")
        wait_until("the ClusterIP from the host", lambda: "web-web-" in fetch(f"http://{ip}/")[1], timeout=60)
        dns = s.get_json("service", "kube-dns", "-n", "kube-system")["spec"]["clusterIP"]
        s.expect_equal(dns_a(dns, "web.default.svc.cluster.local"), [ip], f"the cluster DNS at {dns} queried from the host")
        s.expect_equal(dns_a(dns, "nope.default.svc.cluster.local"), [], "a Service that does not exist has no address")
        ingress = f"http://127.0.0.1:{self.cluster.ingress_port}/"
        wait_until("the Ingress from the host", lambda: "web-web-" in fetch(ingress, host="web.e2e.test")[1], timeout=60)
        s.expect_equal(fetch(ingress, host="other.e2e.test")[0], 404, "Ingress status for a host without a rule")
        ok("from the host: ClusterIP, cluster DNS and the Ingress (Host web.e2e.test; other hosts 404)")

    def daemonset(self):
        s = self.s
        s.must("rollout", "status", "daemonset/agent", "--timeout=90s", timeout=100)
        pods = s.get_json("pods", "-l", "app=agent")["items"]
        nodes = sorted(p["spec"].get("nodeName", "") for p in pods)
        s.expect_equal(nodes, [f"helmctl-node-{i}" for i in range(1, self.nodes + 1)], "DaemonSet pods' nodes")
        s.expect(all(p["status"].get("phase") == "Running" and p["status"].get("podIP", "").startswith("10.42.") for p in pods),
                 "every DaemonSet pod runs with a pod IP")
        ok(f"DaemonSet agent: one Running pod on each of the {self.nodes} real nodes")

    def nothing_leaves(self):
        s = self.s
        services = s.get_json("services", "-A")["items"]
        s.expect(all(sv["spec"].get("clusterIP") != UNUSED_SERVICE_IP for sv in services), f"{UNUSED_SERVICE_IP} is unassigned")
        # The capture itself works: it sees a datagram to 127.0.0.1 on lo.
        probe = Capture("lo")
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                def seen():
                    u.sendto(b"helmctl-capture-check", ("127.0.0.1", 9))
                    return probe.frames > 0
                wait_until("the lo capture to see a datagram", seen, timeout=5)
        finally:
            probe.stop()
        self.running("toolbox")
        interface = default_route_interface()
        capture = Capture(interface)
        # Where these packets do go (the Service range's local interface, node 1's bridge): proof that
        # they were sent at all, and that the capture would have seen them.
        local = {name: Capture(name) for name in ("helmctl-svc", "helmctl-1")}
        try:
            for address in [UNUSED_SERVICE_IP, *UNUSED_POD_IPS]:
                poke(address, 80)
                poke(address, 53)
            targets = " ".join([UNUSED_SERVICE_IP, *UNUSED_POD_IPS])
            s.kubectl("exec", "toolbox", "--", "sh", "-c",
                      f"for a in {targets}; do timeout 2 wget -q -O- http://$a/; timeout 2 nc $a 80 </dev/null; "
                      "echo x | timeout 2 nc -u $a 53; timeout 2 nslookup web $a; done; true",
                      timeout=60)
            time.sleep(1)  # frames already sent reach the capture socket
        finally:
            capture.stop()
            for c in local.values():
                c.stop()
        s.expect(not capture.hits, f"packets for cluster addresses on {interface}: {capture.hits[:10]}")
        seen = {(name, a): sum(f" {a} " in h + " " for h in c.hits) for name, c in local.items()
                for a in [UNUSED_SERVICE_IP, *UNUSED_POD_IPS]}
        s.expect(seen[("helmctl-svc", UNUSED_SERVICE_IP)] and seen[("helmctl-1", UNUSED_POD_IPS[1])],
                 f"the probes seen where they belong: {seen}")
        ok(f"no packet for 10.96.0.0/12 or 10.42.0.0/16 on {interface} ({capture.frames} frames there in all) while the "
           f"host and a pod sent to {UNUSED_SERVICE_IP} and {', '.join(UNUSED_POD_IPS)}; the same capture saw them on the "
           f"cluster's own interfaces: {', '.join(f'{a} on {n}: {k}' for (n, a), k in seen.items() if k)}")


def check(cluster, args):
    started = time.monotonic()
    c = Checks(cluster, args.nodes)
    c.create_everything()
    if os.environ.get("E2E_ONLY"):
        for name in os.environ["E2E_ONLY"].split(","):
            getattr(c, name)()
        return None
    c.exec_checks()
    c.deployment()
    c.daemonset()
    c.statefulset()
    c.jobs()
    c.config_updates()
    c.namespace_isolation()
    c.service_dns_ingress()
    c.logs_follow()
    c.nothing_leaves()
    return lambda: print(f"workloads on real nodes: all checks passed in {time.monotonic() - started:.0f}s", flush=True)


def main():
    return root_cluster_main(__doc__, check, nodes=lambda args: args.nodes,
                             options=lambda parser: parser.add_argument("--nodes", type=int, default=3))


if __name__ == "__main__":
    sys.exit(main())
