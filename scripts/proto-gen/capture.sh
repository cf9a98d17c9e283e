#!/usr/bin/env bash
# Records the protobuf bodies the real kubectl sends for `kubectl create ...` and the JSON the same command
# prints with --dry-run=client -o json, into Tests/ClusterAPITests/Fixtures/protobuf/<name>.pb / <name>.json.
# Network: 127.0.0.1 only (scripts/proto-gen/record.py). Usage: scripts/proto-gen/capture.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/Tests/ClusterAPITests/Fixtures/protobuf"
mkdir -p "$out"
work="$(mktemp -d)"
python3 "$here/record.py" "$work/rec" > "$work/port" &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(head -1 "$work/port")"
cat > "$work/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: rec, cluster: {server: "http://127.0.0.1:$port"}}]
users: [{name: rec, user: {token: test}}]
contexts: [{name: rec, context: {cluster: rec, user: rec, namespace: default}}]
current-context: rec
KC
printf 'bin\x00\xff\xfe\x01' > "$work/blob.bin"
export KUBECONFIG="$work/kubeconfig"

capture() {  # name, kubectl create args...
    local name="$1"; shift
    local before after body
    before="$(ls "$work/rec" 2>/dev/null | grep -c '\.body$' || true)"
    HOME="$work/home-$name" KUBECACHEDIR="$work/cache-$name" kubectl create "$@" >/dev/null
    body="$(ls "$work/rec"/*.body | sort | tail -1)"
    after="$(ls "$work/rec" | grep -c '\.body$')"
    if [ "$after" = "$before" ]; then echo "no body recorded for $name" >&2; exit 1; fi
    cp "$body" "$out/$name.pb"
    HOME="$work/home-$name" KUBECACHEDIR="$work/cache-$name" kubectl create --dry-run=client -o json "$@" > "$out/$name.json"
    echo "captured $name ($(stat -c %s "$out/$name.pb") bytes)"
}

capture deployment deployment web --image=nginx:1.27 --replicas=3 --port=80
capture deployment-zero deployment idle --image=busybox:1.36 --replicas=0
capture namespace namespace team-a
capture configmap configmap app-config --from-literal=key=value --from-literal=empty= --from-literal=multi='line one
line two'
capture configmap-binary configmap blobs --from-file=blob.bin="$work/blob.bin"
capture secret secret generic creds --from-literal=username=admin --from-literal=password='s3cr3t!'
capture secret-docker secret docker-registry regcred --docker-server=registry.example.com --docker-username=u --docker-password=p
capture serviceaccount serviceaccount builder
capture job job hello --image=busybox:1.36 -- echo hi
capture service service clusterip web --tcp=80:8080 --tcp=443:https
capture service-nodeport service nodeport np --tcp=80:8080 --node-port=30080
capture service-external service externalname ext --external-name=db.example.com
capture cronjob cronjob tick --image=busybox:1.36 --schedule='*/5 * * * *' -- date
capture role role reader --verb=get,list,watch --resource=pods,configmaps --resource-name=x
capture clusterrole clusterrole nodes-reader --verb=get --resource=nodes --non-resource-url=/healthz --verb=get
capture rolebinding rolebinding read --role=reader --serviceaccount=default:builder
capture clusterrolebinding clusterrolebinding admins --clusterrole=cluster-admin --user=alice --group=ops
capture quota quota compute --hard=cpu=1,memory=1Gi,pods=10 --scopes=NotTerminating
capture priorityclass priorityclass high --value=1000 --description=important --preemption-policy=Never
capture priorityclass-zero priorityclass floor --value=0
capture pdb poddisruptionbudget web-pdb --selector=app=web --min-available=1
capture pdb-percent poddisruptionbudget web-pdb2 --selector=app=web --max-unavailable=50%
capture ingress ingress web --class=nginx --rule='example.com/api*=api:80' --rule='example.com/=web:http,tls=web-tls'
capture token-free-secret secret generic empty-secret
