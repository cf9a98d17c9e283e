#!/usr/bin/env python3
"""Writes the hand-encoded protobuf fixtures (bodies no local client can send) with their expected JSON.

The Helm SDK writes release Secrets and DeleteOptions as protobuf; these bodies are encoded the way
gogo-protobuf lays them out (every non-pointer scalar written even when zero, field order by number), using
the encoder in record.py. Also a few synthetic objects exercising the special types (MicroTime, Time,
IntOrString, Quantity, RawExtension, FieldsV1, packed and unpacked repeated ints, unknown fields).
Usage: scripts/proto-gen/make_fixtures.py   (writes Tests/ClusterAPITests/Fixtures/protobuf/*)
"""

import base64
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record import encode_bytes, encode_envelope, encode_int, encode_key, encode_map_entry, encode_varint  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "ClusterAPITests", "Fixtures",
                   "protobuf")


def object_meta(name, namespace="", labels=None, annotations=None, resource_version="", extra=b""):
    """ObjectMeta as gogo writes it: all non-pointer fields, zero or not."""
    out = encode_bytes(1, name) + encode_bytes(2, "") + encode_bytes(3, namespace) + encode_bytes(4, "")
    out += encode_bytes(5, "") + encode_bytes(6, resource_version) + encode_int(7, 0)
    out += encode_bytes(8, b"")  # creationTimestamp: zero Time marshals to an empty message
    for k, v in sorted((labels or {}).items()):
        out += encode_map_entry(11, k, v.encode())
    for k, v in sorted((annotations or {}).items()):
        out += encode_map_entry(12, k, v.encode())
    return out + extra


def time_msg(seconds, nanos=0):
    return encode_int(1, seconds) + (encode_int(2, nanos) if nanos else b"")


def write(name, body, expected):
    with open(os.path.join(OUT, name + ".pb"), "wb") as f:
        f.write(body)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")
    print("wrote", name)


def helm_release_secret():
    release = b"H4sIAAAAAAAC/6rmUlBQykvMTVWyUlAqzsgvzUmtSFTSUcpLzE0FCSjlZ+YDAAAA//8BAAD//w=="  # opaque payload
    labels = {"name": "rel1", "owner": "helm", "status": "deployed", "version": "1", "modifiedAt": "1700000000"}
    raw = encode_bytes(1, object_meta("sh.helm.release.v1.rel1.v1", "default", labels, resource_version="42"))
    raw += encode_map_entry(2, "release", release)
    raw += encode_bytes(3, "helm.sh/release.v1")
    expected = {
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "sh.helm.release.v1.rel1.v1", "namespace": "default", "labels": labels,
                     "resourceVersion": "42"},
        "data": {"release": base64.b64encode(release).decode()},
        "type": "helm.sh/release.v1",
    }
    write("helm-release-secret", encode_envelope("v1", "Secret", raw), expected)


def delete_options():
    preconditions = encode_bytes(1, "6f1c1f4e-0000-4000-8000-000000000001") + encode_bytes(2, "7")
    raw = encode_int(1, 0) + encode_bytes(2, preconditions) + encode_bytes(4, "Background")
    expected = {"apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0,
                "preconditions": {"uid": "6f1c1f4e-0000-4000-8000-000000000001", "resourceVersion": "7"},
                "propagationPolicy": "Background"}
    write("helm-delete-options", encode_envelope("v1", "DeleteOptions", raw), expected)
    raw = encode_bytes(4, "Foreground") + encode_bytes(5, "All")
    write("delete-options-meta", encode_envelope("meta.k8s.io/v1", "DeleteOptions", raw),
          {"apiVersion": "meta.k8s.io/v1", "kind": "DeleteOptions", "propagationPolicy": "Foreground",
           "dryRun": ["All"]})


