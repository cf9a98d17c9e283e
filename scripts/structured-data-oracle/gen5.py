import json, random
random.seed(12345)
pal = list("abcxyz   \t\n\r:#-?&*!|>'\"%@`{}[],.0123456789_+~<=\\/") + ["é", "日本", "\u2028", "\u0085", "\u00a0", "\U0001F600", "\ufeff", "\x01", "\x7f", "yes", "null", "1e3", ": ", " #", "- ", "0x1F", "...", "---", "true", "12:30", "  ", "\n\n", "word "]
def rstr(maxlen=12):
    n = random.choice([0,1,2,3,5,8,12,20,40,90])
    return "".join(random.choice(pal) for _ in range(n))
def rval(depth=0):
    r = random.random()
    if depth > 3 or r < 0.5:
        k = random.random()
        if k < 0.6: return rstr()
        if k < 0.7: return random.choice([0, 1, -5, 1000000, 123456789, 2**53, 10**20])
        if k < 0.85: return random.choice([1.5, 0.1, 1e-7, 1e21, 1234567.5, -0.25, 3.0, 100000.5, 1e-5, 6.02e23])
        if k < 0.95: return random.choice([True, False])
        return None
    if r < 0.75:
        return [rval(depth+1) for _ in range(random.choice([0,1,2,3]))]
    return {rstr(): rval(depth+1) for _ in range(random.choice([0,1,2,3]))}
cases = []
for i in range(400):
    v = rval()
    txt = "v: " + json.dumps(v, ensure_ascii=False) + "\n"
    for op in ("toYaml", "toYamlPretty", "toJson"):
        cases.append({"op": op, "text": txt})
json.dump(cases, open("cases5.json", "w"))
