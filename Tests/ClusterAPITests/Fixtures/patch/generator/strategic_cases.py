from common import write
S = "strategic"
POD, DEP, CM = "v1 Pod", "apps/v1 Deployment", "v1 ConfigMap"

def pod(containers, **spec):
    s = {"containers": containers}
    s.update(spec)
    return {"metadata": {"name": "p"}, "spec": s}

write(S, "map-merge-and-null-delete", "maps merge recursively; null deletes a field",
      kind=POD,
      original={"metadata": {"name": "p", "labels": {"app": "web", "tier": "fe"}, "annotations": {"a": "1"}}},
      patch={"metadata": {"labels": {"tier": None, "env": "prod"}, "annotations": None}},
      expected={"metadata": {"name": "p", "labels": {"app": "web", "env": "prod"}}})
write(S, "kubectl-edit-configmap", "kubectl edit sends only the changed data key",
      kind=CM, original={"metadata": {"name": "c"}, "data": {"key": "v", "other": "o"}},
      patch={"data": {"key": "edited"}},
      expected={"metadata": {"name": "c"}, "data": {"key": "edited", "other": "o"}})
write(S, "keyed-merge-containers", "containers merge by name: a named container is patched, a new one follows the patched ones (apimachinery order)",
      kind=POD,
      original=pod([{"name": "app", "image": "nginx:1", "args": ["a"]}, {"name": "side", "image": "busybox"}]),
      patch={"spec": {"containers": [{"name": "app", "image": "nginx:2"}, {"name": "new", "image": "redis"}]}},
      expected=pod([{"name": "app", "image": "nginx:2", "args": ["a"]}, {"name": "new", "image": "redis"},
                    {"name": "side", "image": "busybox"}]))
write(S, "keyed-merge-patch-order", "patched elements come first unless an untouched element preceded them",
      kind=POD,
      original=pod([{"name": "a"}, {"name": "b"}, {"name": "c"}]),
      patch={"spec": {"containers": [{"name": "d"}, {"name": "a", "image": "x"}]}},
      expected=pod([{"name": "d"}, {"name": "a", "image": "x"}, {"name": "b"}, {"name": "c"}]))
write(S, "keyed-delete-directive", "an element with $patch: delete removes the element with that key",
      kind=POD,
      original=pod([{"name": "app", "image": "a"}, {"name": "side", "image": "b"}]),
      patch={"spec": {"containers": [{"name": "side", "$patch": "delete"}]}},
      expected=pod([{"name": "app", "image": "a"}]))
write(S, "keyed-replace-directive", "a $patch: replace element makes the other elements the whole list",
      kind=POD,
      original=pod([{"name": "app", "image": "a", "args": ["x"]}, {"name": "side", "image": "b"}]),
      patch={"spec": {"containers": [{"name": "app", "image": "z"}, {"$patch": "replace"}]}},
      expected=pod([{"name": "app", "image": "z"}]))
