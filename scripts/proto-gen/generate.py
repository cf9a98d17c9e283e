#!/usr/bin/env python3
"""Generate Sources/ClusterAPI/Schema/Generated/BuiltinSchemas*.swift from the upstream .proto extracts.

Usage:
  scripts/proto-gen/generate.py           # (re)write the Swift files
  scripts/proto-gen/generate.py --check   # exit 1 when the committed Swift differs from what would be written

Inputs: scripts/proto-gen/upstream/**/*.proto (messages, fields, maps, repeated, and the `// +patchStrategy=`,
`// +patchMergeKey=`, `// +listType=`, `// +listMapKey=`, `// +mapType=`, `// +structType=` comment markers)
and scripts/proto-gen/go-field-flags.txt (Go pointer / non-omitempty facts the protos do not carry).
Output is deterministic: messages sorted by name, fields in file order, kinds sorted.
Python 3 standard library only.
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
UPSTREAM = os.path.join(HERE, "upstream")
FLAGS = os.path.join(HERE, "go-field-flags.txt")
OUT_DIR = os.path.join(ROOT, "Sources", "ClusterAPI", "Schema", "Generated")

SCALARS = {
    "string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
    "fixed32", "fixed64", "sfixed32", "sfixed64", "float", "double",
}

# proto package -> (API group, version) for packages whose kinds the API serves.
GROUPS = {
    "k8s.io.api.core.v1": ("", "v1"),
    "k8s.io.api.apps.v1": ("apps", "v1"),
    "k8s.io.api.batch.v1": ("batch", "v1"),
    "k8s.io.api.networking.v1": ("networking.k8s.io", "v1"),
    "k8s.io.api.rbac.v1": ("rbac.authorization.k8s.io", "v1"),
    "k8s.io.api.storage.v1": ("storage.k8s.io", "v1"),
    "k8s.io.api.policy.v1": ("policy", "v1"),
    "k8s.io.api.scheduling.v1": ("scheduling.k8s.io", "v1"),
    "k8s.io.api.autoscaling.v1": ("autoscaling", "v1"),
    "k8s.io.api.autoscaling.v2": ("autoscaling", "v2"),
    "k8s.io.api.coordination.v1": ("coordination.k8s.io", "v1"),
    "k8s.io.api.discovery.v1": ("discovery.k8s.io", "v1"),
    "k8s.io.api.events.v1": ("events.k8s.io", "v1"),
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1": ("apiextensions.k8s.io", "v1"),
}

META = "k8s.io.apimachinery.pkg.apis.meta.v1"
# metav1.AddToGroupVersion registers these option types (and WatchEvent) in every group version;
# the meta.k8s.io/v1 group carries them too. Status is "unversioned" (v1).
OPTION_KINDS = ["DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions", "GetOptions", "ListOptions",
                "WatchEvent"]
META_KINDS = OPTION_KINDS + ["PartialObjectMetadata", "PartialObjectMetadataList", "TableOptions"]

# Messages that carry ObjectMeta but are not kinds of their own (they are embedded templates).
NOT_KINDS = {"PodTemplateSpec", "JobTemplateSpec", "PersistentVolumeClaimTemplate"}

# Proto names whose JSON name differs (Go `json:` tags).
JSON_NAMES = {
    ("k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps", "ref"): "$ref",
    ("k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps", "schema"): "$schema",
    ("k8s.io.api.networking.v1.IngressClassParametersReference", "aPIGroup"): "apiGroup",
}


def json_name(message, field):
    if (message, field) in JSON_NAMES:
        return JSON_NAMES[(message, field)]
    if message.endswith("apiextensions.v1.JSONSchemaProps") and field.startswith("xKubernetes"):
        # xKubernetesPreserveUnknownFields -> x-kubernetes-preserve-unknown-fields
        rest = re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), field[len("xKubernetes"):])
        return "x-kubernetes" + rest
    return field


class Field:
    def __init__(self, name, number, type_, repeated, markers):
        self.name = name
        self.number = number
        self.type = type_  # ("scalar", t) | ("message", fq) | ("map", k, v)
        self.repeated = repeated
        self.markers = markers
        self.pointer = False
        self.required = False
        self.inline = False


class Message:
    def __init__(self, name, markers):
        self.name = name
        self.markers = markers
        self.fields = []


FIELD_RE = re.compile(r"^(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;")
MAP_RE = re.compile(r"^map\s*<\s*(\w+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;")
MARKER_RE = re.compile(r"^//\s*\+(patchStrategy|patchMergeKey|listType|listMapKey|mapType|structType)=(\S+)")


def parse_file(path, messages):
    """Parses one proto2 file into `messages` (fq name -> Message); types stay unresolved strings."""
    package = None
    stack = []
    pending = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("//"):
            m = MARKER_RE.match(line)
            if m:
                pending.append((m.group(1), m.group(2)))
            continue
        if line.startswith("package "):
            package = line[len("package "):].rstrip(";").strip()
            continue
        if line.startswith(("syntax ", "syntax=", "import ", "option ")):
            continue
        m = re.match(r"^message\s+(\w+)\s*\{\s*(\})?$", line)
        if m:
            if package is None:
                raise SystemExit(f"{path}: message before package")
            parent = stack[-1].name if stack else package
            msg = Message(parent + "." + m.group(1), pending)
            pending = []
            if msg.name in messages:
                raise SystemExit(f"{path}: duplicate message {msg.name}")
            messages[msg.name] = msg
            if not m.group(2):
                stack.append(msg)
            continue
        if line == "}":
            if not stack:
                raise SystemExit(f"{path}: unbalanced }}")
            stack.pop()
            pending = []
            continue
        m = FIELD_RE.match(line)
        mm = MAP_RE.match(line)
        if (m or mm) and not stack:
            raise SystemExit(f"{path}: field outside a message: {line}")
        if m:
            stack[-1].fields.append(Field(m.group(3), int(m.group(4)), ("raw", m.group(2), package),
                                          m.group(1) == "repeated", pending))
            pending = []
            continue
        if mm:
            stack[-1].fields.append(Field(mm.group(3), int(mm.group(4)),
                                          ("rawmap", mm.group(1), mm.group(2), package), False, pending))
            pending = []
            continue
        raise SystemExit(f"{path}: cannot parse line: {raw}")
    if stack:
        raise SystemExit(f"{path}: unterminated message {stack[-1].name}")


def resolve(type_name, package, messages, where):
    if type_name in SCALARS:
        return ("scalar", type_name)
    name = type_name.lstrip(".")
    if "." in name and name in messages:
        return ("message", name)
    candidate = package + "." + name
    if candidate in messages:
        return ("message", candidate)
    raise SystemExit(f"{where}: unknown type {type_name}")


def load():
    messages = {}
    files = []
    for dirpath, _, names in os.walk(UPSTREAM):
        for n in names:
            if n.endswith(".proto"):
                files.append(os.path.join(dirpath, n))
    for path in sorted(files):
        parse_file(path, messages)
    for msg in messages.values():
        for f in msg.fields:
            where = f"{msg.name}.{f.name}"
            if f.type[0] == "raw":
                f.type = resolve(f.type[1], f.type[2], messages, where)
            else:
                f.type = ("map", resolve(f.type[1], f.type[3], messages, where),
                          resolve(f.type[2], f.type[3], messages, where))
        numbers = [f.number for f in msg.fields]
        if len(set(numbers)) != len(numbers):
            raise SystemExit(f"{msg.name}: duplicate field numbers")
    apply_flags(messages)
    return messages


def apply_flags(messages):
    section = None
    package = None
    with open(FLAGS, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            m = re.match(r"^\[(pointer|required|inline)\s+([\w.]+)\]$", line)
            if m:
                section, package = m.group(1), m.group(2)
                continue
            if section is None:
                raise SystemExit(f"{FLAGS}:{lineno}: entry outside a section")
            parts = line.split()
            fq = package + "." + parts[0]
            msg = messages.get(fq)
            if msg is None:
                raise SystemExit(f"{FLAGS}:{lineno}: unknown message {fq}")
            for name in parts[1:]:
                field = next((x for x in msg.fields if x.name == name), None)
                if field is None:
                    raise SystemExit(f"{FLAGS}:{lineno}: {fq} has no field {name}")
                if section == "inline":
                    if field.type[0] != "message" or field.repeated:
                        raise SystemExit(f"{FLAGS}:{lineno}: {fq}.{name} is not a singular message")
                    field.inline = True
                    continue
                if field.type[0] != "scalar" or field.repeated:
                    raise SystemExit(f"{FLAGS}:{lineno}: {fq}.{name} is not a singular scalar")
                if section == "pointer":
                    field.pointer = True
                else:
                    field.required = True


def swift_type(t):
    if t[0] == "scalar":
        return "." + t[1]
    if t[0] == "message":
        return f'.message("{t[1]}")'
    return f".map(key: {swift_type(t[1])}, value: {swift_type(t[2])})"


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def field_line(msg, f):
    args = [f"name: {swift_string(json_name(msg.name, f.name))}", f"number: {f.number}", f"type: {swift_type(f.type)}"]
    if f.repeated:
        args.append("repeated: true")
    markers = {}
    keys = []
    for k, v in f.markers:
        if k == "listMapKey":
            keys.append(v)
        else:
            markers[k] = v
    if "patchStrategy" in markers:
        args.append(f"patchStrategy: {swift_string(markers['patchStrategy'])}")
    if "patchMergeKey" in markers:
        args.append(f"patchMergeKey: {swift_string(markers['patchMergeKey'])}")
    if "listType" in markers:
        args.append(f"listType: {swift_string(markers['listType'])}")
    if keys:
        args.append("listMapKeys: [" + ", ".join(swift_string(k) for k in keys) + "]")
    if "mapType" in markers:
        args.append(f"mapType: {swift_string(markers['mapType'])}")
    if "structType" in markers:
        args.append(f"structType: {swift_string(markers['structType'])}")
    if f.pointer:
        args.append("pointer: true")
    if f.required:
        args.append("omitEmpty: false")
    if f.inline:
        args.append("inline: true")
    return "FieldSchema(" + ", ".join(args) + ")"


def message_block(msg):
    struct_type = dict(msg.markers).get("structType")
    head = f"        add({swift_string(msg.name)}"
    if struct_type:
        head += f", structType: {swift_string(struct_type)}"
    if not msg.fields:
        return [head + ", [])"]
    out = [head + ", ["]
    for f in msg.fields:
        out.append("            " + field_line(msg, f) + ",")
    out.append("        ])")
    return out


# Output files: (file suffix, function name, package prefixes, optional name range for splitting).
FILES = [
    ("Meta", "meta", ["k8s.io.apimachinery."], None),
    ("CoreA", "coreA", ["k8s.io.api.core.v1."], ("A", "F")),
    ("CoreB", "coreB", ["k8s.io.api.core.v1."], ("F", "P")),
    ("CoreC", "coreC", ["k8s.io.api.core.v1."], ("P", "R")),
    ("CoreD", "coreD", ["k8s.io.api.core.v1."], ("R", "~")),
    ("Apps", "apps", ["k8s.io.api.apps.v1."], None),
    ("Batch", "batch", ["k8s.io.api.batch.v1."], None),
    ("Networking", "networking", ["k8s.io.api.networking.v1.", "k8s.io.api.discovery.v1."], None),
    ("RBAC", "rbac", ["k8s.io.api.rbac.v1."], None),
    ("Storage", "storage", ["k8s.io.api.storage.v1."], None),
    ("Policy", "policy", ["k8s.io.api.policy.v1.", "k8s.io.api.scheduling.v1.", "k8s.io.api.coordination.v1.",
                          "k8s.io.api.events.v1."], None),
    ("Autoscaling", "autoscaling", ["k8s.io.api.autoscaling.v1.", "k8s.io.api.autoscaling.v2."], None),
    ("APIExtensions", "apiextensions", ["k8s.io.apiextensions_apiserver."], None),
]

HEADER = """// GENERATED by scripts/proto-gen/generate.py from scripts/proto-gen/upstream (Kubernetes generated.proto
// files, Apache-2.0) and scripts/proto-gen/go-field-flags.txt. Do not edit; run the generator.
"""


def in_file(name, spec):
    _, _, prefixes, rng = spec
    if not any(name.startswith(p) for p in prefixes):
        return False
    if rng is None:
        return True
    short = name.rsplit(".", 1)[1]
    return rng[0] <= short < rng[1]


def kinds_for(messages):
    kinds = {}
    for name, msg in messages.items():
        package, short = name.rsplit(".", 1)
        if package not in GROUPS or short in NOT_KINDS:
            continue
        meta = next((f for f in msg.fields if f.name == "metadata" and f.number == 1), None)
        if meta is None or meta.type != ("message", META + ".ObjectMeta") and meta.type != ("message", META + ".ListMeta"):
            continue
        kinds[GROUPS[package] + (short,)] = name
    for group, version in sorted(set(GROUPS.values())) + [("meta.k8s.io", "v1")]:
        names = META_KINDS if group == "meta.k8s.io" else OPTION_KINDS
        for k in names:
            kinds[(group, version, k)] = META + "." + k
    kinds[("", "v1", "Status")] = META + ".Status"
    kinds[("meta.k8s.io", "v1", "Status")] = META + ".Status"
    return kinds


def render(messages):
    files = {}
    seen = set()
    for spec in FILES:
        suffix, func, _, _ = spec
        names = sorted(n for n in messages if in_file(n, spec))
        seen.update(names)
        lines = [HEADER, "extension BuiltinSchemas {",
                 f"    /// Message schemas of {', '.join(p.rstrip('.') for p in spec[2])}"
                 + (f" (names {spec[3][0]} up to {spec[3][1]})" if spec[3] else "") + ".",
                 f"    static func {func}(_ add: (String, String?, [FieldSchema]) -> Void) {{"]
        body = []
        for n in names:
            for l in message_block(messages[n]):
                body.append(l)
        # `add(name, structType:, [...])` is sugar over the closure's positional parameters.
        body = [l.replace("        add(", "        add(", 1) for l in body]
        lines += [convert_call(l) for l in body]
        lines += ["    }", "}", ""]
        files[f"BuiltinSchemas+{suffix}.swift"] = "\n".join(lines)
    missing = sorted(set(messages) - seen)
    if missing:
        raise SystemExit("messages not assigned to an output file: " + ", ".join(missing))
    kinds = kinds_for(messages)
    klines = [HEADER, "extension BuiltinSchemas {",
              "    /// Every registered kind and its root message, as `(group, version, kind, message)`.",
              "    static let kindTable: [(String, String, String, String)] = ["]
    for (g, v, k), m in sorted(kinds.items()):
        klines.append(f"        ({swift_string(g)}, {swift_string(v)}, {swift_string(k)}, {swift_string(m)}),")
    klines += ["    ]", "", "    /// The per-file builders, in a fixed order.",
               "    static let builders: [@Sendable ((String, String?, [FieldSchema]) -> Void) -> Void] = ["]
    for suffix, func, _, _ in FILES:
        klines.append(f"        {func},")
    klines += ["    ]", "}", ""]
    files["BuiltinSchemas+Kinds.swift"] = "\n".join(klines)
    return files


def convert_call(line):
    # add("name", structType: "atomic", [ -> add("name", "atomic", [ ; add("name", [ -> add("name", nil, [
    m = re.match(r'^(\s+)add\(("(?:[^"\\]|\\.)*")(, structType: ("(?:[^"\\]|\\.)*"))?, (\[.*)$', line)
    if not m:
        return line
    st = m.group(4) if m.group(3) else "nil"
    return f"{m.group(1)}add({m.group(2)}, {st}, {m.group(5)}"


def main():
    check = "--check" in sys.argv[1:]
    messages = load()
    files = render(messages)
    stale = []
    if not check:
        os.makedirs(OUT_DIR, exist_ok=True)
    existing = set(n for n in os.listdir(OUT_DIR) if n.startswith("BuiltinSchemas+")) if os.path.isdir(OUT_DIR) else set()
    for name, text in sorted(files.items()):
        path = os.path.join(OUT_DIR, name)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != text:
            stale.append(name)
            if not check:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    extra = sorted(existing - set(files))
    if check:
        if stale or extra:
            print("generated Swift is stale: " + ", ".join(stale + extra), file=sys.stderr)
            return 1
        print(f"ok: {len(messages)} messages, {len(files)} files up to date")
        return 0
    for name in extra:
        os.remove(os.path.join(OUT_DIR, name))
    print(f"wrote {len(stale)} of {len(files)} files ({len(messages)} messages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