def special_types():
    # events.k8s.io/v1 Event: MicroTime with micro fraction, Time, EventSeries, ObjectReference.
    regarding = encode_bytes(1, "Pod") + encode_bytes(2, "default") + encode_bytes(3, "web-0")
    series = encode_int(1, 3) + encode_bytes(2, time_msg(1704164645, 123456789))
    raw = encode_bytes(1, object_meta("web-0.17a", "default"))
    raw += encode_bytes(2, time_msg(1704164645, 500000000))
    raw += encode_bytes(3, series)
    raw += encode_bytes(4, "kubelet") + encode_bytes(5, "node-1") + encode_bytes(6, "Pulling")
    raw += encode_bytes(7, "Pulled") + encode_bytes(8, regarding) + encode_bytes(10, "pulled image")
    raw += encode_bytes(11, "Normal") + encode_bytes(13, time_msg(946684800)) + encode_int(15, 0)
    expected = {
        "apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "web-0.17a", "namespace": "default"},
        "eventTime": "2024-01-02T03:04:05.500000Z",
        "series": {"count": 3, "lastObservedTime": "2024-01-02T03:04:05.123456Z"},
        "reportingController": "kubelet", "reportingInstance": "node-1", "action": "Pulling", "reason": "Pulled",
        "regarding": {"kind": "Pod", "namespace": "default", "name": "web-0"}, "note": "pulled image",
        "type": "Normal", "deprecatedFirstTimestamp": "2000-01-01T00:00:00Z",
    }
    write("event-microtime", encode_envelope("events.k8s.io/v1", "Event", raw), expected)

    # core/v1 Pod: IntOrString (string and int), Quantity maps, packed + unpacked int64, pointer zeros,
    # an unknown field number in the container (forward compatibility), managedFields with FieldsV1.
    probe_handler = encode_bytes(2, encode_bytes(1, "/healthz") + encode_bytes(2, encode_int(1, 1) +
                                                                             encode_bytes(3, "http")))
    probe = encode_bytes(1, probe_handler) + encode_int(2, 0) + encode_int(3, 1) + encode_int(4, 10)
    resources = encode_map_entry(1, "memory", encode_bytes(1, "128Mi")) + encode_map_entry(2, "cpu",
                                                                                        encode_bytes(1, "250m"))
    port = encode_bytes(1, "http") + encode_int(2, 0) + encode_int(3, 8080) + encode_bytes(4, "TCP") + \
        encode_bytes(5, "")
    security = encode_int(4, 0) + encode_int(5, 1) + encode_int(7, 0)  # runAsUser 0, runAsNonRoot true, APE false
    container = encode_bytes(1, "app") + encode_bytes(2, "nginx:1.27") + encode_bytes(6, port)
    container += encode_bytes(8, resources) + encode_bytes(10, probe) + encode_bytes(15, security)
    container += encode_int(16, 0) + encode_int(17, 0) + encode_int(18, 0)
    container += encode_key(999, 2) + encode_varint(3) + b"new"  # a field from the future
    pod_security = encode_int(2, 1000) + encode_key(4, 2) + encode_varint(4) + encode_varint(1000) + \
        encode_varint(2000) + encode_int(4, 3000) + encode_int(5, 2000)
    spec = encode_bytes(2, container) + encode_bytes(3, "Always") + encode_int(4, 0) + encode_bytes(14, pod_security)
    spec += encode_int(11, 0) + encode_int(21, 0)  # hostNetwork false (dropped), automount false (pointer)
    fields_v1 = b'{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}'
    managed = encode_bytes(1, "kubectl") + encode_bytes(2, "Apply") + encode_bytes(3, "v1") + \
        encode_bytes(4, time_msg(1704164645)) + encode_bytes(6, "FieldsV1") + encode_bytes(7, encode_bytes(1, fields_v1))
    meta = object_meta("web-0", "default", {"app": "web"}, extra=encode_bytes(17, managed))
    raw = encode_bytes(1, meta) + encode_bytes(2, spec) + encode_bytes(3, b"")
    expected = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-0", "namespace": "default", "labels": {"app": "web"},
                     "managedFields": [{"manager": "kubectl", "operation": "Apply", "apiVersion": "v1",
                                        "time": "2024-01-02T03:04:05Z", "fieldsType": "FieldsV1",
                                        "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}}}]},
        "spec": {
            "containers": [{
                "name": "app", "image": "nginx:1.27",
                "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                "resources": {"limits": {"memory": "128Mi"}, "requests": {"cpu": "250m"}},
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "timeoutSeconds": 1,
                                  "periodSeconds": 10},
                "securityContext": {"runAsUser": 0, "runAsNonRoot": True, "allowPrivilegeEscalation": False},
            }],
            "restartPolicy": "Always", "terminationGracePeriodSeconds": 0,
            "securityContext": {"runAsUser": 1000, "supplementalGroups": [1000, 2000, 3000], "fsGroup": 2000},
            "automountServiceAccountToken": False,
        },
        "status": {},
    }
    write("pod-special-types", encode_envelope("v1", "Pod", raw), expected)

    # apps/v1 ControllerRevision: RawExtension holding JSON.
    data = b'{"spec":{"template":{"metadata":{"labels":{"app":"web"}}}},"n":3}'
    raw = encode_bytes(1, object_meta("web-5d4f", "default")) + encode_bytes(2, encode_bytes(1, data)) + \
        encode_int(3, 2)
    write("controllerrevision-rawextension", encode_envelope("apps/v1", "ControllerRevision", raw), {
        "apiVersion": "apps/v1", "kind": "ControllerRevision",
        "metadata": {"name": "web-5d4f", "namespace": "default"},
        "data": {"spec": {"template": {"metadata": {"labels": {"app": "web"}}}}, "n": 3}, "revision": 2})

    # autoscaling/v1 Scale with explicit zero replicas (non-pointer, omitempty: dropped in spec; status
    # replicas has no omitempty: kept).
    raw = encode_bytes(1, object_meta("web", "default")) + encode_bytes(2, encode_int(1, 0)) + \
        encode_bytes(3, encode_int(1, 0) + encode_bytes(2, "app=web"))
    write("scale", encode_envelope("autoscaling/v1", "Scale", raw), {
        "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "web", "namespace": "default"},
        "spec": {}, "status": {"replicas": 0, "selector": "app=web"}})