write(S, "nested-env-merge", "containers[name].env merges by env name, deep inside the pod template",
      kind=DEP,
      original={"spec": {"replicas": 1, "template": {"spec": {"containers": [
          {"name": "app", "image": "a", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}]}}}},
      patch={"spec": {"template": {"spec": {"containers": [
          {"name": "app", "env": [{"name": "B", "value": "3"}, {"name": "C", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                                  {"name": "A", "$patch": "delete"}]}]}}}},
      expected={"spec": {"replicas": 1, "template": {"spec": {"containers": [
          {"name": "app", "image": "a", "env": [{"name": "B", "value": "3"},
                                                 {"name": "C", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}]}}}})
write(S, "container-ports-by-containerPort", "container ports merge by containerPort (a number)",
      kind=POD,
      original=pod([{"name": "app", "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 443}]}]),
      patch={"spec": {"containers": [{"name": "app", "ports": [{"containerPort": 443, "name": "https"}, {"containerPort": 9090}]}]}},
      expected=pod([{"name": "app", "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 443, "name": "https"},
                                              {"containerPort": 9090}]}]))
write(S, "merge-key-int-matches-float", "a merge key of 80 matches a stored 80.0",
      kind=POD,
      original=pod([{"name": "app", "ports": [{"containerPort": 80.0, "protocol": "TCP"}]}]),
      patch={"spec": {"containers": [{"name": "app", "ports": [{"containerPort": 80, "name": "http"}]}]}},
      expected=pod([{"name": "app", "ports": [{"containerPort": 80, "protocol": "TCP", "name": "http"}]}]))
write(S, "volume-mounts-by-mountPath", "volumeMounts merge by mountPath, not by name",
      kind=POD,
      original=pod([{"name": "app", "volumeMounts": [{"name": "data", "mountPath": "/data"}, {"name": "data", "mountPath": "/cache"}]}]),
      patch={"spec": {"containers": [{"name": "app", "volumeMounts": [{"mountPath": "/data", "readOnly": True}]}]}},
      expected=pod([{"name": "app", "volumeMounts": [{"name": "data", "mountPath": "/data", "readOnly": True},
                                                     {"name": "data", "mountPath": "/cache"}]}]))
write(S, "primitive-list-union", "a merge-strategy list of scalars (finalizers) becomes an ordered union",
      kind=POD,
      original={"metadata": {"finalizers": ["a", "b"]}},
      patch={"metadata": {"finalizers": ["c", "a"]}},
      expected={"metadata": {"finalizers": ["c", "a", "b"]}})
write(S, "delete-from-primitive-list", "$deleteFromPrimitiveList/<field> removes scalars",
      kind=POD,
      original={"metadata": {"finalizers": ["a", "b", "c"]}},
      patch={"metadata": {"$deleteFromPrimitiveList/finalizers": ["b", "x"]}},
      expected={"metadata": {"finalizers": ["a", "c"]}})
write(S, "primitive-list-add-and-delete", "additions and a deletion list in the same patch",
      kind=POD,
      original={"metadata": {"finalizers": ["a", "b"]}},
      patch={"metadata": {"finalizers": ["d"], "$deleteFromPrimitiveList/finalizers": ["a"],
                          "$setElementOrder/finalizers": ["b", "d"]}},
      expected={"metadata": {"finalizers": ["b", "d"]}})
write(S, "set-element-order-containers", "$setElementOrder reorders a keyed list (kubectl apply reordering)",
      kind=POD,
      original=pod([{"name": "a", "image": "1"}, {"name": "b", "image": "2"}, {"name": "c", "image": "3"}]),
      patch={"spec": {"$setElementOrder/containers": [{"name": "c"}, {"name": "a"}, {"name": "b"}]}},
      expected=pod([{"name": "c", "image": "3"}, {"name": "a", "image": "1"}, {"name": "b", "image": "2"}]))
write(S, "kubectl-set-image", "kubectl set image: one changed container plus the element order",
      kind=DEP,
      original={"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1"}, {"name": "log", "image": "fluent"}]}}}},
      patch={"spec": {"template": {"spec": {"$setElementOrder/containers": [{"name": "web"}, {"name": "log"}],
                                            "containers": [{"name": "web", "image": "nginx:2"}]}}}},
      expected={"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:2"}, {"name": "log", "image": "fluent"}]}}}})
write(S, "set-element-order-keeps-server-only", "a server-only element stays ahead of listed ones it preceded in the object (apimachinery mergeSortedSlice)",
      kind=POD,
      original=pod([{"name": "a"}, {"name": "server"}, {"name": "b"}]),
      patch={"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "a"}, {"name": "extra"}],
                      "containers": [{"name": "extra", "image": "new"}]}},
      expected=pod([{"name": "server"}, {"name": "b"}, {"name": "a"}, {"name": "extra", "image": "new"}]))
write(S, "set-element-order-primitives", "$setElementOrder on a list of scalars",
      kind=POD,
      original={"metadata": {"finalizers": ["a", "b", "c"]}},
      patch={"metadata": {"$setElementOrder/finalizers": ["c", "b", "a"]}},
      expected={"metadata": {"finalizers": ["c", "b", "a"]}})
