public import KubeClient
public import StructuredData

/// One object of a release manifest, resolved against the API server's discovery.
struct ReleaseObject {
    var object: Value
    var resource: APIResource
    var namespace: String?
    var name: String
    var kind: String { resource.kind }
    /// `KIND/NAMESPACE/NAME` identity used to diff two manifests.
    var identity: String { "\(resource.apiVersion)/\(kind)/\(namespace ?? "")/\(name)" }
    var keep: Bool {
        object["metadata"]?["annotations"]?["helm.sh/resource-policy"]?.stringValue == "keep"
    }
}

/// The cluster side of the release actions: decoding manifests, stamping Helm's ownership metadata,
/// server-side apply, deletion in order.
public struct ReleaseContext {
    public let client: KubeClient
    public let store: ReleaseStore
    /// Wait limit for hook Jobs/Pods, in seconds.
    public var timeoutSeconds: Int = 300
    /// `--force-conflicts`: take over fields other field managers own (Helm's default is false, so an
    /// upgrade that changes a field last applied by another executable fails with a conflict).
    public var forceConflicts = false
    /// `--wait`, `--wait-for-jobs` and the progress reporter.
    public var wait = WaitSettings()
    /// `--server-side`: server-side apply (Helm v4's default); false = Helm 3's client-side
    /// three-way merge (see ``ClientSidePatch``).
    public var serverSide = true

    /// The `apply_method` a release record gets for this context (`ssa` or `csa`, as Helm v4).
    public var applyMethod: String { serverSide ? "ssa" : "csa" }

    public init(client: KubeClient, store: ReleaseStore) {
        self.client = client
        self.store = store
    }

    /// Parses a manifest stream into objects (empty documents skipped), in stream order.
    func objects(_ manifest: String, namespace: String) throws -> [ReleaseObject] {
        var out: [ReleaseObject] = []
        for doc in ManifestSplitter.split(manifest) {
            let v: Value
            do { v = try YAML.decode(doc, numbersAsFloat: false) } catch {
                throw ChartEngineError(.io, "unable to build kubernetes objects from release manifest: \(error)")
            }
            guard case .map = v else { continue }
            let r: APIResource
            do { r = try client.resource(of: v) } catch {
                throw ChartEngineError(.io, "unable to build kubernetes objects from release manifest: \(error.message)")
            }
            let name = v["metadata"]?["name"]?.stringValue ?? ""
            let ns = r.namespaced ? (v["metadata"]?["namespace"]?.stringValue ?? namespace) : nil
            out.append(ReleaseObject(object: v, resource: r, namespace: ns, name: name))
        }
        return out
    }

    /// Adds `app.kubernetes.io/managed-by: Helm` and the `meta.helm.sh/release-*` annotations.
    static func stamped(_ obj: Value, release: String, namespace: String) -> Value {
        guard case .map(var m) = obj else { return obj }
        var meta = m["metadata"]?.mapValue ?? [:]
        var labels = meta["labels"]?.mapValue ?? [:]
        labels["app.kubernetes.io/managed-by"] = "Helm"
        var ann = meta["annotations"]?.mapValue ?? [:]
        ann["meta.helm.sh/release-name"] = .string(release)
        ann["meta.helm.sh/release-namespace"] = .string(namespace)
        meta["labels"] = .map(labels)
        meta["annotations"] = .map(ann)
        m["metadata"] = .map(meta)
        return .map(m)
    }

    /// The body server-side apply sends for `o`: stamped for the release, namespace filled in.
    static func applyBody(_ o: ReleaseObject, release: String, namespace: String) -> Value {
        var obj = stamped(o.object, release: release, namespace: namespace)
        if let ns = o.namespace, case .map(var m) = obj, case .map(var meta)? = m["metadata"] {
            meta["namespace"] = .string(ns)
            m["metadata"] = .map(meta)
            obj = .map(m)
        }
        return obj
    }

    /// Helm's ownership check of one live object: it must carry this release's annotations.
    static func ownershipProblem(_ o: ReleaseObject, live: Value, release: String, namespace: String) -> String? {
        let ann = live["metadata"]?["annotations"]
        let where_ = o.namespace.map { " in namespace \"\($0)\"" } ?? ""
        let prefix = "\(o.kind) \"\(o.name)\"\(where_) exists and cannot be imported into the current release: "
            + "invalid ownership metadata; "
        for (key, want) in [("meta.helm.sh/release-name", release), ("meta.helm.sh/release-namespace", namespace)] {
            let have = ann?[key]?.stringValue
            if have == nil { return prefix + "missing key \"\(key)\": must be set to \"\(want)\"" }
            if have != want {
                return prefix + "annotation validation error: key \"\(key)\" must equal \"\(want)\": current value is \"\(have ?? "")\""
            }
        }
        return nil
    }

    /// Helm's pre-flight adoption check: every object that already exists must belong to this release,
    /// else the operation stops before any record is written (`Unable to continue with install: …`).
    /// The objects are fetched concurrently.
    func checkOwnership(_ objs: [ReleaseObject], release: String, namespace: String, verb: String) throws {
        let lives = client.requestAll(objs.map(getRequest))
        try checkOwnership(objs, lives: lives, release: release, namespace: namespace, verb: verb)
    }

