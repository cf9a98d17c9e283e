import ClusterAPI
import ClusterStore
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// `/status`, `/scale` (autoscaling/v1 Scale), `namespaces/<n>/finalize`, `pods/<p>/binding`; the
/// node-side subresources (log, exec, attach) answer what Kubernetes answers for a pod without a node.
extension APIHandler {
    func subresource(_ rr: ResourceRequest, _ sub: String) async throws -> APIResponse {
        let r = rr.request
        switch (sub, r.method) {
        case ("status", .GET):
            try checkParams(r, allowed: ["resourceVersion"])
            return .json(.ok, JSON.encode(try await current(rr), escapeHTML: false))
        case ("status", .PUT), ("finalize", .PUT):
            try checkParams(r, allowed: Self.writeParams)
            let options = try WriteOptions(r)
            var proposed = try BodyDecoding.map(r)
            try checkTypeMeta(&proposed, rr)
            let pinned = proposed.metaString("resourceVersion").flatMap { $0.isEmpty ? nil : $0 }
            let result = try await readModifyWrite(rr, options: options, pinnedVersion: pinned, subresource: sub) { _ in proposed }
            return .json(.ok, JSON.encode(result, escapeHTML: false))
        case ("status", .PATCH):
            return try await patch(rr, subresource: "status")
        case ("scale", .GET):
            try checkParams(r, allowed: ["resourceVersion"])
            let paths = try await scalePaths(rr)
            return .json(.ok, JSON.encode(scale(of: try await current(rr), paths: paths), escapeHTML: false))
        case ("scale", .PUT), ("scale", .PATCH):
            return try await writeScale(rr)
        case ("binding", .POST):
            return try await bind(rr)
        case ("log", .GET):
            return try await podLog(rr)
        case ("exec", _), ("attach", _):
            return try await podStream(rr, attach: sub == "attach")
        case ("log", _), ("portforward", _):
            let pod = try await current(rr)
            if (pod["spec"]?["nodeName"]?.stringValue ?? "").isEmpty {
                throw StatusError.badRequest("pod \(pod.name) does not have a host assigned")
            }
            throw StatusError(code: 503, reason: "ServiceUnavailable", message: "no kubelet serves node \(pod["spec"]?["nodeName"]?.stringValue ?? "")")
        default:
            throw StatusError.methodNotAllowed("\(r.method) is not supported on \(rr.plural)/\(sub)")
        }
    }

    /// Where a kind keeps what its Scale shows: `spec.replicas`/`status.replicas`/`spec.selector` for the
    /// built-in kinds; a custom resource's CRD names its own paths (`subresources.scale.specReplicasPath`,
    /// `statusReplicasPath`, `labelSelectorPath`, the last a string field holding a serialized selector).
    struct ScalePaths: Sendable {
        var spec = ["spec", "replicas"]
        var status = ["status", "replicas"]
        /// nil: the selector object at `spec.selector` (built-in kinds).
        var selectorString: [String]?
        var custom = false
    }

    func scalePaths(_ rr: ResourceRequest) async throws -> ScalePaths {
        guard rr.info.isCustomResource else { return ScalePaths() }
        let key = ObjectKeys.key(group: "apiextensions.k8s.io", plural: "customresourcedefinitions", namespace: nil,
                                 name: "\(rr.plural).\(rr.group)")
        guard let kv = try await store.get(key), let crd = ObjectCodec.decode(kv) else {
            throw StatusError.notFound(rr.plural, group: rr.group, name: rr.name ?? "")
        }
        let version = (crd["spec"]?["versions"]?.listValue ?? []).first { $0["name"]?.stringValue == rr.info.version }
        guard let scale = version?["subresources"]?["scale"], scale.mapValue != nil else {
            throw StatusError.notFoundPath(rr.request.path)
        }
        func path(_ field: String) -> [String]? {
            guard let text = scale[field]?.stringValue, !text.isEmpty else { return nil }
            return text.split(separator: ".").map(String.init)
        }
        return ScalePaths(spec: path("specReplicasPath") ?? ["spec", "replicas"],
                          status: path("statusReplicasPath") ?? ["status", "replicas"],
                          selectorString: path("labelSelectorPath") ?? [], custom: true)
    }