write(S, "kubectl-apply-three-way", "a kubectl apply patch: changed, added and deleted containers, order, new annotation",
      kind=DEP,
      original={"metadata": {"name": "web", "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{old}"}},
                "spec": {"replicas": 3, "template": {"spec": {"containers": [
                    {"name": "web", "image": "nginx:1", "ports": [{"containerPort": 80}]},
                    {"name": "old", "image": "busybox"}]}}}},
      patch={"metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{new}"}},
             "spec": {"template": {"spec": {
                 "$setElementOrder/containers": [{"name": "metrics"}, {"name": "web"}],
                 "containers": [{"name": "metrics", "image": "prom"}, {"name": "web", "image": "nginx:2"},
                                {"$patch": "delete", "name": "old"}]}}}},
      expected={"metadata": {"name": "web", "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{new}"}},
                "spec": {"replicas": 3, "template": {"spec": {"containers": [
                    {"name": "metrics", "image": "prom"},
                    {"name": "web", "image": "nginx:2", "ports": [{"containerPort": 80}]}]}}}})
write(S, "map-replace-directive", "$patch: replace in a map replaces the whole map",
      kind=POD,
      original=pod([], nodeSelector={"a": "1", "b": "2"}),
      patch={"spec": {"nodeSelector": {"c": "3", "$patch": "replace"}}},
      expected=pod([], nodeSelector={"c": "3"}))
write(S, "map-delete-directive", "$patch: delete in a map empties it (apimachinery returns an empty map)",
      kind=POD,
      original=pod([], nodeSelector={"a": "1"}),
      patch={"spec": {"nodeSelector": {"$patch": "delete"}}},
      expected=pod([], nodeSelector={}))
write(S, "map-merge-directive", "$patch: merge in a map is the default behaviour",
      kind=POD,
      original=pod([], nodeSelector={"a": "1"}),
      patch={"spec": {"nodeSelector": {"$patch": "merge", "b": "2"}}},
      expected=pod([], nodeSelector={"a": "1", "b": "2"}))
write(S, "replace-strategy-map", "a map field with patchStrategy replace is replaced, not merged",
      kind=POD,
      original=pod([], replacedMap={"a": "1"}),
      patch={"spec": {"replacedMap": {"b": "2"}}},
      expected=pod([], replacedMap={"b": "2"}))
write(S, "retain-keys-strategy", "$retainKeys drops fields not listed (Deployment strategy RollingUpdate to Recreate)",
      kind=DEP,
      original={"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}}}},
      patch={"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}},
      expected={"spec": {"strategy": {"type": "Recreate"}}})
write(S, "retain-keys-in-keyed-item", "$retainKeys inside a volume switches its source",
      kind=POD,
      original=pod([], volumes=[{"name": "v", "configMap": {"name": "cm"}}, {"name": "w", "emptyDir": {}}]),
      patch={"spec": {"volumes": [{"name": "v", "$retainKeys": ["emptyDir", "name"], "emptyDir": {"medium": "Memory"}}]}},
      expected=pod([], volumes=[{"name": "v", "emptyDir": {"medium": "Memory"}}, {"name": "w", "emptyDir": {}}]))
write(S, "retain-keys-mismatch", "a field set by the patch must be listed in $retainKeys",
      kind=DEP, original={"spec": {"strategy": {"type": "RollingUpdate"}}},
      patch={"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate", "rollingUpdate": {"maxSurge": 1}}}},
      error="spec.strategy.rollingUpdate: patch content doesn't match retainKeys list", status=422)
write(S, "retain-keys-not-a-list", "$retainKeys must be a list of field names",
      kind=DEP, original={}, patch={"spec": {"strategy": {"$retainKeys": "type"}}},
      error="invalid patch format of retainKeys", status=400)
