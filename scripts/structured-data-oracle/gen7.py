import json, random
random.seed(99)
from seeds import seeds
alpha = list("{}[],:-?&*!|>'\"%@` \n\t#<.0123456789abcxyz~") + ["\n  ", "\n- ", ": ", "  "]
def mutate(s):
    s = list(s)
    for _ in range(random.randint(1, 4)):
        if not s: break
        p = random.randrange(len(s))
        r = random.random()
        if r < 0.35: s[p] = random.choice(alpha)
        elif r < 0.7: s.insert(p, random.choice(alpha))
        elif r < 0.85: del s[p]
        else:
            q = random.randrange(len(s)); s[p:p] = s[q:q+random.randint(1,10)]
    return "".join(s)
cases = []
for i in range(600):
    cases.append({"op": "decode", "text": mutate(seeds[i % 3])})
for sd in seeds: cases.append({"op":"decode","text":sd})
json.dump(cases, open("cases7.json", "w"))
