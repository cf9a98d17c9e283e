import json
docs = [
 "on: 1\nyes: 2\ny: 3\n", "n: a\nNo: b\nOFF: c\n", "list: [x, y, n, yes, no, on, off, True, FALSE, tRue]\n",
 "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nUll\n",
 "i: [1, -1, +1, 0x1F, 0o17, 017, 0b101, -0b101, 1_000, 0, -0, 09, 0x_1F, 1e3, 1.5, .5, -.5, 1., .inf, -.Inf, 1e+3, 6.02e23, 9223372036854775807, 9223372036854775808, -9223372036854775808, 12:30, 1:20:30, 2024-01-01, 2024-01-01T10:00:00Z, 2024-1-1, 0x, 1e, +, -, .]\n",
 "1: a\n1.5: b\n0.1: c\ntrue: d\n1e3: e\n2024-01-01: f\n-1: g\n0x10: h\n1000000.0: i\n",
 "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nn:\n  y: 3\n  <<: *b\n",
 "a: &a {x: 1}\nb: &b {x: 2, z: 2}\nm:\n  <<: [*a, *b]\n  w: 0\n",
 "m:\n  <<: {x: 1}\n  y: 2\n",
 "a: &a [1]\nm:\n  <<: *a\n",
 "m:\n  <<: 1\n",
 "a: &x hello\nb: *x\nc: [*x, *x]\n",
 "b: *nope\n",
 "a: !!str 123\nb: !!int \"42\"\nc: !!float 1\nd: !!binary aGVsbG8=\ne: !custom x\nf: ! 12\ng: !!bool yes\nh: !!null ''\n",
 "a: !!int abc\n",
 "a: !!binary '%%%'\n",
 "\ufeffa: 1\n",
 "a: 1\nb\n", "a: [1, 2\n", "a: 'unterminated\n", "a:\n  b: 1\n c: 2\n", "- a\nb: 1\n", "a: b: c\n", "{a: 1\n", "a: \"\\q\"\n", "\ta: 1\n", "a: 1\na:\n  - x\n  y: 2\n", "a: |\n  x\n b\n", ": x\n", "key: [a, b]]\n", "a: &a\n  b: *a\n", "&a [*a]\n",
 "a: 1\n---\nb: 2\n", "---\n", "", "# only comment\n", "- 1\n- 2\n", "just a string\n", "a: 1\n...\n", "--- >\n  folded\n  text\n",
 "a: |\n  literal\n  text\nb: >-\n  folded\n\n  text\nc: 'it''s'\nd: \"x\\ty\\u00e9\\U0001F600\"\n",
 "a: [1, {b: 2}, [3]]\nb: {}\nc: []\n", "? complex\n: value\n", "? [a, b]\n: value\n", "? {a: b}\n: v\n", "~: x\n", "null: x\n", "'': x\n", "18446744073709551615: x\n",
 "a: .nan\n", "a: .inf\n",
 "x: \xff\xfe\n", "a: \xc3\x28\n", "a: 'x\x00y'\n", "a: \"\\x00\"\n",
 "[" * 10001 + "]" * 10001, "[" * 200 + "]" * 200,
 "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 60)),
 "a: [1,2,3]\nb: &b\n  c: *b\n",
 "anchors:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
 "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
 "a: 'multi\n  line'\nb: plain\n  continued\n", "a: 1 # comment\nb: '#x'\n", "key with spaces: v\n\"quoted key\": v\n",
 "a: 0.1\nb: 1e-7\nc: 123456789012345678\nd: 1.0\n",
]
cases = [{"op":"decode","text":d} for d in docs]
jdocs = ['{"a":1}', '[1,2]', '"s"', 'x', '', '  ', '{"a":1,}', '{"a" 1}', '{"a":1 "b":2}', '[1 2]', '{1:2}', 'tru', 'nul', 'falsy', '01', '-', '1.', '1e', '1e+', '"a\\qb"', '"\\u12g4"', '"a\nb"', '{"a":1}x', '[' * 10001 + ']' * 10001, '[' * 10000 + ']' * 10000,
  '{"a":1,"a":2}', '"\\ud83d\\ude00 \\ud800 x"', '1e400', '{"b":[1,{"c":null}],"a":true}', '[1,', '{"a":', '"abc', '\'x\'', '{"a":"\\u003c"}', ' 1 ', '-0', '1E5', '0.5e-3', '"\u00e9"', '[]', '{}', 'null']
cases += [{"op":"jsondecode","text":d} for d in jdocs]
json.dump(cases, open("/tmp/hv-oracle/cases2.json","w"))
