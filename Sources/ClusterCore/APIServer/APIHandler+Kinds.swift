import ClusterAPI
import ClusterStore
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// What particular kinds need at creation beyond generic admission: Service IPs and node ports,
/// the default StorageClass for claims, the cleanup finalizer of CRDs.
extension APIHandler {
    func kindSpecificCreate(_ object: Value, _ rr: ResourceRequest) async throws -> Value {
        var o = object
        switch (rr.group, rr.plural) {
        case ("", "services"):
            try await allocateService(&o)
        case ("", "persistentvolumeclaims"):
            if o["spec"]?["storageClassName"] == nil, let cls = try await defaultStorageClass() {
                o.set(path: ["spec", "storageClassName"], to: .string(cls))
            }
        case ("apiextensions.k8s.io", "customresourcedefinitions"):
            var f = o.finalizers
            if !f.contains(Self.crdCleanupFinalizer) { f.append(Self.crdCleanupFinalizer) }
            o.setMeta("finalizers", .list(f.map { .string($0) }))
        default:
            break
        }
        return o
    }

    static let crdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io"

    private func allocateService(_ o: inout Value) async throws {
        let type = o["spec"]?["type"]?.stringValue ?? "ClusterIP"
        guard type != "ExternalName" else { return }
        let requested = o["spec"]?["clusterIP"]?.stringValue
        func invalid(_ field: String, _ message: String) -> StatusError {
            StatusError.invalid(kind: "Service", group: "", name: o.name, causes: [("FieldValueInvalid", message, field)])
        }
        if requested != "None" {
            do {
                let ip = try await allocator.claimIP(requested?.isEmpty == false ? requested : nil)
                o.set(path: ["spec", "clusterIP"], to: .string(ip))
                o.set(path: ["spec", "clusterIPs"], to: .list([.string(ip)]))
            } catch {
                switch error {
                case .ipInUse(let ip): throw invalid("spec.clusterIPs", "Invalid value: []string{\"\(ip)\"}: failed to allocate IP \(ip): provided IP is already allocated")
                case .ipOutOfRange(let ip): throw invalid("spec.clusterIPs", "Invalid value: []string{\"\(ip)\"}: failed to allocate IP \(ip): the provided IP (\(ip)) is not in the valid range. The range of valid IPs is 10.96.0.0/12")
                case .ipInvalid(let ip): throw invalid("spec.clusterIPs[0]", "Invalid value: \"\(ip)\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")
                default: throw StatusError.internalError("the Service IP range is exhausted")
                }
            }
        } else {
            o.set(path: ["spec", "clusterIPs"], to: .list(["None"]))
        }
        if o["spec"]?["ipFamilies"] == nil { o.set(path: ["spec", "ipFamilies"], to: .list(["IPv4"])) }
        if o["spec"]?["ipFamilyPolicy"] == nil { o.set(path: ["spec", "ipFamilyPolicy"], to: "SingleStack") }
        guard type == "NodePort" || type == "LoadBalancer", var ports = o["spec"]?["ports"]?.listValue else { return }
        for i in ports.indices {
            do {
                let port = try await allocator.claimPort(ports[i]["nodePort"]?.intValue)
                ports[i].setField("nodePort", .int(port))
            } catch {
                // Give back what this object claimed so far (its IP, the ports before this one).
                var claimed = o
                claimed.set(path: ["spec", "ports"], to: .list(Array(ports[..<i])))
                await allocator.release(claimed)
                switch error {
                case .portInUse(let p): throw invalid("spec.ports[\(i)].nodePort", "Invalid value: \(p): provided port is already allocated")
                case .portOutOfRange(let p): throw invalid("spec.ports[\(i)].nodePort", "Invalid value: \(p): provided port is not in the valid range. The range of valid ports is 30000-32767")
                default: throw StatusError.internalError("the node port range is exhausted")
                }
            }
        }
        o.set(path: ["spec", "ports"], to: .list(ports))
    }

    private func defaultStorageClass() async throws -> String? {
        let result = try await store.list(prefix: ObjectKeys.prefix(group: "storage.k8s.io", plural: "storageclasses"),
                                          after: nil, limit: 0, revision: 0)
        for kv in result.items {
            guard let sc = ObjectCodec.decode(kv) else { continue }
            let ann = sc.meta("annotations")
            if ann?["storageclass.kubernetes.io/is-default-class"]?.stringValue == "true"
                || ann?["storageclass.beta.kubernetes.io/is-default-class"]?.stringValue == "true"
            {
                return sc.name
            }
        }
        return nil
    }

