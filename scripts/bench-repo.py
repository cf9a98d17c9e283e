#!/usr/bin/env python3
"""Repository benchmark: `repo index` over 1000 archives and `package` of a large chart, helmctl against the
real Helm v4.2.3 (helm-python-sdk 0.2.2) in the same run.

Helm is timed in-process (repo_index_generate / package); helmctl as whole processes (release build).
Their runs alternate, so a drift of the machine's speed weighs on both alike. BENCH_BLOCKS=1 also times
package back to back (each tool's runs in a row: Helm, helmctl, helmctl, Helm). Prints medians and the
ratio helmctl/Helm; the issue's target is <= 0.33.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench-out")
HELMCTL = os.path.join(ROOT, ".build", "release", "helmctl")


def paired_median_ms(helm, helmctl, repeat):
    """Median times of `helm` and `helmctl`, their runs interleaved (Helm, helmctl, Helm, …) so a
    drift of the machine's speed during the measurement weighs on both alike."""
    times = ([], [])
    for _ in range(repeat):
        for fn, out in ((helm, times[0]), (helmctl, times[1])):
            t = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def make_archives(dest, n=1000):
    """n archives: webapp packaged once, then re-packaged under n versions (distinct name/version/digest)."""
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    src = os.path.join(ROOT, "charts", "webapp")
    for i in range(n):
        subdir = os.path.join(dest, f"d{i % 10}") if i % 2 else dest  # exercise `*/*.tgz` too
        os.makedirs(subdir, exist_ok=True)
        subprocess.run([HELMCTL, "package", src, "-d", subdir, "--version", f"0.{i // 100}.{i % 100}"],
                       check=True, capture_output=True)


def main():
    import helm_python
    repeat = int(os.environ.get("BENCH_REPEAT", "5"))
    repo = os.path.join(OUT, "repo1000")
    make_archives(repo)

    def helm_index():
        helm_python.repo_index_generate(repo, base_url="https://charts.example.com")

    def helmctl_index():
        subprocess.run([HELMCTL, "repo", "index", repo, "--url", "https://charts.example.com"], check=True,
                       capture_output=True)

    helm_index()  # warm-up: page cache, the SDK's first call
    h, c = paired_median_ms(helm_index, helmctl_index, repeat)
    print(f"repo index (1000 archives)   helm {h:9.1f} ms   helmctl {c:9.1f} ms   ratio {c / h:.3f}")

    big = os.path.join(OUT, "gen500")
    if not os.path.isdir(big):
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "bench.py")], check=True)
    pkg_helm = os.path.join(OUT, "pkg-helm")
    pkg_ctl = os.path.join(OUT, "pkg-helmctl")
    for d in (pkg_helm, pkg_ctl):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    helm_package = lambda: helm_python.package(big, destination=pkg_helm)
    helmctl_package = lambda: subprocess.run([HELMCTL, "package", big, "-d", pkg_ctl], check=True, capture_output=True)
    h, c = paired_median_ms(helm_package, helmctl_package, repeat)
    print(f"package (500-template chart) helm {h:9.1f} ms   helmctl {c:9.1f} ms   ratio {c / h:.3f}")
    if os.environ.get("BENCH_BLOCKS") == "1":
        # Back to back: each tool's calls in a row (Helm warm in-process, as in its own loop), in the
        # order Helm, helmctl, helmctl, Helm so a drift of the machine weighs on both.
        from bench import median_ms  # scripts/bench.py, beside this script
        h1, c1, c2, h2 = (median_ms(fn, repeat) for fn in (helm_package, helmctl_package, helmctl_package, helm_package))
        print(f"package back to back         helm {h1:.1f}/{h2:.1f} ms   helmctl {c1:.1f}/{c2:.1f} ms   "
              f"ratio {(c1 + c2) / (h1 + h2):.3f}")
    print("target: ratio <= 0.333")


if __name__ == "__main__":
    sys.exit(main())