    /// `GET` of an object.
    func getRequest(_ o: ReleaseObject) -> KubeRequest {
        KubeRequest("GET", client.path(o.resource, namespace: o.namespace, name: o.name))
    }

    /// The ownership check over objects already fetched.
    func checkOwnership(_ objs: [ReleaseObject], lives: [Result<Value, KubeError>], release: String, namespace: String,
                        verb: String) throws
    {
        for (o, result) in zip(objs, lives) {
            switch result {
            case .failure(let e) where e.isNotFound: continue
            case .failure(let e): throw ChartEngineError(.io, "Unable to continue with \(verb): " + e.message)
            case .success(let live):
                if let problem = ReleaseContext.ownershipProblem(o, live: live, release: release, namespace: namespace) {
                    throw ChartEngineError(.io, "Unable to continue with \(verb): " + problem)
                }
            }
        }
    }

    /// Deletes objects (as ``deleteAll(_:propagation:)``) and throws the first failure (hooks).
    func delete(_ objs: [ReleaseObject], propagation: String = "Background") throws {
        if let failure = deleteAll(objs, propagation: propagation).failures.first { throw failure }
    }

    /// As Helm's upgrade and rollback remove the objects the new manifest dropped: each is read live
    /// first and left alone when it is gone or the live object says `helm.sh/resource-policy: keep`;
    /// a deletion that fails is passed over (Helm only logs it) and does not fail the operation.
    func deleteDropped(_ objs: [ReleaseObject]) {
        let lives = client.requestAll(objs.map(getRequest))
        var dropped: [ReleaseObject] = []
        for (o, live) in zip(objs, lives) {
            guard case .success(let object) = live else { continue }
            dropped.append(ReleaseObject(object: object, resource: o.resource, namespace: o.namespace, name: o.name))
        }
        _ = deleteAll(dropped, propagation: "Background")
    }

    /// As Helm's uninstall deletes, in uninstall order (one kind at a time, its objects at once): every
    /// object but the `helm.sh/resource-policy: keep` ones is asked for, whatever failed before
    /// (NotFound is no failure); returns the kept ones (`[Kind] name`) and the failures.
    func deleteAll(_ objs: [ReleaseObject], propagation: String) -> (kept: [String], failures: [KubeError])
    {
        let ordered = KindOrder.sorted(objs, by: KindOrder.uninstall) { $0.kind }
        let kept = ordered.filter(\.keep).map { "[\($0.kind)] \($0.name)" }
        let body: Value = ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": .string(propagation)]
        var failures: [KubeError] = []
        for batch in ReleaseContext.kindBatches(ordered.filter { !$0.keep }) {
            let results = client.requestAll(batch.map {
                KubeRequest("DELETE", client.path($0.resource, namespace: $0.namespace, name: $0.name), body: body)
            })
            for r in results {
                if case .failure(let e) = r, !e.isNotFound { failures.append(e) }
            }
        }
        return (kept, failures)
    }

    /// Helm v4 `status`'s RESOURCES section: every manifest object fetched as a server-side Table,
    /// grouped under `==> GROUP/VERSION/KIND` (sorted here; Helm's order is Go map order), printed as
    /// kubectl's table printer does (columns of priority 0, tabwriter min width 10, padding 3).
    public func resourcesSection(_ r: Release) throws -> String {
        let tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
        var groups: [String: (columns: [String], rows: [[String]])] = [:]
        for o in try objects(r.manifest, namespace: r.namespace) {
            let key = o.resource.apiVersion + "/" + o.kind
            let path = client.path(o.resource, namespace: o.namespace, name: o.name)
            guard let t = try? client.requestJSON("GET", path, accept: tableAccept), t["kind"] == "Table" else { continue }
            let defs = (t["columnDefinitions"]?.listValue ?? [])
            let keep = defs.indices.filter { Release.int(defs[$0]["priority"]) == 0 }
            var g = groups[key] ?? (keep.map { (defs[$0]["name"]?.stringValue ?? "").uppercased() }, [])
            for row in t["rows"]?.listValue ?? [] {
                let cells = row["cells"]?.listValue ?? []
                g.rows.append(keep.map { $0 < cells.count ? ReleaseContext.cellText(cells[$0]) : "" })
            }
            groups[key] = g
        }
        var out = ""
        for key in groups.keys.sorted() {
            guard let g = groups[key] else { continue }
            out += "==> \(key)\n" + ReleaseContext.tabwriter([g.columns] + g.rows) + "\n"
        }
        return out
    }

    static func cellText(_ v: Value) -> String {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .float(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "<none>"
        default: return JSON.encode(v)
        }
    }

    /// Go's tabwriter with min width 10 and padding 3; the last cell of a line is not padded.
    static func tabwriter(_ rows: [[String]]) -> String {
        var widths: [Int] = []
        for row in rows {
            for (i, c) in row.enumerated() {
                if widths.count <= i { widths.append(0) }
                widths[i] = max(widths[i], max(10, c.count + 3))
            }
        }
        return rows.map { row in
            row.enumerated().map { i, c in
                i == row.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }

    /// Capabilities from the server: `/version` and discovery.
    public func capabilities() throws -> (kubeVersion: String, apiVersions: [String]) {
        let v = try client.serverVersion()
        let git = v["gitVersion"]?.stringValue ?? KubeVersion.default.version
        return (git, try client.apiVersions())
    }
}

