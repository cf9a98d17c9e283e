import json
strs = ["yes","on","y","n","true","null","~","123","1.5","0123","1e3","0x1F","1.10","2024-01-01","12:30","1:20",".5",".inf",".nan","1_000","+1","0b101","0o17","",
 "a\r\nb","a\x01b","\U0001F600","\ufeffx","&x","*x","- x","a: b","a #b"," lead","a ","@x","{a}","[a]","%x","!x","|x",">x","`x","-","a:","it's","'q'","it's \"q\"","a,b","a#b","?x","http://x:80/p","héllo ✓",
 "line1\nline2","line1\nline2\n","line1\n\n","\nlead","line1 \nline2","a\tb\nc","a\tb","<<","---","...","--- x","x\u2028y","a\x7fb","\u00a0x","x\u0085y","No","OFF","Yes","nO","1e+21","-1","-0", "0.", "1.", "+.inf", "0b2", "1__0", "1:2:3", "1:60", "12:30.5",
 "x" * 90, "word " * 30, "a " * 50 + "end", "'" + "word " * 20, "   spaced   out  " * 6, "word  two  spaces " * 8, "tab\there " * 12, "x: " + "word " * 25,
 " \n", "\n", "\n\n", "a\n ", "  x\n y\n", "é" * 100, "日本語 " * 30, "k" * 130]
cases = []
for s in strs:
    cases.append({"op":"toYaml","text":"v: " + json.dumps(s, ensure_ascii=False) + "\n"})
    cases.append({"op":"toYamlPretty","text":"v: " + json.dumps(s, ensure_ascii=False) + "\n"})
    cases.append({"op":"toYaml","text":"v:\n  " + json.dumps(s, ensure_ascii=False) + ": 1\n"})
    cases.append({"op":"toYaml","text":"v:\n  k:\n  - " + json.dumps(s, ensure_ascii=False) + "\n"})
nums = ["1000000","1.5","1234567.5","0.0000001","1e21","1e20","123456789012345678901234","-0.0","3.0","0.1","100000.5","9223372036854775807","18446744073709551615", "1e-5", "12345678"]
for n in nums:
    for op in ("toYaml","toYamlPretty","toJson"):
        cases.append({"op":op,"text":"v: " + n + "\n"})
structs = ["v: {b: [1, 2], a: {x: 1, y: [a, {c: d, e: [], f: {}}]}, c: null, d: []}",
  "v: [[1, 2], [], {}, [[3]], {a: [b]}]",
  "v: {\"-x\": 1, \"_\": 1, \"1\": 1, \"01\": 1, A: 1, Z: 1, a-b: 1, a.b: 1, a_b: 1, a1b: 1, a01b: 1, a9: 1, a10: 1, ab: 1, b: 1, x: 1, é: 1}",
  "v: {a: {b: {c: {d: \"" + "long " * 20 + "\"}}}}",
  "v: [\"a\\nb\", {k: \"a\\nb\\n\"}]",
  "v: {\"multi\\nkey\": 1, \"" + "k"*130 + "\": 2}",
  "v: {a: [[\"x\\ny\"]]}",
  ]
for s in structs:
    for op in ("toYaml","toYamlPretty","toJson"):
        cases.append({"op":op,"text":s+"\n"})
json.dump(cases, open("/tmp/hv-oracle/cases1.json","w"))
