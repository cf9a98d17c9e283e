import json, random
random.seed(5)
seeds = ['{"a":1,"b":[true,false,null,"s\\u00e9\\n"],"c":{"d":-1.5e3,"e":[]}}', '[1, 2.5, "x", {"k": "v"}, [[]], -0, 1E+2]', '"just \\" a \\\\ string"', '  {"nested": {"deep": [1, {"x": "\\ud83d\\ude00"}]}}  ']
alpha = list('{}[],:"\\ \n\t0123456789.eE+-truefalsn/ux') + ['\\u', '\\ud800']
def mutate(s):
    s = list(s)
    for _ in range(random.randint(1, 3)):
        p = random.randrange(len(s)) if s else 0
        r = random.random()
        if r < 0.4 and s: s[p] = random.choice(alpha)
        elif r < 0.75: s.insert(p, random.choice(alpha))
        elif s: del s[p]
    return "".join(s)
cases = [{"op":"jsondecode","text":mutate(seeds[i % 4])} for i in range(400)]
json.dump(cases, open("cases15.json","w"))
