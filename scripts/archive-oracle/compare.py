#!/usr/bin/env python3
"""Compare helmctl's package / show / repo index with the real Helm v4.2.3 (helm-python-sdk 0.2.2).

usage: .venv/bin/python scripts/archive-oracle/compare.py [--helmctl PATH] [CHART_DIR ...]

For every chart directory (default: charts/* and the archive test fixture) the chart is copied,
every file is stamped with the same mtime, and then:
  * `package`: the gzip header and the decompressed tar stream must be identical (the deflate bytes
    differ: Go's compress/flate vs zlib). Helm writes several subcharts in Go map order, so for
    charts with more than one subchart the tar entries are compared as a set instead.
  * Helm must load helmctl's archive and helmctl must load Helm's (same name, version, files).
  * `show all|chart|values|readme|crds` on the directory and on both archives must print the same.
  * `repo index` over both sets of archives must agree apart from timestamps and digests.
Exit status 1 on any difference.
"""
import argparse, gzip, os, re, shutil, subprocess, sys, tarfile, tempfile

from helm_python import Chart, chart as C, registry as R

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MTIME = 1_700_000_000.6
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("DIFF", msg)


def stamp(src, dst):
    shutil.copytree(src, dst, symlinks=False)
    for root, _, files in os.walk(dst):
        for f in files:
            os.utime(os.path.join(root, f), (MTIME, MTIME))


def tar_members(data):
    with tarfile.open(fileobj=__import__("io").BytesIO(data)) as t:
        return sorted((m.name, m.mtime, m.mode, t.extractfile(m).read()) for m in t.getmembers())


def subchart_count(d):
    charts = os.path.join(d, "charts")
    return len(os.listdir(charts)) if os.path.isdir(charts) else 0


def run(helmctl, *args):
    p = subprocess.run([helmctl, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def norm_index(text):
    text = re.sub(r'"\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)"', '"TIME"', text)
    return re.sub(r"[0-9a-f]{64}", "DIGEST", text)


def compare(helmctl, src, work):
    name = os.path.basename(os.path.normpath(src))
    chart_dir = os.path.join(work, "src", name)
    stamp(src, chart_dir)
    hdir, mdir = os.path.join(work, "helm"), os.path.join(work, "helmctl")
    os.makedirs(hdir)
    os.makedirs(mdir)
    try:
        hpath = C.package(chart_dir, destination=hdir)
    except Exception as e:  # Helm refuses it: helmctl must refuse it the same way
        code, _, err = run(helmctl, "package", chart_dir, "-d", mdir)
        if code == 0 or str(e) not in err:
            fail(f"{name}: helm failed with {e!r}, helmctl: {err.strip()!r}")
        return
    code, out, err = run(helmctl, "package", chart_dir, "-d", mdir)
    if code != 0:
        fail(f"{name}: helmctl package failed: {err.strip()}")
        return
    mpath = out.strip().rsplit(": ", 1)[-1]
    if not os.path.isfile(mpath):
        fail(f"{name}: helmctl printed {out.strip()!r}, no archive there")
        return
    if os.path.basename(mpath) != os.path.basename(hpath):
        fail(f"{name}: archive names {os.path.basename(mpath)} vs {os.path.basename(hpath)}")
    hb, mb = open(hpath, "rb").read(), open(mpath, "rb").read()
    if hb[:52] != mb[:52]:
        fail(f"{name}: gzip headers differ")
    ht, mt = gzip.decompress(hb), gzip.decompress(mb)
    if subchart_count(chart_dir) <= 1:
        if ht != mt:
            fail(f"{name}: tar streams differ")
    elif tar_members(hb) != tar_members(mb):
        fail(f"{name}: tar entries differ")
    # Each tool loads the other's archive.
    # Helm loads helmctl's archive as it loads its own (helmctl loading Helm's is covered by show).
    mine, theirs = Chart.load(mpath), Chart.load(hpath)
    if (mine.name, mine.version, mine.files, mine.templates) != (
            theirs.name, theirs.version, theirs.files, theirs.templates):
        fail(f"{name}: helm loads helmctl's archive differently from its own")
    for ref in (chart_dir, hpath, mpath):
        for fmt in ("all", "chart", "values", "readme", "crds"):
            want = R.show(ref, output_format=fmt)
            code, got, err = run(helmctl, "show", fmt, ref)
            if got != want:
                fail(f"{name}: show {fmt} {os.path.basename(ref)} differs ({err.strip()})")
    # repo index over each tool's archive.
    R.repo_index_generate(hdir, base_url="https://charts.example.com/x")
    code, _, err = run(helmctl, "repo", "index", mdir, "--url", "https://charts.example.com/x")
    hi = norm_index(open(os.path.join(hdir, "index.yaml")).read())
    mi = norm_index(open(os.path.join(mdir, "index.yaml")).read())
    if hi != mi:
        fail(f"{name}: repo index differs ({err.strip()})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--helmctl", default=os.path.join(ROOT, ".build/debug/helmctl"))
    ap.add_argument("charts", nargs="*")
    a = ap.parse_args()
    charts = a.charts or sorted(
        [os.path.join(ROOT, "charts", d) for d in os.listdir(os.path.join(ROOT, "charts"))]
        + [os.path.join(ROOT, "Tests/ChartEngineTests/Fixtures/archive/pkgchart")])
    for c in charts:
        work = tempfile.mkdtemp(prefix="archive-oracle-")
        try:
            compare(a.helmctl, c, work)
            print("checked", os.path.relpath(c, ROOT))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{failures} difference(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
