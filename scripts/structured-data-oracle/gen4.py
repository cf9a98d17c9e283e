import json, os, shutil, tempfile
from helm_python import Chart
values = 'm: {b: [1, 2], a: {x: 1.5, big: 1000000}, s: "yes", e: {}, l: [], t: "a\\tb\\nc"}\ns: "line1\\nline2"\n'
tpls = [
 '{{ toYaml .Values.m }}', '{{ toYamlPretty .Values.m }}', '{{ toJson .Values.m }}', '{{ toPrettyJson .Values.m }}',
 '{{ toRawJson (dict "a" "<&>") }}', '{{ toToml .Values.m }}', '{{ toYaml .Values.s }}', '{{ mustToYaml .Values.m }}',
 '{{ mustToJson .Values.m }}', '{{ mustToPrettyJson (list 1 "a") }}', '{{ mustToRawJson (list "<") }}', '{{ mustToToml (dict "a" 1) }}',
 '{{ fromYaml "a: 1\\nb: [x]" | toJson }}', '{{ (fromYaml "a: 1").a | typeOf }}', '{{ fromYaml "- 1" | toJson }}',
 '{{ fromYaml "a: [" }}', '{{ fromYamlArray "- 1\\n- a" | toJson }}', '{{ fromYamlArray "a: 1" }}', '{{ fromYamlArray "[" }}',
 '{{ fromJson "{\\"a\\":1}" | toJson }}', '{{ fromJson "x" }}', '{{ fromJson "[1]" }}', '{{ fromJsonArray "[1]" | toJson }}',
 '{{ fromJsonArray "{}" }}', '{{ fromJsonArray "[" }}', '{{ mustFromJson "[1,2]" | toJson }}', '{{ mustFromJson "{\\"a\\": 1}" | typeOf }}',
 '{{ fromToml "a = 1" | toJson }}', '{{ (fromToml "a = 1").a | typeOf }}', '{{ fromToml "a = " }}', '{{ toToml (dict "f" 1.0 "i" 1) }}',
 '{{ toToml "s" }}', '{{ toToml (dict "a" (list 1 nil)) }}',
 '{{ toYaml nil }}|{{ toJson nil }}|{{ toYaml (list) }}|{{ toYaml (dict) }}|{{ toYamlPretty nil }}',
 '{{ toYaml 1000000.0 }}|{{ toYamlPretty 1000000.0 }}|{{ toJson 1000000.0 }}|{{ toJson 1e-7 }}',
 '{{ toJson (list 1 2.5 "a" true nil) }}', '{{ toYaml (int64 5) }}|{{ toYaml 5 }}|{{ toJson (int 7) }}',
 '{{ .Values.m | toYaml | indent 2 }}', '{{ fromYaml "" | toJson }}|{{ fromYamlArray "" | toJson }}',
 '{{ toYaml (dict "k" (list (dict "a" 1 "b" (list "x")))) }}', '{{ toYamlPretty (dict "k" (list (dict "a" 1 "b" (list "x")))) }}',
 '{{ toYaml (list "yes" "on" "12:30" "" "- x" "a: b") }}', '{{ toJson (dict "b" 1 "a" (dict "d" 2 "c" 3)) }}',
 '{{ (fromYaml "on: 1\\ny: 2").true }}', '{{ fromYaml "a: 1\\n---\\nb: 2" | toJson }}',
 '{{ toYaml (fromJson "{\\"x\\": 1.0, \\"y\\": 0.5}") }}', '{{ toJson (fromYaml "x: 1e3") }}', '{{ toYaml .Values.m.t }}|{{ toYamlPretty .Values.m.t }}',
]
out = []
for t in tpls:
    d = tempfile.mkdtemp(); os.makedirs(d + "/t/templates")
    open(d + "/t/Chart.yaml", "w").write("apiVersion: v2\nname: t\nversion: 0.1.0\n")
    open(d + "/t/values.yaml", "w").write(values)
    open(d + "/t/templates/x.txt", "w").write(t)
    try:
        out.append((t, Chart.load(d + "/t").render(None, name="x", namespace="default")["t/templates/x.txt"]))
    except Exception as e:
        print("ERR", t, e)
    shutil.rmtree(d)
json.dump({"values": values, "cases": out}, open("exp4.json", "w"), indent=1, ensure_ascii=False)
print(len(out))
