#!/usr/bin/env python3
"""Rendering benchmark: helmctl against the real Helm v4.2.3 (helm-python-sdk 0.2.2), same machine, same run.

Charts: a generated chart of 500 templates (bench-out/gen500) and the largest fixture charts.
Helm is timed in-process on a chart loaded once (only `render` is timed). helmctl is timed in-process
(`helmctl-bench`, render only, release build) and as a whole process (`helmctl template`, start to exit).
Prints one line per chart with medians and the ratio helmctl/Helm.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench-out")
BIN = os.path.join(ROOT, ".build", "release")

HELPERS = '''{{- define "gen.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "gen.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}
{{- define "gen.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "gen.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
{{- define "gen.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gen.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
'''

TEMPLATE = '''{{- $c := index .Values.components "c%(i)d" }}
{{- if $c.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "gen.fullname" . }}-c%(i)d
  labels:
    {{- include "gen.labels" . | nindent 4 }}
    component: c%(i)d
  annotations:
    checksum/config: {{ toJson $c | sha256sum }}
spec:
  replicas: {{ $c.replicas | default 1 }}
  selector:
    matchLabels:
      {{- include "gen.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "gen.selectorLabels" . | nindent 8 }}
    spec:
      containers:
        - name: main
          image: "{{ $c.image.repository }}:{{ $c.image.tag | default .Chart.AppVersion }}"
          {{- with $c.env }}
          env:
            {{- range $k, $v := . }}
            - name: {{ $k | upper }}
              value: {{ $v | quote }}
            {{- end }}
          {{- end }}
          ports:
            {{- range $c.ports }}
            - containerPort: {{ . }}
            {{- end }}
          resources:
            {{- toYaml $c.resources | nindent 12 }}
{{- end }}
'''


def gen_chart(path, n=500):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(os.path.join(path, "templates"))
    with open(os.path.join(path, "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: gen\nversion: 1.0.0\nappVersion: \"2.1.0\"\n")
    with open(os.path.join(path, "templates", "_helpers.tpl"), "w") as f:
        f.write(HELPERS)
    lines = ["components:"]
    for i in range(n):
        lines += [
            f"  c{i}:", "    enabled: true", f"    replicas: {i % 5 + 1}",
            "    image:", f"      repository: registry.local/app{i}", "      tag: \"\"",
            "    env:", f"      LOG_LEVEL: info", f"      SHARD: \"{i}\"", "      FEATURE_X: \"on\"",
            "    ports: [8080, 9090]",
            "    resources:", "      limits:", "        cpu: 500m", "        memory: 256Mi",
            "      requests:", "        cpu: 100m", "        memory: 128Mi",
        ]
        with open(os.path.join(path, "templates", f"c{i}.yaml"), "w") as f:
            f.write(TEMPLATE % {"i": i})
    with open(os.path.join(path, "values.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def median_ms(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def helm_ms(chart_dir, repeat):
    from helm_python import Chart
    chart = Chart.load(chart_dir)
    chart.render({}, name="bench", namespace="default")  # warm-up
    return median_ms(lambda: chart.render({}, name="bench", namespace="default"), repeat)


def helmctl_inprocess_ms(chart_dir, repeat):
    out = subprocess.run([os.path.join(BIN, "helmctl-bench"), "--repeat", str(repeat), chart_dir],
                         check=True, capture_output=True, text=True).stdout
    return float(out.strip().split()[-1])


def helmctl_process_ms(chart_dir, repeat):
    cmd = [os.path.join(BIN, "helmctl"), "template", "bench", chart_dir]
    subprocess.run(cmd, check=True, capture_output=True)  # warm-up (page cache)
    return median_ms(lambda: subprocess.run(cmd, check=True, capture_output=True), repeat)


def main():
    gen = os.path.join(OUT, "gen500")
    gen_chart(gen)
    charts = [gen]
    fixtures = os.path.join(ROOT, "Tests", "ChartEngineTests", "Fixtures", "charts")
    if os.path.isdir(fixtures):
        sized = []
        for name in os.listdir(fixtures):
            p = os.path.join(fixtures, name)
            if os.path.isdir(p):
                size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(p) for f in fs)
                sized.append((size, p))
        charts += [p for _, p in sorted(sized, reverse=True)[:3]]
    for p in ("charts/webapp", "charts/umbrella"):
        if os.path.isdir(os.path.join(ROOT, p)):
            charts.append(os.path.join(ROOT, p))
    repeat = int(os.environ.get("BENCH_REPEAT", "15"))
    print(f"{'chart':<28} {'helm ms':>9} {'helmctl in-proc ms':>19} {'helmctl process ms':>19} {'proc/helm':>10} {'inproc/helm':>12}")
    for c in charts:
        h = helm_ms(c, repeat)
        i = helmctl_inprocess_ms(c, repeat)
        p = helmctl_process_ms(c, repeat)
        print(f"{os.path.basename(c):<28} {h:9.2f} {i:19.2f} {p:19.2f} {p / h:10.3f} {i / h:12.3f}")
    print("target: helmctl whole-process <= 1/3 of Helm in-process on large charts (proc/helm <= 0.333)")


if __name__ == "__main__":
    sys.exit(main())
