"""Writes (or with --check, compares) the Helm-made fixtures of CreateTests from the real Helm v4.2.3
library (helm-python-sdk 0.2.2): mychart/ (`Chart.create("mychart", …)`, without the empty charts/
directory git cannot keep) and mychart.render.json (that chart rendered as release-name in default).
Run: PYTHON oracle.py [--check] (from any folder)."""
import filecmp, json, os, shutil, sys, tempfile, helm_python

here = os.path.dirname(os.path.abspath(__file__))
check = "--check" in sys.argv
tmp = tempfile.mkdtemp()
try:
    helm_python.Chart.create("mychart", tmp)
    made = os.path.join(tmp, "mychart")
    os.rmdir(os.path.join(made, "charts"))
    rendered = helm_python.Chart.load(made).render(name="release-name", namespace="default", revision=1,
                                                   is_install=True)
    text = json.dumps(rendered, indent=1, sort_keys=True)
    if check:
        cmp = filecmp.dircmp(made, os.path.join(here, "mychart"))
        def same(c):
            return not (c.left_only or c.right_only or c.diff_files or c.funny_files) and all(
                same(s) for s in c.subdirs.values())
        stored = open(os.path.join(here, "mychart.render.json")).read()
        if not same(cmp) or stored != text:
            print("create goldens differ from Helm")
            sys.exit(1)
    else:
        shutil.rmtree(os.path.join(here, "mychart"), ignore_errors=True)
        shutil.copytree(made, os.path.join(here, "mychart"))
        open(os.path.join(here, "mychart.render.json"), "w").write(text)
finally:
    shutil.rmtree(tmp)
