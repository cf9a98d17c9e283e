"""Writes expected/NAME.txt for every chart folder in charts/ and every case in cases.txt from the real Helm v4.2.3 library
(helm-python-sdk 0.2.2's lint call), formatted as pkg/cmd/lint.go prints (stdout, then
`Error: SUMMARY` when a chart failed). Absolute paths of this folder read <FIXTURES>.
Run: PYTHON oracle.py [--check]; --check compares instead of writing and exits 1 on a difference."""
import os, sys, helm_python

check = "--check" in sys.argv
differences = []

here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(here, "expected"), exist_ok=True)

def subcharts(p):
    out = []
    root = os.path.normpath(os.path.join(p, "charts"))
    def walk(path, name):
        if not os.path.lexists(path): return
        if name == "Chart.yaml": out.append(os.path.dirname(path))
        elif path.endswith(".tgz") or path.endswith(".tar.gz"): out.append(path)
        if os.path.isdir(path) and not os.path.islink(path):
            for n in sorted(os.listdir(path)): walk(path + "/" + n, n)
    walk(root, os.path.basename(root))
    return out

cases = [(n, n) for n in sorted(os.listdir(os.path.join(here, "charts")))]
for line in open(os.path.join(here, "cases.txt")):
    line = line.strip()
    if not line or line.startswith("#"): continue
    cases.append(tuple(x.strip() for x in line.split("|")))
for name, args in cases:
    paths, opts, values, ns, kube = [], set(), {}, "default", None
    for a in args.split():
        if a.startswith("--set="):
            # Helm's own --set parser, merged left to right as `helm lint --set a --set b` does.
            def merge(dst, src):
                for k, v in src.items():
                    if isinstance(v, dict) and isinstance(dst.get(k), dict): merge(dst[k], v)
                    else: dst[k] = v
            merge(values, helm_python.parse_set_string(a[len("--set="):]))
        elif a.startswith("--namespace="): ns = a.split("=", 1)[1]
        elif a.startswith("--kube-version="): kube = a.split("=", 1)[1]
        elif a.startswith("--"): opts.add(a[2:])
        else: paths.append(os.path.join(here, "charts", a))
    if "with-subcharts" in opts:
        for p in list(paths): paths += subcharts(p)
    quiet = "quiet" in opts
    out, failed, noisy = "", 0, 0
    for p in paths:
        kw = dict(strict="strict" in opts, namespace=ns)
        if kube: kw["kube_version"] = kube
        if "skip-schema-validation" in opts: kw["skip_schema_validation"] = True
        r = helm_python.lint(p, values or None, **kw)
        has = any(m["severity"] > 1 for m in r["messages"])
        if has: noisy += 1
        if quiet and not has: continue
        out += "==> Linting %s\n" % p
        if not r["messages"]:
            for e in r["errors"]: out += "Error %s\n" % e
        for m in r["messages"]:
            if not quiet or m["severity"] > 1:
                out += "[%s] %s: %s\n" % (["UNKNOWN", "INFO", "WARNING", "ERROR"][m["severity"]], m["path"], m["error"])
        if r["errors"]: failed += 1
        out += "\n"
    summary = "%d chart(s) linted, %d chart(s) failed" % (len(paths), failed)
    if failed: out += "Error: " + summary + "\n"
    elif not quiet or noisy: out += summary + "\n"
    out = out.replace(here, "<FIXTURES>")
    target = os.path.join(here, "expected", name + ".txt")
    if check:
        if not os.path.exists(target) or open(target).read() != out:
            differences.append(name)
    else:
        open(target, "w").write(out)
if differences:
    print("lint goldens differ from Helm: " + ", ".join(differences))
    sys.exit(1)
