# Writes the patch fixtures: `cd` here and run `python3 json_cases.py` (etc.; needs PyYAML).
# The YAML files are the source of truth for the tests; regenerate only after editing these scripts.
import yaml, os
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
def write(folder, name, description, **fields):
    doc = {"description": description}
    doc.update(fields)
    path = os.path.join(ROOT, folder, name + ".yaml")
    with open(path, "w") as f:
        f.write(yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, width=110))

AMBIGUOUS = {"y", "n", "yes", "no", "on", "off", "true", "false", "~", "null"}
def _check(v):
    if isinstance(v, str) and v.lower() in AMBIGUOUS:
        raise SystemExit(f"ambiguous YAML 1.1 scalar {v!r}: pick another string")
    if isinstance(v, dict):
        for k, x in v.items(): _check(k); _check(x)
    if isinstance(v, list):
        for x in v: _check(x)
_write = write
def write(folder, name, description, **fields):
    _check(fields)
    _write(folder, name, description, **fields)
