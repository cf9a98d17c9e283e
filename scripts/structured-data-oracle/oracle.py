# usage: oracle.py cases.json -> prints JSON list of outputs
# each case: {"values": "<values.yaml text>", "tpl": "<template text>"}
import json, sys, os, shutil, tempfile
from helm_python import Chart
cases = json.load(open(sys.argv[1]))
out = []
for c in cases:
    d = tempfile.mkdtemp()
    os.makedirs(d + "/t/templates")
    open(d + "/t/Chart.yaml", "w").write("apiVersion: v2\nname: t\nversion: 0.1.0\n")
    open(d + "/t/values.yaml", "w", encoding="utf-8", newline="").write(c.get("values", ""))
    open(d + "/t/templates/x.txt", "w", encoding="utf-8", newline="").write(c["tpl"])
    try:
        ch = Chart.load(d + "/t")
        r = ch.render(None, name="x", namespace="default")
        out.append({"ok": r.get("t/templates/x.txt")})
    except Exception as e:
        out.append({"err": str(e)})
    shutil.rmtree(d)
print(json.dumps(out, ensure_ascii=False, indent=1))