    // MARK: Start-up

    /// Default namespaces, the `kubernetes` Service, stored CRDs registered, allocations restored.
    func bootstrap() async throws {
        let services = try await store.list(prefix: ObjectKeys.prefix(group: "", plural: "services"), after: nil, limit: 0, revision: 0)
        for kv in services.items { if let s = ObjectCodec.decode(kv) { await allocator.restore(s) } }
        let crds = try await store.list(prefix: ObjectKeys.prefix(group: "apiextensions.k8s.io", plural: "customresourcedefinitions"),
                                        after: nil, limit: 0, revision: 0)
        for kv in crds.items { if let crd = ObjectCodec.decode(kv) { registerCRD(crd) } }
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            try await ensure(group: "", plural: "namespaces", namespace: nil,
                             object: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(ns)]])
        }
        // n-volumes: the default StorageClass of the local-path provisioner.
        try await ensure(group: "storage.k8s.io", plural: "storageclasses", namespace: nil, object: PersistentVolumeBinder.defaultStorageClass())
        try await ensure(group: "", plural: "services", namespace: "default", object: [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": "kubernetes", "namespace": "default", "labels": ["component": "apiserver", "provider": "kubernetes"]],
            "spec": ["clusterIP": "10.96.0.1", "type": "ClusterIP", "sessionAffinity": "None",
                     "ports": [["name": "https", "port": 443, "protocol": "TCP", "targetPort": .int(Int64(config.port))]]],
        ])
    }

    /// Creates an object through the normal create path unless it exists.
    func ensure(group: String, plural: String, namespace: String?, object: Value) async throws {
        guard let info = catalog.withLockedValue({ $0.resources.first { $0.group == group && $0.plural == plural } }) else { return }
        let key = ObjectKeys.key(group: group, plural: plural, namespace: info.namespaced ? namespace : nil, name: object.name)
        if try await store.get(key) != nil { return }
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "helmctl-apiserver")
        let request = APIRequest(method: .POST, path: "", query: [("fieldManager", "helmctl-apiserver")], headers: headers, body: [],
                                 user: "system:apiserver")
        let rr = ResourceRequest(info: info, namespace: info.namespaced ? namespace : nil, name: nil, subresource: nil, request: request)
        var o = object
        var warnings: [String] = []
        try checkTypeMeta(&o, rr)
        try await admitNew(&o, rr, options: try WriteOptions(request), warnings: &warnings)
        do {
            _ = try await self.store(o, rr, options: try WriteOptions(request))
        } catch let e as StatusError where e.reason == "AlreadyExists" {
            return
        }
    }

    // MARK: CRDs

    func registerCRD(_ crd: Value) {
        catalog.withLockedValue { c in
            try? c.add(crd: crd)
        }
        let keys = Self.schemaKeys(crd)
        customSchemas.withLockedValue { schemas in
            for (key, version) in keys { schemas[key] = CustomResourceSchema.of(crd: crd, version: version) }
        }
    }

    func unregisterCRD(_ crd: Value) {
        catalog.withLockedValue { c in
            c.remove(crd: crd)
        }
        let keys = Self.schemaKeys(crd)
        customSchemas.withLockedValue { schemas in
            for (key, _) in keys { schemas.removeValue(forKey: key) }
        }
    }

    static func schemaKeys(_ crd: Value) -> [(String, String)] {
        let group = crd["spec"]?["group"]?.stringValue ?? ""
        let plural = crd["spec"]?["names"]?["plural"]?.stringValue ?? ""
        return (crd["spec"]?["versions"]?.listValue ?? []).compactMap { $0["name"]?.stringValue }.map { ("\(group)/\($0)/\(plural)", $0) }
    }

    /// The structural schema a custom resource is pruned and validated with.
    func customSchema(_ rr: ResourceRequest) -> CustomResourceSchema? {
        guard rr.info.isCustomResource else { return nil }
        return customSchemas.withLockedValue { $0["\(rr.info.group)/\(rr.info.version)/\(rr.info.plural)"] }
    }
}
