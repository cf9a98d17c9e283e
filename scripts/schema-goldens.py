#!/usr/bin/env python3
"""Goldens for values.schema.json validation from the real Helm v4.2.3 (PyPI helm-python-sdk 0.2.2).

Input:  Tests/ChartEngineTests/Fixtures/schema/cases.json   (hand written)
  [{"name": ..., "schema": <JSON value, or a string = raw schema text>, "values": {...},
    "subcharts": [{"name": ..., "schema": ..., "values": {...}}], "chartExtra": "<more Chart.yaml lines>",
    "unordered": true when Helm's order depends on a Go map even at one location (e.g. `dependencies`)}]
  The top chart is named `mychart`; values are written to values.yaml as JSON text (so numbers are
  float64, as Helm reads values.yaml); the chart is rendered with no user values.
Output: Tests/ChartEngineTests/Fixtures/schema/goldens.json
  {name: {"files": {path: text}, "error": <Helm's error text> | null, "unordered": bool}}
  "files" are the chart's files exactly as written for Helm (paths relative to the chart root), so
  the Swift tests load byte-identical charts.
  Helm's validator walks Go maps, so the order of sibling errors can vary between runs: each case is
  rendered RUNS times, and when the texts differ (or sibling entries report different value
  locations, whose order is map-driven even if the runs agreed) "unordered" is true and the text stored is
  normalized: names in `additional properties …` sorted, and at every nesting level the `- at …` entries (with their indented causes) are sorted;
  tests normalize helmctl's text the same way before comparing.

Usage: python3 -m venv /tmp/hv && /tmp/hv/bin/pip install helm-python-sdk==0.2.2
       /tmp/hv/bin/python scripts/schema-goldens.py [--check]
"""
import json, os, re, shutil, sys, tempfile

from helm_python import Chart

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = os.path.join(ROOT, "Tests", "ChartEngineTests", "Fixtures", "schema")
RUNS = 10


def write_chart(d, name, schema, values, subcharts, chart_extra=""):
    os.makedirs(os.path.join(d, "templates"), exist_ok=True)
    with open(os.path.join(d, "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: %s\nversion: 0.1.0\n%s" % (name, chart_extra))
    with open(os.path.join(d, "values.yaml"), "w") as f:
        f.write(json.dumps(values if values is not None else {}))
    if schema is not None:
        with open(os.path.join(d, "values.schema.json"), "w") as f:
            f.write(schema if isinstance(schema, str) else json.dumps(schema))
    for s in subcharts or []:
        write_chart(os.path.join(d, "charts", s["name"]), s["name"], s.get("schema"), s.get("values"), s.get("subcharts"),
                    s.get("chartExtra", ""))


def normalize(text):
    """Sorts sibling error entries at every indentation level (see the module docstring)."""
    def parse(lines, i, indent):
        items = []
        while i < len(lines):
            line = lines[i]
            cur = len(line) - len(line.lstrip(" "))
            if cur < indent or not line.lstrip(" ").startswith("- "):
                break
            if cur > indent:
                i += 1
                continue
            head = line
            children, i = parse(lines, i + 1, indent + 2)
            items.append((head, children))
        return items, i

    def render(items):
        return "".join(h + "\n" + render(c) for h, c in sorted(items, key=lambda it: it[0] + "\n" + render(it[1])))

    def sort_names(line):
        # `additional properties 'b', 'a' not allowed` lists Go map keys in iteration order.
        m = re.match(r"^(.*additional properties )(.*)( not allowed)$", line)
        if not m:
            return line
        return m.group(1) + ", ".join(sorted(m.group(2).split(", "))) + m.group(3)

    out, lines, i = [], [sort_names(l) for l in text.split("\n")], 0
    while i < len(lines):
        if lines[i].startswith("- "):
            items, i = parse(lines, i, 0)
            out.append(render(items).rstrip("\n"))
        else:
            out.append(lines[i])
            i += 1
    # Chart sections (`name:` and its lines) follow the order of the chart's dependencies, which
    # Helm does not keep stable either.
    tail = [""] if out and out[-1] == "" else []
    head, sections = out[:1], []
    for line in out[1:len(out) - len(tail)]:
        if re.match(r"^[A-Za-z0-9_.-]+:$", line) or not sections:
            sections.append([line])
        else:
            sections[-1].append(line)
    return "\n".join(head + [l for sec in sorted(sections) for l in sec] + tail)


def mixed_locations(text):
    """True when some group of sibling entries reports different value locations: Helm orders those
    by Go map iteration, so even a run of identical answers may be chance."""
    groups = {}
    parent = {}
    for line in text.split("\n"):
        m = re.match(r"^( *)- at '([^']*)'", line)
        if not m:
            parent = {}
            continue
        depth = len(m.group(1)) // 2
        key = (tuple(parent.get(d) for d in range(depth)), depth)
        groups.setdefault(key, set()).add(m.group(2))
        parent = {d: v for d, v in parent.items() if d < depth}
        parent[depth] = line
    return any(len(locs) > 1 for locs in groups.values())


def chart_files(d):
    out = {}
    for dirpath, _, names in os.walk(d):
        for n in names:
            p = os.path.join(dirpath, n)
            out[os.path.relpath(p, d)] = open(p).read()
    return out


def run(case, files=None):
    d = tempfile.mkdtemp()
    try:
        write_chart(os.path.join(d, "mychart"), "mychart", case.get("schema"), case.get("values"), case.get("subcharts"),
                    case.get("chartExtra", ""))
        if files is not None:
            files.update(chart_files(os.path.join(d, "mychart")))
        try:
            Chart.load(os.path.join(d, "mychart")).render({}, name="x", namespace="default")
            return None
        except Exception as e:  # the validation error (HelmValuesError)
            return str(e)
    finally:
        shutil.rmtree(d)


def main():
    cases = json.load(open(os.path.join(DIR, "cases.json")))
    out = {}
    for c in cases:
        files = {}
        texts = {run(c, files) for _ in range(RUNS)}
        forced = c.get("unordered", False)
        if len(texts) == 1 and not forced and not (next(iter(texts)) and mixed_locations(next(iter(texts)))):
            out[c["name"]] = {"files": files, "error": texts.pop(), "unordered": False}
        else:
            normalized = {normalize(t) for t in texts if t is not None}
            if len(normalized) != 1 or None in texts:
                sys.exit("case %s: Helm's answers differ beyond ordering: %r" % (c["name"], texts))
            out[c["name"]] = {"files": files, "error": normalized.pop(), "unordered": True}
    text = json.dumps(out, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    path = os.path.join(DIR, "goldens.json")
    if "--check" in sys.argv:
        if open(path).read() != text:
            print("schema goldens differ from Helm's answers", file=sys.stderr)
            sys.exit(1)
        return
    open(path, "w").write(text)
    print("wrote %d goldens to %s" % (len(out), path))


if __name__ == "__main__":
    main()
