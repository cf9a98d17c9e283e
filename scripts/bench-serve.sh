#!/usr/bin/env bash
# Load test: `helmctl serve` against nginx serving the same directory, with wrk, on 127.0.0.1 only.
# Measures requests/s for index.yaml and for a ~100 KB chart archive and prints helmctl/nginx ratios
# (issue 3 target: >= 0.5x nginx). Installs wrk and nginx from Debian if missing, builds helmctl in
# release mode (SKIP_BUILD=1 to reuse .build/release/helmctl), and stops every process it started.
#   DURATION=5s THREADS=2 CONNECTIONS=32 scripts/bench-serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-2}   # alternate helmctl/nginx this many times per target and keep each one's best

THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
[ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  swift build -c release --product helmctl 2>&1 | tail -1
fi
HELMCTL=$PWD/.build/release/helmctl

work=$(mktemp -d /tmp/bench-serve.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# The repository: 20 small charts plus one chart whose archive is ~100 KB (incompressible padding).
mkdir -p "$work/repo" "$work/src"
for i in $(seq 1 20); do
  d="$work/src/chart$i"; mkdir -p "$d/templates"
  printf 'apiVersion: v2\nname: chart%s\nversion: 1.%s.0\ndescription: benchmark chart %s\n' "$i" "$i" "$i" > "$d/Chart.yaml"
  printf 'kind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n' > "$d/templates/cm.yaml"
  "$HELMCTL" package "$d" -d "$work/repo" >/dev/null
done
d="$work/src/big"; mkdir -p "$d"
printf 'apiVersion: v2\nname: big\nversion: 1.0.0\n' > "$d/Chart.yaml"
head -c 100000 /dev/urandom > "$d/blob.bin"
"$HELMCTL" package "$d" -d "$work/repo" >/dev/null
big=big-1.0.0.tgz
echo "archive: $big $(stat -c %s "$work/repo/$big") bytes; 21 charts"

hport=$(free_port)
"$HELMCTL" serve --repo-dir "$work/repo" --address "127.0.0.1:$hport" >"$work/helmctl.out" 2>"$work/helmctl.log" &
pids+=($!)

nport=$(free_port)
# nginx gets a static index.yaml made by `helmctl repo index` for the same URLs.
"$HELMCTL" repo index "$work/repo" --url "http://127.0.0.1:$nport" 2>/dev/null
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
$( [ "$(id -u)" -eq 0 ] && echo "user root;" )
events { worker_connections 1024; }
http {
  types { application/x-yaml yaml; application/x-tar tgz; }
  access_log $work/nginx/access.log;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nport;
    root $work/repo;
  }
}
CONF
/usr/sbin/nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)

for port in "$hport" "$nport"; do
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/index.yaml" && break
    sleep 0.1
  done
done
curl -sf -o /dev/null "http://127.0.0.1:$hport/$big"
cmp <(curl -sf "http://127.0.0.1:$hport/$big") "$work/repo/$big"

rps() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$1" | awk '/Requests\/sec:/ {print $2}'; }

best() { python3 -c "import sys; print(max(float(x) for x in sys.argv[1:]))" "$@"; }

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, best of $ROUNDS alternating rounds; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %14s %14s %8s\n' target helmctl_req/s nginx_req/s ratio
for target in index.yaml "$big"; do
  hs=(); ns=()
  for _ in $(seq 1 "$ROUNDS"); do
    hs+=("$(rps "http://127.0.0.1:$hport/$target")")
    ns+=("$(rps "http://127.0.0.1:$nport/$target")")
  done
  h=$(best "${hs[@]}"); n=$(best "${ns[@]}")
  printf '%-12s %14s %14s %8s\n' "${target%%-1.0.0.tgz}" "$h" "$n" "$(python3 -c "print(f'{$h/$n:.2f}')")"
done
