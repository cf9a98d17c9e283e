#!/usr/bin/env python3
"""Golden outputs from the real Helm v4.2.3 (PyPI helm-python-sdk 0.2.2, Helm's own Go library).

Inputs and outputs (paths relative to the repo root):
  Tests/ChartEngineTests/Fixtures/conformance/cases/<area>.yaml    template cases (hand written)
  Tests/ChartEngineTests/Fixtures/conformance/goldens/<area>.json  Helm's answers (generated)
  Tests/ChartEngineTests/Fixtures/charts/<name>/                   whole-chart fixtures (hand written)
  Tests/ChartEngineTests/Fixtures/charts/<name>.golden.json        Helm's answers (generated)
  charts/<name>/                                                   the repo's sample charts
  Tests/ChartEngineTests/Fixtures/sample-charts/<name>.golden.json Helm's answers (generated)

Usage:
  scripts/goldens.py                 regenerate every golden file
  scripts/goldens.py --check         regenerate in memory; exit 1 with a summary if a committed golden differs
  scripts/goldens.py --area strings  only that case area (repeatable; `charts` selects the whole charts)
  scripts/goldens.py -j 4            worker processes (default: 2)
  scripts/goldens.py --stability 20  also render each exact case 20 more times; fail on varying output

Only the standard library and helm_python are used. The case files are YAML; they are read with Helm's own
YAML loader (helm_python.values_from_yaml), so no PyYAML is needed. The oracle runs with TZ=UTC (the script
re-executes itself with TZ=UTC when needed, because Go reads TZ once when the library starts).
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "ChartEngineTests", "Fixtures")
CONFORMANCE = os.path.join(FIXTURES, "conformance")
CASES_DIR = os.path.join(CONFORMANCE, "cases")
GOLDENS_DIR = os.path.join(CONFORMANCE, "goldens")
CHART_FIXTURES = os.path.join(FIXTURES, "charts")
SAMPLE_GOLDENS = os.path.join(FIXTURES, "sample-charts")
SAMPLE_CHARTS = os.path.join(ROOT, "charts")
FUNCTION_NAMES = os.path.join(CONFORMANCE, "function-names.txt")

HELM_VERSION = "v4.2.3"
CHART_YAML = "apiVersion: v2\nname: conf\nversion: 0.1.0\n"
CASE_RELEASE = {"name": "release-name", "namespace": "default"}
CHART_RELEASE = {"name": "demo", "namespace": "default"}
CASE_KEYS = {"name", "template", "values", "files", "helpers", "shape", "options"}
OPTION_KEYS = {"releaseName", "namespace", "revision", "isUpgrade", "kubeVersion", "apiVersions"}
# Messages longer than this (the include recursion error is ~100 KB) are stored as prefix + suffix.
ERROR_LIMIT = 4000
ERROR_KEEP_HEAD = 1500
ERROR_KEEP_TAIL = 500

DUMMY_KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- cluster: {server: "https://127.0.0.1:1"}
  name: dummy
contexts:
- context: {cluster: dummy, user: dummy, namespace: default}
  name: dummy
current-context: dummy
users:
- name: dummy
  user: {token: dummy}
"""


def ensure_utc() -> None:
    """Date functions format in the process's local zone; Go reads TZ when the library starts."""
    if os.environ.get("TZ") != "UTC":
        os.environ["TZ"] = "UTC"
        os.execv(sys.executable, [sys.executable] + sys.argv)