def double(number, value):
    import struct
    return encode_key(number, 1) + struct.pack("<d", value)


def crd_and_nested():
    # apiextensions.k8s.io/v1 CRD: JSONSchemaProps names ($ref-style renames, x-kubernetes-*), JSON raw values,
    # JSONSchemaPropsOrBool, doubles, and the zero scalars gogo writes for non-pointer fields.
    def props(type_, extra=b""):
        return encode_bytes(4, "") + encode_bytes(5, type_) + encode_int(10, 0) + encode_int(37, 0) + extra
    spec_props = props("object", encode_int(38, 1))
    size_props = props("integer", encode_bytes(8, encode_bytes(1, "3")) + double(11, 1.0))
    mode_props = props("string", encode_bytes(20, encode_bytes(1, '"a"')) + encode_bytes(20, encode_bytes(1, '"b"')))
    root = props("object", encode_bytes(23, "spec") + encode_map_entry(29, "spec", spec_props) +
                 encode_map_entry(29, "size", size_props) + encode_map_entry(29, "mode", mode_props) +
                 encode_bytes(30, encode_int(1, 0)))
    version = encode_bytes(1, "v1") + encode_int(2, 1) + encode_int(3, 1) + encode_bytes(4, encode_bytes(1, root))
    names = encode_bytes(1, "widgets") + encode_bytes(2, "widget") + encode_bytes(4, "Widget") + \
        encode_bytes(5, "WidgetList")
    spec = encode_bytes(1, "example.com") + encode_bytes(3, names) + encode_bytes(4, "Namespaced") + \
        encode_bytes(7, version) + encode_int(10, 0)
    status = encode_bytes(2, encode_bytes(1, "") + encode_bytes(4, ""))
    raw = encode_bytes(1, object_meta("widgets.example.com")) + encode_bytes(2, spec) + encode_bytes(3, status)
    write("crd-jsonschemaprops", encode_envelope("apiextensions.k8s.io/v1", "CustomResourceDefinition", raw), {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
                 "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                     "type": "object", "required": ["spec"], "additionalProperties": False,
                     "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                                    "size": {"type": "integer", "default": 3, "minimum": 1.0},
                                    "mode": {"type": "string", "enum": ["a", "b"]}}}}}]},
        "status": {"acceptedNames": {"plural": "", "kind": ""}}})

    # A RawExtension whose bytes are themselves a k8s protobuf envelope (a nested runtime.Unknown).
    inner = encode_envelope("v1", "ConfigMap", encode_bytes(1, object_meta("inner")) +
                            encode_map_entry(2, "k", b"v"))
    raw = encode_bytes(1, object_meta("nested", "default")) + encode_bytes(2, encode_bytes(1, inner)) + \
        encode_int(3, 1)
    write("controllerrevision-nested-protobuf", encode_envelope("apps/v1", "ControllerRevision", raw), {
        "apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": "nested", "namespace": "default"},
        "data": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "inner"}, "data": {"k": "v"}},
        "revision": 1})


def main():
    os.makedirs(OUT, exist_ok=True)
    helm_release_secret()
    delete_options()
    special_types()
    crd_and_nested()


if __name__ == "__main__":
    main()
