# Strategic merge cases on the real built-in schema table (BuiltinSchemas.all).
from common import write
B = "strategic-builtin"
DEP, POD, SVC, NODE, CM, CRD = ("apps/v1 Deployment", "v1 Pod", "v1 Service", "v1 Node", "v1 ConfigMap",
                                "apiextensions.k8s.io/v1 CustomResourceDefinition")

def dep(containers, **podspec):
    spec = {"containers": containers}
    spec.update(podspec)
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}}, "spec": spec}}}

def tpl(**podspec):
    return {"spec": {"template": {"spec": podspec}}}

write(B, "deployment-set-image", "kubectl set image on a real Deployment: containers merge by name, order kept",
      kind=DEP,
      original=dep([{"name": "web", "image": "nginx:1.26"}, {"name": "log", "image": "fluent-bit:3"}]),
      patch=tpl(**{"$setElementOrder/containers": [{"name": "web"}, {"name": "log"}],
                   "containers": [{"image": "nginx:1.27", "name": "web"}]}),
      expected=dep([{"name": "web", "image": "nginx:1.27"}, {"name": "log", "image": "fluent-bit:3"}]))
write(B, "deployment-container-ports", "container ports merge by containerPort",
      kind=DEP,
      original=dep([{"name": "web", "ports": [{"containerPort": 80, "protocol": "TCP"}]}]),
      patch=tpl(containers=[{"name": "web", "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 9113, "name": "metrics"}]}]),
      expected=dep([{"name": "web", "ports": [{"containerPort": 80, "protocol": "TCP", "name": "http"},
                                              {"containerPort": 9113, "name": "metrics"}]}]))
write(B, "deployment-volume-mounts", "volumeMounts merge by mountPath",
      kind=DEP,
      original=dep([{"name": "web", "volumeMounts": [{"name": "cfg", "mountPath": "/etc/nginx"}]}]),
      patch=tpl(containers=[{"name": "web", "volumeMounts": [{"mountPath": "/etc/nginx", "readOnly": True},
                                                             {"name": "cache", "mountPath": "/var/cache"}]}]),
      expected=dep([{"name": "web", "volumeMounts": [{"name": "cfg", "mountPath": "/etc/nginx", "readOnly": True},
                                                     {"name": "cache", "mountPath": "/var/cache"}]}]))
write(B, "deployment-env", "env merges by name; $patch: delete drops one; without $setElementOrder a new element goes before the untouched ones (apimachinery)",
      kind=DEP,
      original=dep([{"name": "web", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}]),
      patch=tpl(containers=[{"name": "web", "env": [{"name": "A", "$patch": "delete"}, {"name": "C", "value": "3"}]}]),
      expected=dep([{"name": "web", "env": [{"name": "C", "value": "3"}, {"name": "B", "value": "2"}]}]))
write(B, "deployment-init-containers", "initContainers merge by name too",
      kind=DEP,
      original=dep([{"name": "web"}], initContainers=[{"name": "migrate", "image": "m:1"}]),
      patch=tpl(initContainers=[{"name": "migrate", "image": "m:2"}]),
      expected=dep([{"name": "web"}], initContainers=[{"name": "migrate", "image": "m:2"}]))
write(B, "deployment-tolerations-atomic", "tolerations carry no patch strategy: replaced",
      kind=DEP,
      original=dep([{"name": "web"}], tolerations=[{"key": "a", "operator": "Exists"}]),
      patch=tpl(tolerations=[{"key": "b", "operator": "Exists", "effect": "NoSchedule"}]),
      expected=dep([{"name": "web"}], tolerations=[{"key": "b", "operator": "Exists", "effect": "NoSchedule"}]))
write(B, "deployment-resources", "resource limits are a map of quantities: keys merge, null deletes",
      kind=DEP,
      original=dep([{"name": "web", "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "100m"}}}]),
      patch=tpl(containers=[{"name": "web", "resources": {"limits": {"cpu": "1", "memory": None}}}]),
      expected=dep([{"name": "web", "resources": {"limits": {"cpu": "1"}, "requests": {"cpu": "100m"}}}]))
write(B, "deployment-probe-inline-handler", "Probe's inline handler: httpGet is a field of the probe itself",
      kind=DEP,
      original=dep([{"name": "web", "livenessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 10}}]),
      patch=tpl(containers=[{"name": "web", "livenessProbe": {"httpGet": {"path": "/healthz"}}}]),
      expected=dep([{"name": "web", "livenessProbe": {"httpGet": {"path": "/healthz", "port": 80}, "periodSeconds": 10}}]))
write(B, "deployment-volume-source-switch", "volumes merge by name; $retainKeys swaps the inline volume source",
      kind=DEP,
      original=dep([{"name": "web"}], volumes=[{"name": "cfg", "configMap": {"name": "web-cfg"}}, {"name": "tmp", "emptyDir": {}}]),
      patch=tpl(volumes=[{"$retainKeys": ["name", "secret"], "name": "cfg", "secret": {"secretName": "web-secret"}}]),
      expected=dep([{"name": "web"}], volumes=[{"name": "cfg", "secret": {"secretName": "web-secret"}}, {"name": "tmp", "emptyDir": {}}]))
write(B, "deployment-strategy-recreate", "Deployment strategy (retainKeys): switching to Recreate drops rollingUpdate",
      kind=DEP,
      original={"spec": {"replicas": 1, "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}}},
      patch={"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate", "rollingUpdate": None}}},
      expected={"spec": {"replicas": 1, "strategy": {"type": "Recreate"}}})
write(B, "deployment-scale-replicas", "a plain field change",
      kind=DEP, original=dep([{"name": "web"}]), patch={"spec": {"replicas": 5}},
      expected={**dep([{"name": "web"}]), "spec": {**dep([{"name": "web"}])["spec"], "replicas": 5}})
write(B, "finalizers-merge-and-delete", "metadata.finalizers is a merge-strategy primitive list",
      kind=CM,
      original={"metadata": {"name": "c", "finalizers": ["example.com/a", "example.com/b"]}},
      patch={"metadata": {"finalizers": ["example.com/c"], "$deleteFromPrimitiveList/finalizers": ["example.com/a"]}},
      expected={"metadata": {"name": "c", "finalizers": ["example.com/c", "example.com/b"]}})
write(B, "pod-image-pull-secrets", "imagePullSecrets merge by name",
      kind=POD,
      original={"spec": {"containers": [{"name": "a"}], "imagePullSecrets": [{"name": "one"}]}},
      patch={"spec": {"imagePullSecrets": [{"name": "two"}]}},
      expected={"spec": {"containers": [{"name": "a"}], "imagePullSecrets": [{"name": "two"}, {"name": "one"}]}})
write(B, "service-ports-by-port", "Service ports merge by port",
      kind=SVC,
      original={"spec": {"type": "ClusterIP", "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}, {"port": 443}]}},
      patch={"spec": {"ports": [{"port": 80, "targetPort": "http"}]}},
      expected={"spec": {"type": "ClusterIP", "ports": [{"port": 80, "targetPort": "http", "protocol": "TCP"}, {"port": 443}]}})
write(B, "node-cordon", "kubectl cordon: spec.unschedulable",
      kind=NODE, original={"metadata": {"name": "n1"}, "spec": {"podCIDR": "10.0.0.0/24"}},
      patch={"spec": {"unschedulable": True}},
      expected={"metadata": {"name": "n1"}, "spec": {"podCIDR": "10.0.0.0/24", "unschedulable": True}})
write(B, "node-taints-atomic", "node taints are atomic: replaced",
      kind=NODE, original={"spec": {"taints": [{"key": "a", "effect": "NoSchedule"}]}},
      patch={"spec": {"taints": [{"key": "b", "effect": "NoExecute"}]}},
      expected={"spec": {"taints": [{"key": "b", "effect": "NoExecute"}]}})
write(B, "crd-dollar-ref-is-a-field", "JSONSchemaProps' $ref is a real field, not a directive",
      kind=CRD,
      original={"spec": {"group": "example.com", "versions": [{"name": "v1", "served": True}]}},
      patch={"spec": {"versions": [{"name": "v1", "served": True, "schema": {"openAPIV3Schema": {"$ref": "#/definitions/x", "type": "object"}}}]}},
      expected={"spec": {"group": "example.com", "versions": [{"name": "v1", "served": True, "schema": {"openAPIV3Schema": {"$ref": "#/definitions/x", "type": "object"}}}]}})
write(B, "embedded-json-keeps-dollar-keys", "free-form JSON (a CRD default) may hold any key",
      kind=CRD,
      original={"spec": {"versions": []}},
      patch={"spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {"default": {"$weird": 1}}}}]}},
      expected={"spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {"default": {"$weird": 1}}}}]}})
write(B, "error-unknown-directive-in-message", "a $ key a message does not declare is a mistyped directive",
      kind=DEP, original=dep([{"name": "web"}]), patch={"spec": {"$setElemntOrder/containers": []}},
      error='unknown strategic merge patch directive "$setElemntOrder/containers"', status=400)