    /// The autoscaling/v1 Scale view of a Deployment, ReplicaSet, StatefulSet or scalable custom resource.
    func scale(of object: Value, paths: ScalePaths = ScalePaths()) -> Value {
        var selector = ""
        if let stringPath = paths.selectorString {
            if !stringPath.isEmpty { selector = object.lookup(stringPath)?.stringValue ?? "" }
        } else if let sel = object["spec"]?["selector"], let parsed = try? LabelSelector(object: sel) {
            selector = parsed.description
        }
        var meta: [String: Value] = [:]
        for f in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] { meta[f] = object.meta(f) }
        // Custom resources without a replicas value scale from 0, built-in kinds default to 1.
        let specReplicas = object.lookup(paths.spec)?.intValue ?? (paths.custom ? 0 : 1)
        return .map([
            "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": .map(meta),
            "spec": .map(["replicas": .int(specReplicas)]),
            "status": .map(["replicas": .int(object.lookup(paths.status)?.intValue ?? 0), "selector": .string(selector)]),
        ])
    }

    private func writeScale(_ rr: ResourceRequest) async throws -> APIResponse {
        let r = rr.request
        try checkParams(r, allowed: Self.patchParams)
        let options = try WriteOptions(r)
        let body = try BodyDecoding.json(r.body)
        let isPatch = r.method == .PATCH
        let type = r.contentType
        if isPatch && !["application/merge-patch+json", "application/json-patch+json", "application/strategic-merge-patch+json"].contains(type) {
            throw StatusError.unsupportedMediaType(type)
        }
        let pinned = body["metadata"]?["resourceVersion"]?.stringValue
        let paths = try await scalePaths(rr)
        let result = try await readModifyWrite(rr, options: options, pinnedVersion: pinned, subresource: "scale") { current in
            var s = self.scale(of: current, paths: paths)
            if isPatch {
                do {
                    s = type == "application/json-patch+json" ? try JSONPatch.apply(body, to: s) : MergePatch.apply(body, to: s)
                } catch {
                    throw StatusError(code: 422, reason: "Invalid", message: "the patch could not be applied: \(error)")
                }
            } else {
                s = body
            }
            guard let replicas = s["spec"]?["replicas"]?.intValue, replicas >= 0 else {
                throw StatusError.invalid(kind: "Scale", group: "autoscaling", name: current.name, causes: [(
                    "FieldValueInvalid", "Invalid value: must be greater than or equal to 0", "spec.replicas")])
            }
            var next = current
            next.set(path: ArraySlice(paths.spec), to: .int(replicas))
            return next
        }
        return .json(.ok, JSON.encode(scale(of: result, paths: paths), escapeHTML: false))
    }

    /// The scheduler's binding: sets `spec.nodeName` once.
    private func bind(_ rr: ResourceRequest) async throws -> APIResponse {
        let r = rr.request
        try checkParams(r, allowed: Self.writeParams)
        let options = try WriteOptions(r)
        let binding = try BodyDecoding.map(r)
        guard let node = binding["target"]?["name"]?.stringValue, !node.isEmpty else {
            throw StatusError.invalid(kind: "Binding", group: "", name: rr.name ?? "", causes: [(
                "FieldValueRequired", "Required value", "target.name")])
        }
        _ = try await readModifyWrite(rr, options: options, pinnedVersion: nil, subresource: "binding") { current in
            if let existing = current["spec"]?["nodeName"]?.stringValue, !existing.isEmpty {
                throw StatusError.conflict("pods", group: "", name: current.name,
                                           message: "pod \(current.name) is already assigned to node \"\(existing)\"")
            }
            var next = current
            next.set(path: ["spec", "nodeName"], to: .string(node))
            // `PodScheduled=True` in the same write, as Kubernetes' binding storage does.
            var conditions = (current["status"]?["conditions"]?.listValue ?? []).filter { $0["type"]?.stringValue != "PodScheduled" }
            conditions.append(.map(["type": "PodScheduled", "status": "True", "lastProbeTime": .null,
                                    "lastTransitionTime": .string(Timestamps.rfc3339(self.clock.now()))]))
            next.set(path: ["status", "conditions"], to: .list(conditions))
            return next
        }
        return .full(status: .created, contentType: "application/json",
                     body: Array(JSON.encode(.map(["kind": "Status", "apiVersion": "v1", "metadata": .map([:]), "status": "Success", "code": 201]), escapeHTML: false).utf8), headers: [])
    }
}