write(S, "non-merge-list-replaced", "a list without patchStrategy merge (tolerations) is replaced",
      kind=POD,
      original=pod([], tolerations=[{"key": "a", "operator": "Exists"}, {"key": "b", "operator": "Exists"}]),
      patch={"spec": {"tolerations": [{"key": "c", "operator": "Exists"}]}},
      expected=pod([], tolerations=[{"key": "c", "operator": "Exists"}]))
write(S, "atomic-scalar-list-replaced", "container args have no strategy: replaced",
      kind=POD, original=pod([{"name": "a", "args": ["x", "w"]}]),
      patch={"spec": {"containers": [{"name": "a", "args": ["z"]}]}},
      expected=pod([{"name": "a", "args": ["z"]}]))
write(S, "unknown-field-merges-like-merge-patch", "fields the schema does not name: maps merge, lists replace, null deletes",
      kind=POD,
      original={"spec": {"extra": {"a": 1, "l": [1, 2], "gone": True}}},
      patch={"spec": {"extra": {"b": 2, "l": [3], "gone": None}}},
      expected={"spec": {"extra": {"a": 1, "b": 2, "l": [3]}}})
write(S, "new-list-drops-delete-items", "a merge list added where the object had none keeps only real elements",
      kind=POD, original={"metadata": {"name": "p"}, "spec": {}},
      patch={"spec": {"containers": [{"name": "a", "image": "x", "env": [{"name": "E", "value": "1"}, {"name": "F", "$patch": "delete"}]},
                                     {"name": "b", "$patch": "delete"}]}},
      expected={"metadata": {"name": "p"}, "spec": {"containers": [{"name": "a", "image": "x", "env": [{"name": "E", "value": "1"}]}]}})
write(S, "type-change-replaces", "a patch value of another type replaces the object's value",
      kind=POD, original={"spec": {"nodeSelector": {"a": "1"}}, "metadata": {"name": "p"}},
      patch={"metadata": {"name": {"weird": True}}, "spec": {"nodeSelector": "x"}},
      expected={"spec": {"nodeSelector": "x"}, "metadata": {"name": {"weird": True}}})
write(S, "top-level-delete", "$patch: delete at the top empties the object",
      kind=CM, original={"data": {"a": "b"}}, patch={"$patch": "delete"}, expected={})
write(S, "empty-patch", "an empty patch changes nothing",
      kind=POD, original=pod([{"name": "a"}]), patch={}, expected=pod([{"name": "a"}]))
write(S, "diff-precondition-resourceVersion", "kubectl diff includes metadata.resourceVersion; it patches like any field",
      kind=CM, original={"metadata": {"name": "c", "resourceVersion": "5"}, "data": {"k": "v"}},
      patch={"metadata": {"resourceVersion": "5"}, "data": {"k": "w"}},
      expected={"metadata": {"name": "c", "resourceVersion": "5"}, "data": {"k": "w"}})
# errors
write(S, "error-unknown-directive", "an unknown $ key where the schema expects fields is refused by name",
      kind=POD, original={}, patch={"spec": {"$frobnicate": 1}},
      error='spec.$frobnicate: unknown strategic merge patch directive "$frobnicate"', status=400)
write(S, "error-unknown-patch-type", "$patch accepts replace, delete, merge",
      kind=POD, original={}, patch={"spec": {"$patch": "explode"}},
      error='spec: unknown patch type: "explode" in map', status=422)
write(S, "error-unknown-patch-type-in-list", "an unknown $patch in a list element",
      kind=POD, original=pod([{"name": "a"}]), patch={"spec": {"containers": [{"name": "a", "$patch": "explode"}]}},
      error='spec.containers: unknown patch type: "explode"')
write(S, "error-merge-directive-in-list", "apimachinery refuses $patch: merge as a list element",
      kind=POD, original=pod([{"name": "a"}]), patch={"spec": {"containers": [{"$patch": "merge"}]}},
      error="merging lists cannot yet be specified in the patch")
