#!/usr/bin/env python3
"""Release waiting end to end (issue 6): `--wait` (watcher and legacy), `--wait-for-jobs`, the timeout
that names the blocking resource and why (an image that cannot be pulled), `--rollback-on-failure`,
uninstall `--wait`, `status --watch` without a terminal, and helmctl killed (SIGKILL) mid-upgrade:
the next upgrade names the pending release and the way out, and `rollback` recovers.

Runs real busybox pods on the bundled cluster (`cluster up --nodes 1`).
Usage: wait.py [--helmctl .build/debug/helmctl]
Only 127.0.0.1; the cluster is stopped with `cluster down` and every temp dir removed in `finally`.
"""
import argparse, json, os, shutil, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from releases import API, FAILS, PASSES, check, free_port, release_secret  # noqa: E402


def release(api, ns, name, rev):
    return release_secret(api, ns, name, rev)[1]

CHART = {
    "Chart.yaml": "apiVersion: v2\nname: waitapp\nversion: 0.1.0\n",
    "values.yaml": "replicas: 2\nimage: busybox\njob: false\n",
    "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n  k: v\n",
    "templates/svc.yaml": ("apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-svc\nspec:\n"
                           "  selector:\n    app: {{ .Release.Name }}\n  ports:\n  - port: 80\n"),
    "templates/deploy.yaml": ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n"
                              "  replicas: {{ .Values.replicas }}\n  selector:\n    matchLabels:\n      app: {{ .Release.Name }}\n"
                              "  template:\n    metadata:\n      labels:\n        app: {{ .Release.Name }}\n    spec:\n"
                              "      terminationGracePeriodSeconds: 1\n"
                              "      containers:\n      - name: web\n        image: {{ .Values.image }}\n"
                              "        command: [sleep, \"3600\"]\n"),
    "templates/job.yaml": ("{{- if .Values.job }}\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-job\n"
                           "spec:\n  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n"
                           "      - name: j\n        image: busybox\n        command: [sh, -c, \"sleep 2\"]\n{{- end }}\n"),
}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--helmctl", default=".build/debug/helmctl")
    args = ap.parse_args()
    helmctl = os.path.abspath(args.helmctl)
    d = tempfile.mkdtemp(prefix="helmctl-wait-")
    chart = os.path.join(d, "waitapp")
    for rel, text in CHART.items():
        os.makedirs(os.path.dirname(os.path.join(chart, rel)), exist_ok=True)
        open(os.path.join(chart, rel), "w").write(text)
    data = os.path.join(d, "cluster")
    port = free_port()
    env = dict(os.environ, KUBECONFIG=os.path.join(data, "kubeconfig"), HELM_DRIVER="secret")
    env.pop("HELM_NAMESPACE", None)
    ns = "default"

    def hc(*a):
        t = time.time()
        p = subprocess.run([helmctl, *a], capture_output=True, text=True, env=env)
        p.seconds = time.time() - t
        return p

    try:
        up = subprocess.run([helmctl, "cluster", "up", "--data-dir", data, "--listen", f"127.0.0.1:{port}", "--nodes", "1"],
                            capture_output=True, text=True)
        if up.returncode != 0:
            # (Only one cluster with --nodes can run per host: the node bridge name is host-global.)
            sys.exit(f"cluster up failed ({up.returncode}): {up.stderr.strip()[-2000:]}")
        api = API(data, port)

        # 1. install --wait (watcher): returns once both pods are Ready
        p = hc("install", "w1", chart, "--wait", "--timeout", "2m")
        check(p.returncode == 0 and "STATUS: deployed" in p.stdout, f"install --wait succeeds: {p.stderr.strip()[-300:]}")
        dep = api.get(f"/apis/apps/v1/namespaces/{ns}/deployments/w1-web") or {}
        check(dep.get("status", {}).get("readyReplicas") == 2, "pods are Ready when install --wait returns")
        check("wait: Deployment default/w1-web: ready" in p.stderr and "wait: 3/3 resources ready after" in p.stderr,
              f"progress lines on a non-terminal stderr: {p.stderr.strip()[-300:]!r}")

        # 2. a pod whose image cannot be pulled: the timeout names the Deployment and the pull error
        p = hc("upgrade", "w1", chart, "--wait", "--timeout", "15s", "--set", "image=nosuch:1")
        check(p.returncode == 1 and "UPGRADE FAILED: resource not ready, name: w1-web, kind: Deployment" in p.stderr
              and ("ImagePullBackOff" in p.stderr or "ErrImagePull" in p.stderr) and "context deadline exceeded" in p.stderr,
              f"--wait timeout names the resource and why: {p.stderr.strip()[-600:]}")
        r2 = release(api, ns, "w1", 2) or {}
        check(r2.get("info", {}).get("status") == "failed", "the timed-out revision is recorded failed")

        # 3. --rollback-on-failure (implies --wait=watcher) restores the previous revision
        p = hc("upgrade", "w1", chart, "--rollback-on-failure", "--timeout", "15s", "--set", "image=nosuch:2")
        check(p.returncode == 1 and "has been rolled back due to rollback-on-failure" in p.stderr
              and ("ImagePullBackOff" in p.stderr or "ErrImagePull" in p.stderr),
              f"--rollback-on-failure rolls back: {p.stderr.strip()[-300:]}")
        p = hc("history", "w1", "-o", "json")
        h = json.loads(p.stdout) if p.returncode == 0 else []
        check([(x["revision"], x["status"]) for x in h][-2:] == [(3, "failed"), (4, "deployed")]
              and h[-1]["description"] == "Rollback to 1", f"history after rollback: {[(x['revision'], x['status']) for x in h]}")
        dep = api.get(f"/apis/apps/v1/namespaces/{ns}/deployments/w1-web") or {}
        image = dep.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [{}])[0].get("image")
        check(image == "busybox", f"deployment back on revision 1's image: {image}")
        p = hc("upgrade", "w1", chart, "--wait", "--timeout", "2m", "--set", "replicas=1")
        check(p.returncode == 0, f"upgrade --wait after the rollback: {p.stderr.strip()[-300:]}")

        # 4. --wait=legacy and --wait-for-jobs with a Job that completes
        p = hc("install", "w2", chart, "--wait=legacy", "--wait-for-jobs", "--timeout", "2m", "--set", "job=true,replicas=1")
        job = api.get(f"/apis/batch/v1/namespaces/{ns}/jobs/w2-job") or {}
        check(p.returncode == 0 and job.get("status", {}).get("succeeded") == 1,
              f"--wait=legacy --wait-for-jobs returns after the Job completed: {p.stderr.strip()[-300:]}")
        p = hc("install", "w3", chart, "--wait=legacy", "--timeout", "8s", "--set", "image=nosuch:3,replicas=1")
        check(p.returncode == 1 and "kind: Deployment" in p.stderr and "timed out waiting for the condition" in p.stderr,
              f"legacy timeout wording: {p.stderr.strip()[-300:]}")

        # 5. status --watch without a terminal: a line per change until interrupted
        # Ctrl-C at a terminal: SIGINT with its default action, also when this script runs as a
        # background job of a non-interactive shell (which starts it with SIGINT ignored, inherited).
        w = subprocess.Popen([helmctl, "status", "w1", "--watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        time.sleep(4)
        w.send_signal(signal.SIGINT)
        try:
            out, err = w.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            w.kill()  # the check below then fails and says so
            out, err = w.communicate()
            err += "\n(status --watch did not end on SIGINT)"
        check("STATUS: deployed" in out and "watch: Deployment default/w1-web: ready" in err and "watch: pod default/w1-web-" in err,
              f"status --watch lists resources and pods: {err.strip()[-300:]!r}")

        # 6. SIGKILL mid-upgrade leaves pending-upgrade; upgrade names it and the way out; rollback recovers
        k = subprocess.Popen([helmctl, "upgrade", "w1", chart, "--wait", "--timeout", "2m", "--set", "image=nosuch:4"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        pending = None
        for _ in range(100):
            rel = release(api, ns, "w1", 6)
            if rel and rel["info"]["status"] == "pending-upgrade":
                pending = rel; break
            time.sleep(0.1)
        time.sleep(1)
        k.send_signal(signal.SIGKILL); k.wait()
        check(pending is not None, "upgrade in flight wrote revision 6 pending-upgrade")
        p = hc("upgrade", "w1", chart)
        check(p.returncode == 1 and p.stderr.startswith("Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n")
              and "helmctl rollback w1" in p.stderr, f"the next upgrade names the pending release and the way out: {p.stderr.strip()}")
        p = hc("rollback", "w1", "--wait", "--timeout", "2m")
        check(p.returncode == 0 and "Rollback was a success" in p.stdout, f"rollback recovers: {p.stderr.strip()[-300:]}")
        r6, r7 = release(api, ns, "w1", 6) or {}, release(api, ns, "w1", 7) or {}
        check(r6.get("info", {}).get("status") == "failed" and r7.get("info", {}).get("status") == "deployed",
              "the interrupted revision is marked failed, the rollback deployed")
        p = hc("upgrade", "w1", chart, "--wait", "--timeout", "2m")
        check(p.returncode == 0, "upgrades work again after the recovery")

        # 7. uninstall --wait returns once the objects are gone
        p = hc("uninstall", "w1", "--wait", "--timeout", "1m")
        gone = api.get(f"/apis/apps/v1/namespaces/{ns}/deployments/w1-web") is None \
            and api.get(f"/api/v1/namespaces/{ns}/services/w1-svc") is None
        check(p.returncode == 0 and gone, f"uninstall --wait: objects gone on return: {p.stderr.strip()[-300:]}")
        pods = (api.get(f"/api/v1/namespaces/{ns}/pods") or {}).get("items", [])
        check(not [x for x in pods if x["metadata"]["name"].startswith("w1-web-")],
              "uninstall --wait: the Deployment's pods are gone on return too")
        check("wait: pod default/w1-web-" in p.stderr and ": gone" in p.stderr,
              f"uninstall --wait shows the pods going away: {p.stderr.strip()[-400:]!r}")
    finally:
        subprocess.run([helmctl, "cluster", "down", "--data-dir", data], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)
    print(f"{PASSES[0]} passed, {len(FAILS)} failed")
    if FAILS:
        sys.exit(1)

if __name__ == "__main__":
    main()
