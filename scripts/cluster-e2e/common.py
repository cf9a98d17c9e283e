"""Shared plumbing for the cluster end-to-end scripts: free ports, a throwaway cluster (and etcd), and a
command runner whose checks print one line each and stop the run on the first failure.

Python 3 standard library only. Only 127.0.0.1 is ever used."""

import argparse
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


class CheckFailed(Exception):
    """A check did not hold; the message says which command, and what it printed."""


class Result:
    """What one command did."""

    def __init__(self, argv, rc, out, err):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err

    def describe(self):
        return (f"command: {' '.join(self.argv)}\nexit code: {self.rc}\n"
                f"--- stdout ---\n{self.out}\n--- stderr ---\n{self.err}")

    def json(self):
        try:
            return json.loads(self.out)
        except ValueError as e:
            raise CheckFailed(f"output is not JSON ({e})\n{self.describe()}")


def free_port():
    """A port on 127.0.0.1 that was free a moment ago (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ok(message):
    print(f"ok   {message}", flush=True)


class Etcd:
    """A single-member etcd on free 127.0.0.1 ports with its own data directory; stopped by pid."""

    def __init__(self, binary, workdir):
        self.binary = binary
        self.data = os.path.join(workdir, "etcd-data")
        self.client_port = free_port()
        self.peer_port = free_port()
        self.url = f"http://127.0.0.1:{self.client_port}"
        self.proc = None
        self.log_path = os.path.join(workdir, "etcd.log")

    def start(self, timeout=30):
        peer = f"http://127.0.0.1:{self.peer_port}"
        argv = [self.binary, "--name", "e2e", "--data-dir", self.data,
                "--listen-client-urls", self.url, "--advertise-client-urls", self.url,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", f"e2e={peer}", "--initial-cluster-state", "new"]
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CheckFailed(f"etcd exited with {self.proc.returncode}:\n{self._tail()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if json.loads(r.read()).get("health") == "true":
                        ok(f"etcd {self.url} is healthy (pid {self.proc.pid})")
                        return
            except (OSError, ValueError):
                pass
            time.sleep(0.2)
        raise CheckFailed(f"etcd did not become healthy within {timeout}s:\n{self._tail()}")

    def _tail(self):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Cluster:
    """`helmctl cluster up` in a temp data directory on a free port; `down` and clean-up in stop()."""

    def __init__(self, helmctl, store="sqlite", etcd_binary="/usr/bin/etcd", nodes=0):
        self.nodes = nodes
        self.helmctl = os.path.abspath(helmctl)
        if not os.access(self.helmctl, os.X_OK):
            raise CheckFailed(f"no helmctl executable at {self.helmctl} (build it: swift build --product helmctl)")
        self.store = store
        self.workdir = tempfile.mkdtemp(prefix="helmctl-e2e-")
        self.data_dir = os.path.join(self.workdir, "cluster")
        self.home = os.path.join(self.workdir, "home")
        os.makedirs(self.home)
        self.etcd = Etcd(etcd_binary, self.workdir) if store == "etcd" else None
        self.port = None
        self.ingress_port = None
        self.started = False

    @property
    def kubeconfig(self):
        return os.path.join(self.data_dir, "kubeconfig")

    def env(self):
        """The environment for clients: this cluster's kubeconfig, a fresh HOME and kubectl cache."""
        env = dict(os.environ)
        env.update(KUBECONFIG=self.kubeconfig, HOME=self.home,
                   KUBECACHEDIR=os.path.join(self.home, ".kube", "cache"))
        env.pop("KUBECTL_EXTERNAL_DIFF", None)
        return env

    def start(self):
        if self.etcd:
            self.etcd.start()
        self.port = free_port()
        # The Ingress controller on a free port too (not the default 8080, which may be taken).
        self.ingress_port = free_port()
        argv = [self.helmctl, "cluster", "up", "--data-dir", self.data_dir, "--listen", f"127.0.0.1:{self.port}",
                "--ingress-listen", f"127.0.0.1:{self.ingress_port}"]
        if self.etcd:
            argv += ["--store", "etcd", "--etcd-endpoints", self.etcd.url]
        if self.nodes is not None:  # None: cluster up's default (one node where containers can run)
            argv += ["--nodes", str(self.nodes)]
        self.started = True
        r = run(argv, timeout=120)
        if r.rc != 0:
            raise CheckFailed(f"cluster up failed\n{r.describe()}\n--- cluster.log ---\n{self.log_tail()}")
        if not os.path.exists(self.kubeconfig):
            raise CheckFailed(f"cluster up did not write {self.kubeconfig}\n{r.describe()}")
        ok(f"cluster up ({self.store}) on 127.0.0.1:{self.port}")

    def api(self, method, path, body=None, content_type="application/json"):
        """One request straight to the API server (CA from pki/ca.crt, the admin bearer token); returns
        (status, parsed JSON or text). For steps that must not depend on the installed kubectl's version."""
        ctx = ssl.create_default_context(cafile=os.path.join(self.data_dir, "pki", "ca.crt"))
        with open(os.path.join(self.data_dir, "pki", "admin.token")) as f:
            token = f.read().strip()
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"https://127.0.0.1:{self.port}{path}", data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": content_type,
                                              "Accept": "application/json"})
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode(errors="replace")
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def log_tail(self, limit=6000):
        try:
            with open(os.path.join(self.data_dir, "cluster.log"), "r", errors="replace") as f:
                return f.read()[-limit:]
        except OSError:
            return "(no cluster.log)"

    def stop(self):
        """Always safe to call: stops the cluster and etcd if they run, removes the temp directory."""
        try:
            if self.started:
                r = run([self.helmctl, "cluster", "down", "--data-dir", self.data_dir], timeout=60)
                if r.rc != 0:
                    print(f"warning: cluster down failed\n{r.describe()}", file=sys.stderr)
        finally:
            try:
                if self.etcd:
                    self.etcd.stop()
            finally:
                shutil.rmtree(self.workdir, ignore_errors=True)


