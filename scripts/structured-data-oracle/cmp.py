# usage: cmp.py cases.json  — cases: [{"op":..,"text":..}], runs oracle + probe, prints diffs
import json, sys, os, shutil, tempfile, subprocess
from helm_python import Chart
TPL = {
 "toYaml": "{{ toYaml .Values.v }}",
 "toYamlPretty": "{{ toYamlPretty .Values.v }}",
 "toJson": "{{ toJson .Values.v }}",
 "decode": "{{ .Files.Get \"in.yaml\" | fromYaml | toJson }}",
 "toToml": "{{ toToml .Values.v }}",
 "fromToml": "{{ .Files.Get \"in.yaml\" | fromToml | toJson }}",
 "jsondecode": "{{ .Files.Get \"in.yaml\" | mustFromJson | toJson }}",
}
cases = json.load(open(sys.argv[1]))
def oracle(c):
    d = tempfile.mkdtemp()
    os.makedirs(d + "/t/templates")
    open(d + "/t/Chart.yaml", "w").write("apiVersion: v2\nname: t\nversion: 0.1.0\n")
    if c["op"] in ("decode", "jsondecode", "fromToml"):
        open(d + "/t/in.yaml", "wb").write(c["text"].encode("utf-8", "surrogateescape"))
    else:
        open(d + "/t/values.yaml", "wb").write(c["text"].encode("utf-8", "surrogateescape"))
    open(d + "/t/templates/x.txt", "w").write(TPL[c["op"]])
    try:
        r = Chart.load(d + "/t").render(None, name="x", namespace="default")
        res = {"ok": r.get("t/templates/x.txt")}
    except Exception as e:
        res = {"err": str(e)}
    shutil.rmtree(d)
    return res
exp = [oracle(c) for c in cases]
json.dump(cases, open("/tmp/hv-oracle/_in.json", "w"))
got = json.loads(subprocess.run(["/tmp/sdprobe/.build/debug/probe", "/tmp/hv-oracle/_in.json"], capture_output=True, text=True).stdout)
bad = 0
for c, e, g in zip(cases, exp, got):
    if e != g:
        bad += 1
        print("=== MISMATCH", c["op"], repr(c["text"])[:200])
        print("  helm:", repr(e)[:600])
        print("  ours:", repr(g)[:600])
print(f"{len(cases)-bad}/{len(cases)} match")
if len(sys.argv) > 2:
    json.dump([{"case": c, "helm": e} for c, e in zip(cases, exp)], open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