def dump_json(obj) -> str:
    return json.dumps(obj, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------------------
# Case files


class CaseError(Exception):
    pass


def load_cases(path: str) -> list[dict]:
    from helm_python import values_from_yaml

    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        doc = values_from_yaml("cases:\n" + text)
    except Exception as e:  # noqa: BLE001 - report which file is broken
        raise CaseError(f"{path}: {e}") from e
    cases = doc.get("cases")
    if not isinstance(cases, list):
        raise CaseError(f"{path}: expected a YAML list of cases")
    seen = set()
    for i, case in enumerate(cases):
        where = f"{os.path.basename(path)} case #{i + 1}"
        if not isinstance(case, dict):
            raise CaseError(f"{where}: not a mapping")
        unknown = set(case) - CASE_KEYS
        if unknown:
            raise CaseError(f"{where}: unknown keys {sorted(unknown)}")
        name = case.get("name")
        if not isinstance(name, str) or not name:
            raise CaseError(f"{where}: name must be a non-empty string (got {name!r}; quote YAML 1.1 words)")
        if name in seen:
            raise CaseError(f"{where}: duplicate name {name!r}")
        seen.add(name)
        for key in ("template", "values", "helpers", "shape"):
            if key in case and not isinstance(case[key], str):
                raise CaseError(f"{where} ({name}): {key} must be a string")
        if not isinstance(case.get("template"), str):
            raise CaseError(f"{where} ({name}): template is required")
        files = case.get("files", {})
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise CaseError(f"{where} ({name}): files must map paths to strings")
        opts = case.get("options", {})
        if not isinstance(opts, dict) or set(opts) - OPTION_KEYS:
            raise CaseError(f"{where} ({name}): options keys must be among {sorted(OPTION_KEYS)}")
    return cases


def case_files(case: dict) -> dict[str, str]:
    files = {
        "Chart.yaml": CHART_YAML,
        "values.yaml": case.get("values", ""),
        "templates/case.yaml": case["template"],
    }
    if "helpers" in case:
        files["templates/_helpers.tpl"] = case["helpers"]
    files.update(case.get("files", {}))
    return files


def write_tree(root: str, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(content)


def native_render(chart_dir: str, release: dict, options: dict | None = None) -> dict:
    """Render like `helm template`: returns {"output": {path: text}} or {"error": message}."""
    from helm_python import Chart, HelmError, _native

    opts = {"name": release["name"], "namespace": release["namespace"]}
    options = options or {}
    if "releaseName" in options:
        opts["name"] = options["releaseName"]
    if "namespace" in options:
        opts["namespace"] = options["namespace"]
    if "revision" in options:
        opts["revision"] = options["revision"]
    if "isUpgrade" in options:
        opts["is_upgrade"] = options["isUpgrade"]
        opts["is_install"] = not options["isUpgrade"]
    if "kubeVersion" in options:
        opts["kube_version"] = options["kubeVersion"]
    if "apiVersions" in options:
        opts["api_versions"] = options["apiVersions"]
    try:
        chart = Chart.load(chart_dir)
        # Chart.render exposes only name/namespace/revision; the C ABI's options also take kube_version
        # and api_versions (the `--kube-version` / `--api-versions` flags).
        raw = _native.call_string("helm_render", chart._raw(), "{}", json.dumps(opts))
        return {"output": json.loads(raw)}
    except HelmError as e:
        return {"error": e.detail}


def error_fields(message: str) -> dict:
    if len(message) <= ERROR_LIMIT:
        return {"error": message}
    return {
        "error": message[:ERROR_KEEP_HEAD],
        "errorSuffix": message[-ERROR_KEEP_TAIL:],
        "errorTruncated": True,
    }


def render_area(area: str, repeats: int = 0) -> dict:
    """Render every case of one area file; runs in a worker process.

    With repeats > 0 every non-shape case is rendered that many more times and cases whose Helm output
    varies between runs are listed under "unstable" (Go map iteration order leaks into some functions).
    """
    cases = load_cases(os.path.join(CASES_DIR, area + ".yaml"))
    out = []
    unstable: list[str] = []
    invalid: list[str] = []
    tmp = tempfile.mkdtemp(prefix="goldens-")
    try:
        for i, case in enumerate(cases):
            files = case_files(case)
            d = os.path.join(tmp, f"c{i}", "conf")
            write_tree(d, files)
            result = native_render(d, CASE_RELEASE, case.get("options"))
            record = {"name": case["name"], "files": files}
            if case.get("options"):
                record["options"] = case["options"]
            text = json.dumps(result, ensure_ascii=False)
            if "\ufffd" in text and not any("\ufffd" in v for v in files.values()):
                # The binding hands strings over as JSON, which turns invalid UTF-8 into U+FFFD: the
                # golden would not be Helm's bytes. Such cases must be rewritten.
                invalid.append(case["name"])
            if "error" in result:
                record.update(error_fields(result["error"]))
            else:
                record["output"] = result["output"]
            if "shape" in case:
                record["shape"] = case["shape"]
            elif repeats:
                for _ in range(repeats):
                    again = native_render(d, CASE_RELEASE, case.get("options"))
                    if again != result:
                        unstable.append(case["name"])
                        break
            out.append(record)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    golden = {"helm": HELM_VERSION, "area": area, "release": CASE_RELEASE, "cases": out}
    if unstable:
        golden["unstable"] = unstable
    if invalid:
        golden["invalidUTF8"] = invalid
    return golden


# ---------------------------------------------------------------------------------------------------------
# Whole charts


def render_chart(chart_dir: str, label: str) -> dict:
    from helm_python import Chart, Config, HelmError

    golden = {"helm": HELM_VERSION, "chart": label, "release": CHART_RELEASE}
    golden.update(native_render(chart_dir, CHART_RELEASE))
    if "error" in golden:
        golden.update(error_fields(golden.pop("error")))
        return golden
    # The sorted `# Source:` stream (hooks excluded) as install --dry-run=client builds it.
    # The install action logs through Go's default logger straight to fd 2 (e.g. "INFO skipping unknown
    # hooks"); silence that descriptor for the call.
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        cfg = Config(storage_driver="memory", kubeconfig_content=DUMMY_KUBECONFIG)
        rel = cfg.install(Chart.load(chart_dir), CHART_RELEASE["name"], namespace=CHART_RELEASE["namespace"],
                          dry_run="client")
        golden["manifest"] = rel.get("manifest", "")
        golden["notes"] = rel.get("notes", "")
    except HelmError as e:
        golden["manifestError"] = e.detail
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return golden


def chart_targets() -> list[tuple[str, str, str]]:
    """(label, chart dir, golden path) for fixture charts and the repo's sample charts that exist now."""
    targets = []
    for base, golden_dir, prefix in ((CHART_FIXTURES, CHART_FIXTURES, "fixtures"),
                                     (SAMPLE_CHARTS, SAMPLE_GOLDENS, "charts")):
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            d = os.path.join(base, name)
            if os.path.isfile(os.path.join(d, "Chart.yaml")):
                targets.append((f"{prefix}/{name}", d, os.path.join(golden_dir, name + ".golden.json")))
    return targets


def render_chart_job(target: tuple[str, str, str]) -> dict:
    label, d, _ = target
    return render_chart(d, label)


# ---------------------------------------------------------------------------------------------------------
# Coverage of the function inventory


ACTION = re.compile(r"\{\{(.*?)\}\}", re.S)
STRING_LIT = re.compile(r'"(?:\\.|[^"\\])*"|`[^`]*`|\'(?:\\.|[^\'\\])*\'')
IDENT = re.compile(r"(?<![\w.$])([A-Za-z_][A-Za-z0-9_]*)")


def used_identifiers(text: str) -> set[str]:
    """Bare identifiers (function names, keywords) inside {{ }} actions, string literals removed."""
    names = set()
    for action in ACTION.findall(text):
        names.update(IDENT.findall(STRING_LIT.sub(" ", action)))
    return names


def coverage(areas: list[str]) -> tuple[set[str], list[str]]:
    with open(FUNCTION_NAMES, encoding="utf-8") as f:
        wanted = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    used = set()
    for area in areas:
        for case in load_cases(os.path.join(CASES_DIR, area + ".yaml")):
            for text in [case["template"], case.get("helpers", "")] + list(case.get("files", {}).values()):
                used |= used_identifiers(text)
    return used, [n for n in wanted if n not in used]


# ---------------------------------------------------------------------------------------------------------
# Check mode


def first_difference(a: str, b: str) -> str:
    al, bl = a.splitlines(), b.splitlines()
    for i in range(max(len(al), len(bl))):
        x = al[i] if i < len(al) else "<end>"
        y = bl[i] if i < len(bl) else "<end>"
        if x != y:
            return f"line {i + 1}: committed {x[:100]!r} vs helm {y[:100]!r}"
    return "whitespace/trailing difference"


def shape_ok(record: dict) -> bool:
    text = record.get("output", {}).get("conf/templates/case.yaml")
    return text is not None and re.fullmatch(record["shape"], text) is not None


def compare_area(committed: dict, fresh: dict) -> list[str]:
    problems = []
    old = {c["name"]: c for c in committed.get("cases", [])}
    new = {c["name"]: c for c in fresh["cases"]}
    for name in new:
        if name not in old:
            problems.append(f"{name}: missing from committed golden")
    for name in old:
        if name not in new:
            problems.append(f"{name}: committed but no longer a case")
    for name, n in new.items():
        o = old.get(name)
        if o is None:
            continue
        if "shape" in n:
            if not shape_ok(n):
                problems.append(f"{name}: helm output {n.get('output', n.get('error'))!r:.120} does not match shape")
                continue
            strip = lambda r: {k: v for k, v in r.items() if k != "output"}  # noqa: E731
            if strip(o) != strip(n) or set(o.get("output", {})) != set(n.get("output", {})):
                problems.append(f"{name}: shape case differs outside the random output")
            elif not shape_ok(o):
                problems.append(f"{name}: committed output does not match its shape")
            continue
        if o == n:
            continue
        if "error" in n or "error" in o:
            problems.append(f"{name}: " + first_difference(str(o.get("error", o.get("output"))),
                                                            str(n.get("error", n.get("output")))))
        elif o.get("output") != n.get("output"):
            keys = sorted(set(o.get("output", {})) | set(n.get("output", {})))
            for k in keys:
                a, b = o.get("output", {}).get(k), n.get("output", {}).get(k)
                if a != b:
                    problems.append(f"{name}: {k}: " + first_difference(a or "", b or ""))
                    break
        else:
            problems.append(f"{name}: case inputs differ (files/options/shape)")
    return problems


def compare_chart(committed: dict, fresh: dict) -> list[str]:
    if committed == fresh:
        return []
    for key in sorted(set(committed) | set(fresh)):
        if committed.get(key) != fresh.get(key):
            a, b = committed.get(key), fresh.get(key)
            if isinstance(a, str) and isinstance(b, str):
                return [f"{key}: " + first_difference(a, b)]
            if isinstance(a, dict) and isinstance(b, dict):
                for k in sorted(set(a) | set(b)):
                    if a.get(k) != b.get(k):
                        return [f"{key}[{k}]: " + first_difference(str(a.get(k)), str(b.get(k)))]
            return [f"{key} differs"]
    return []


# ---------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with committed goldens, write nothing")
    parser.add_argument("--area", action="append", default=[], help="only this area (repeatable); 'charts'")
    parser.add_argument("--stability", type=int, default=0, metavar="N",
                        help="render every exact case N more times and fail on outputs that vary")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="worker processes")
    args = parser.parse_args()
    ensure_utc()
    started = time.time()

    all_areas = sorted(f[:-5] for f in os.listdir(CASES_DIR) if f.endswith(".yaml"))
    wanted = args.area or all_areas + ["charts"]
    unknown = [a for a in wanted if a not in all_areas and a != "charts"]
    if unknown:
        print(f"unknown area(s): {', '.join(unknown)}; known: {', '.join(all_areas)}, charts", file=sys.stderr)
        return 2
    areas = [a for a in wanted if a != "charts"]
    charts = chart_targets() if "charts" in wanted else []

    failures: list[str] = []
    counts: dict[str, int] = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        area_jobs = {a: pool.submit(render_area, a, args.stability) for a in areas}
        chart_jobs = {t: pool.submit(render_chart_job, t) for t in charts}
        for area, job in area_jobs.items():
            fresh = job.result()
            counts[area] = len(fresh["cases"])
            for name in fresh.pop("unstable", []):
                failures.append(f"{area}/{name}: Helm's output varies between runs; make it a shape case")
            for name in fresh.pop("invalidUTF8", []):
                failures.append(f"{area}/{name}: Helm's output is not valid UTF-8 (the binding shows U+FFFD)")
            path = os.path.join(GOLDENS_DIR, area + ".json")
            if args.check:
                try:
                    with open(path, encoding="utf-8") as f:
                        committed = json.load(f)
                except FileNotFoundError:
                    failures.append(f"{area}: no committed golden {os.path.relpath(path, ROOT)}")
                    continue
                failures += [f"{area}/{p}" for p in compare_area(committed, fresh)]
            else:
                os.makedirs(GOLDENS_DIR, exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(dump_json(fresh))
        for (label, _, path), job in chart_jobs.items():
            fresh = job.result()
            if args.check:
                try:
                    with open(path, encoding="utf-8") as f:
                        committed = json.load(f)
                except FileNotFoundError:
                    failures.append(f"{label}: no committed golden {os.path.relpath(path, ROOT)}")
                    continue
                failures += [f"{label}: {p}" for p in compare_chart(committed, fresh)]
            else:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(dump_json(fresh))

    if not args.area:
        _, missing = coverage(all_areas)
        if missing:
            failures.append(f"function inventory: no case uses {', '.join(missing)}")

    total = sum(counts.values())
    summary = ", ".join(f"{a} {n}" for a, n in sorted(counts.items()))
    print(f"goldens: {total} cases ({summary}); {len(charts)} charts; {time.time() - started:.1f}s")
    if failures:
        print(f"goldens: {len(failures)} difference(s) from Helm {HELM_VERSION}:", file=sys.stderr)
        for line in failures[:200]:
            print("  " + line, file=sys.stderr)
        if len(failures) > 200:
            print(f"  ... and {len(failures) - 200} more", file=sys.stderr)
        return 1
    if args.check:
        print("goldens: committed goldens match Helm " + HELM_VERSION)
    return 0


if __name__ == "__main__":
    sys.exit(main())
