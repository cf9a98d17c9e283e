#!/usr/bin/env python3
"""A tiny recording API server for capturing the protobuf bodies real clients send (127.0.0.1 only).

Usage: record.py OUTDIR [PORT]
Prints the chosen port on stdout's first line, then serves until killed. Every request with a body is
stored as OUTDIR/NNN.body plus a line in OUTDIR/log.jsonl (method, path, content type, size). Answers:
  GET /version                 -> {"major":"1","minor":"32","gitVersion":"v1.32.0"}
  GET /api, /apis, /api/v1     -> minimal legacy discovery (pods, configmaps, nodes, secrets)
  POST/PUT (protobuf or JSON)  -> 201/200 with a small JSON object naming the kind and metadata.name
  DELETE                       -> 200 Status Success
  anything else                -> 404 Status
It also contains `encode_*` helpers (a hand-rolled protobuf encoder) used by make_fixtures.py for
bodies no local client can send (Helm release Secrets, DeleteOptions).
"""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAGIC = b"k8s\x00"


# ---- protobuf helpers -------------------------------------------------------------------------

def read_varint(data, pos):
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def fields(data):
    """Yields (number, wire, value) for the top level of a protobuf message (value: int or bytes)."""
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(data, pos)
        elif wire == 2:
            length, pos = read_varint(data, pos)
            value = data[pos:pos + length]
            pos += length
        elif wire == 1:
            value = data[pos:pos + 8]
            pos += 8
        elif wire == 5:
            value = data[pos:pos + 4]
            pos += 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield number, wire, value


def envelope_info(body):
    """(apiVersion, kind, name) of a k8s protobuf body."""
    api_version = kind = name = ""
    raw = b""
    for number, _, value in fields(body[4:]):
        if number == 1:
            for n, _, v in fields(value):
                if n == 1:
                    api_version = v.decode()
                elif n == 2:
                    kind = v.decode()
        elif number == 2:
            raw = value
    for number, _, value in fields(raw):
        if number == 1:  # metadata
            for n, _, v in fields(value):
                if n == 1:
                    name = v.decode()
    return api_version, kind, name


def encode_varint(v):
    if v < 0:
        v += 1 << 64
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def encode_key(number, wire):
    return encode_varint(number << 3 | wire)


def encode_bytes(number, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return encode_key(number, 2) + encode_varint(len(payload)) + payload


def encode_int(number, value):
    return encode_key(number, 0) + encode_varint(value)


def encode_map_entry(number, key, value_bytes):
    return encode_bytes(number, encode_bytes(1, key) + encode_bytes(2, value_bytes))


def encode_envelope(api_version, kind, raw):
    type_meta = encode_bytes(1, api_version) + encode_bytes(2, kind)
    return MAGIC + encode_bytes(1, type_meta) + encode_bytes(2, raw)


# ---- server -------------------------------------------------------------------------------------

class Recorder(BaseHTTPRequestHandler):
    outdir = "."
    lock = threading.Lock()
    counter = [0]

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        ctype = self.headers.get("Content-Type", "")
        with self.lock:
            self.counter[0] += 1
            n = self.counter[0]
            if body:
                with open(os.path.join(self.outdir, "%03d.body" % n), "wb") as f:
                    f.write(body)
            with open(os.path.join(self.outdir, "log.jsonl"), "a") as f:
                f.write(json.dumps({"n": n, "method": self.command, "path": self.path,
                                    "contentType": ctype, "size": len(body)}) + "\n")
        return body, ctype

    def do_GET(self):
        self.record()
        path = self.path.split("?")[0]
        if path == "/version":
            self.reply(200, {"major": "1", "minor": "32", "gitVersion": "v1.32.0"})
        elif path == "/api":
            self.reply(200, {"kind": "APIVersions", "versions": ["v1"]})
        elif path == "/apis":
            self.reply(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": []})
        elif path == "/api/v1":
            # Just enough legacy discovery for `kubectl create role|clusterrole` to resolve resources.
            resources = [{"name": n, "singularName": s, "namespaced": ns, "kind": k,
                          "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}
                         for n, s, ns, k in [("pods", "pod", True, "Pod"), ("configmaps", "configmap", True, "ConfigMap"),
                                             ("nodes", "node", False, "Node"), ("secrets", "secret", True, "Secret")]]
            self.reply(200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "v1",
                             "resources": resources})
        else:
            self.reply(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
                             "code": 404})

    def created(self, code):
        body, ctype = self.record()
        api_version, kind, name = "v1", "Status", ""
        try:
            if body.startswith(MAGIC):
                api_version, kind, name = envelope_info(body)
            elif body:
                obj = json.loads(body)
                api_version, kind = obj.get("apiVersion", "v1"), obj.get("kind", "Status")
                name = obj.get("metadata", {}).get("name", "")
        except Exception:  # a recorder never fails the client
            pass
        self.reply(code, {"apiVersion": api_version, "kind": kind, "metadata": {"name": name}})

    def do_POST(self):
        self.created(201)

    def do_PUT(self):
        self.created(200)

    def do_PATCH(self):
        self.created(200)

    def do_DELETE(self):
        self.record()
        self.reply(200, {"kind": "Status", "apiVersion": "v1", "status": "Success"})


def main():
    outdir = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    os.makedirs(outdir, exist_ok=True)
    Recorder.outdir = outdir
    server = ThreadingHTTPServer(("127.0.0.1", port), Recorder)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