write(S, "error-missing-merge-key", "every element of a keyed list needs its merge key",
      kind=POD, original=pod([{"name": "a"}]), patch={"spec": {"containers": [{"image": "x"}]}},
      error='spec.containers: map: {"image":"x"} does not contain declared merge key: name', status=422)
write(S, "error-delete-without-merge-key", "a $patch: delete element needs the merge key",
      kind=POD, original=pod([{"name": "a"}]), patch={"spec": {"containers": [{"$patch": "delete"}]}},
      error="does not contain declared merge key: name")
write(S, "error-delete-from-primitive-list-on-map", "$deleteFromPrimitiveList on a field that is not a list",
      kind=POD, original={"metadata": {"labels": {"a": "b"}}},
      patch={"metadata": {"$deleteFromPrimitiveList/labels": ["a"]}},
      error="metadata.labels: $deleteFromPrimitiveList/labels needs a list, but the object has a map", status=422)
write(S, "error-delete-from-primitive-list-format", "the deletion list must be a list of scalars",
      kind=POD, original={"metadata": {"finalizers": ["a"]}},
      patch={"metadata": {"$deleteFromPrimitiveList/finalizers": "a"}},
      error="invalid patch format of primitive list", status=400)
write(S, "error-set-element-order-on-map", "$setElementOrder on a field that is not a list",
      kind=POD, original={"metadata": {"labels": {"a": "b"}}},
      patch={"metadata": {"$setElementOrder/labels": [{"name": "a"}]}},
      error="metadata.labels: $setElementOrder/labels needs a list, but the object has a map")
write(S, "error-set-element-order-mismatch", "the patch list must follow the $setElementOrder order",
      kind=POD, original=pod([{"name": "a"}, {"name": "b"}]),
      patch={"spec": {"$setElementOrder/containers": [{"name": "a"}, {"name": "b"}],
                      "containers": [{"name": "b", "image": "2"}, {"name": "a", "image": "1"}]}},
      error="doesn't match $setElementOrder list", status=400)
write(S, "error-set-element-order-format", "$setElementOrder must be a list",
      kind=POD, original={}, patch={"spec": {"$setElementOrder/containers": {"name": "a"}}},
      error="invalid patch format of setElementOrder list", status=400)
write(S, "error-list-of-lists", "lists of lists cannot merge",
      kind=POD, original={"metadata": {"finalizers": [["a"]]}}, patch={"metadata": {"finalizers": [["b"]]}},
      error="metadata.finalizers: lists of lists are not supported", status=422)
write(S, "error-mixed-list", "a merging list cannot mix maps and scalars",
      kind=POD, original=pod(["a"]), patch={"spec": {"containers": [{"name": "b"}]}},
      error="list element types are not identical")
write(S, "error-patch-not-a-map", "a strategic merge patch must be a map",
      kind=POD, original={}, patch=[{"op": "add"}], error="invalid JSON document", status=400)
write(S, "error-set-element-order-with-non-list-patch", "the list that goes with $setElementOrder must be a list",
      kind=POD, original=pod([{"name": "a"}]),
      patch={"spec": {"$setElementOrder/containers": [{"name": "a"}], "containers": {"name": "a"}}},
      error="spec.containers: expected a list to go with $setElementOrder/containers, but the patch has a map")
write(S, "error-patch-directive-not-a-string", "$patch takes a string",
      kind=POD, original={}, patch={"metadata": {"$patch": ["replace"]}},
      error='metadata: unknown patch type: ["replace"] in map')
write(S, "nested-new-map-with-directives", "directives inside a value added where the object had none are resolved",
      kind=DEP, original={"spec": {"replicas": 1}},
      patch={"spec": {"template": {"metadata": {"labels": {"a": "b", "gone": None}},
                                   "spec": {"$retainKeys": ["containers"], "containers": [{"name": "c", "env": [{"name": "E", "$patch": "delete"}]}]}}}},
      expected={"spec": {"replicas": 1, "template": {"metadata": {"labels": {"a": "b"}},
                                                     "spec": {"containers": [{"name": "c", "env": []}]}}}})