def run(argv, stdin=None, timeout=60, env=None):
    """Run argv to completion (bounded by timeout) and return a Result."""
    try:
        p = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        raise CheckFailed(f"timed out after {timeout}s\n{Result(argv, None, out, err).describe()}")
    return Result(argv, p.returncode, p.stdout, p.stderr)


def wait_until(what, check, timeout=60, interval=0.5):
    """Polls check() until it returns something truthy and returns that; CheckFailed after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise CheckFailed(f"timed out after {timeout}s waiting for {what}")


def main_wrapper(body):
    """Run body(); print FAIL with the message and return 1 on a failed check."""
    try:
        body()
    except CheckFailed as e:
        print(f"FAIL {e}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("FAIL interrupted", file=sys.stderr)
        return 130
    return 0


def root_cluster_main(doc, check, nodes=1, need="running pods", options=None):
    """The frame of the checks that run real containers: a --helmctl flag (plus what `options(parser)`
    adds), root required, one cluster started for `check(cluster, args)` and always stopped. `nodes` is a
    count or a function of the parsed args. `check` may return a callable, run once the cluster is down
    (checks of what `cluster down` removed, final messages). Returns the process exit code."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--helmctl", default=".build/debug/helmctl")
    if options:
        options(parser)
    args = parser.parse_args()

    def body():
        if os.geteuid() != 0:
            raise CheckFailed(f"{need} needs root")
        cluster = Cluster(args.helmctl, nodes=nodes(args) if callable(nodes) else nodes)
        try:
            cluster.start()
            after = check(cluster, args)
        finally:
            cluster.stop()
        if after:
            after()

    return main_wrapper(body)


def fetch(url, host=None, timeout=5):
    """(status, body) of a GET; status 0 when the connection fails."""
    req = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e)


def dns_a(server, name, timeout=3):
    """The IPv4 addresses in the answer of one A query for `name` sent over UDP to `server`:53 (a
    cluster DNS address held on this machine); [] when the name does not exist or nothing answers."""
    import random, socket, struct
    ident = random.randrange(1 << 16)
    question = b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split(".")) + b"\0"
    query = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + question + struct.pack("!HH", 1, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.sendto(query, (server, 53))
            reply = s.recv(4096)
        except OSError:
            return []
    rid, flags, qd, an, _, _ = struct.unpack("!HHHHHH", reply[:12])
    if rid != ident or flags & 0x000F:
        return []
    pos = 12 + len(question) + 4  # the question echoed back
    addresses = []
    for _ in range(an):
        if reply[pos] & 0xC0 == 0xC0:  # a compressed name
            pos += 2
        else:
            while reply[pos]: pos += reply[pos] + 1
            pos += 1
        rtype, _, _, length = struct.unpack("!HHIH", reply[pos:pos + 10])
        pos += 10
        if rtype == 1 and length == 4:
            addresses.append(".".join(str(b) for b in reply[pos:pos + 4]))
        pos += length
    return addresses
