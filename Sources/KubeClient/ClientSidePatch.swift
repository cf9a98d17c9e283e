public import StructuredData

/// Helm 3's client-side update (`--server-side=false`): per object a patch computed here from the
/// previous release's manifest object (original), the new one (modified) and the live object
/// (current).
///
/// Built-in kinds get a three-way strategic merge patch with apimachinery's `overwrite` semantics:
/// every field the new manifest sets is sent when the live object differs (so fields the chart sets
/// are reset), fields the previous manifest set and the new one drops are deleted (`null`, or a
/// `$patch: delete` element for lists merged by key), and fields only the live object has (set by
/// someone else, or defaulted) are left alone. Custom resources and kinds strategic merge patch does
/// not know get a two-way JSON merge patch (original → modified), as Helm's default.
public enum ClientSidePatch {
    /// The content type of strategic merge patches.
    public static let strategicContentType = "application/strategic-merge-patch+json"
    /// The content type of JSON merge patches.
    public static let mergeContentType = "application/merge-patch+json"

    /// API groups whose kinds the API server patches strategically (the built-in ones; CRDs and the
    /// custom resources they define take JSON merge patches only).
    static let strategicGroups: Set<String> = [
        "", "apps", "batch", "autoscaling", "policy", "networking.k8s.io", "rbac.authorization.k8s.io",
        "storage.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "node.k8s.io",
        "admissionregistration.k8s.io", "certificates.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io",
        "resource.k8s.io", "storagemigration.k8s.io",
    ]

    /// Whether `r` takes strategic merge patches.
    public static func supportsStrategic(_ r: APIResource) -> Bool { strategicGroups.contains(r.group) }

    /// The patch and its content type for one object; an empty map means nothing to change.
    public static func patch(for r: APIResource, original: Value, modified: Value, current: Value)
        -> (body: Value, contentType: String)
    {
        if supportsStrategic(r) {
            return (strategicThreeWay(original: original, modified: modified, current: current), strategicContentType)
        }
        return (mergeTwoWay(original: original, modified: modified), mergeContentType)
    }

    /// True for a patch that changes nothing (`{}`).
    public static func isEmpty(_ patch: Value) -> Bool { patch.mapValue?.isEmpty ?? false }

    // MARK: JSON merge patch (RFC 7386), two-way

    /// The JSON merge patch turning `original` into `modified`: changed keys with their new value
    /// (maps recursively), dropped keys as `null`.
    public static func mergeTwoWay(original: Value, modified: Value) -> Value {
        guard case .map(let o) = original, case .map(let m) = modified else { return modified }
        var out: [String: Value] = [:]
        for (k, mv) in m {
            guard let ov = o[k] else { out[k] = mv; continue }
            if case .map = ov, case .map = mv {
                let sub = mergeTwoWay(original: ov, modified: mv)
                if !isEmpty(sub) { out[k] = sub }
            } else if !same(ov, mv) {
                out[k] = mv
            }
        }
        for k in o.keys where m[k] == nil { out[k] = .null }
        return .map(out)
    }

    // MARK: Strategic merge patch, three-way

    /// apimachinery's `CreateThreeWayMergePatch(original, modified, current, overwrite: true)`:
    /// the deletions from original to modified merged with the changes and additions from current to
    /// modified.
    public static func strategicThreeWay(original: Value, modified: Value, current: Value) -> Value {
        let m = modified.mapValue ?? [:]
        let changes = delta(current: current.mapValue ?? [:], modified: m, path: [])
        let deletions = removals(original: original.mapValue ?? [:], modified: m, path: [])
        return .map(combine(deletions, changes, path: []))
    }

    /// Keys of `modified` whose value differs from `current` (maps recursively, merged lists element
    /// by element); keys only `current` has are ignored.
    static func delta(current: [String: Value], modified: [String: Value], path: [String]) -> [String: Value] {
        var out: [String: Value] = [:]
        for (k, mv) in modified {
            guard let cv = current[k] else { out[k] = mv; continue }
            switch (cv, mv) {
            case (.map(let c), .map(let mm)):
                let sub = delta(current: c, modified: mm, path: path + [k])
                if !sub.isEmpty { out[k] = .map(sub) }
            case (.list(let c), .list(let ml)):
                switch ListStrategy.of(k, path: path, sample: ml.first ?? c.first) {
                case .byKey(let key):
                    let sub = listDelta(current: c, modified: ml, key: key, path: path + [k])
                    if !sub.isEmpty { out[k] = .list(sub) }
                case .primitiveMerge:
                    let add = ml.filter { e in !c.contains { same($0, e) } }
                    if !add.isEmpty { out[k] = .list(add) }
                case .atomic:
                    if !same(cv, mv) { out[k] = mv }
                }
            default:
                if !same(cv, mv) { out[k] = mv }
            }
        }
        return out
    }

    /// The elements of a keyed list that `modified` adds or changes against `current`.
    static func listDelta(current: [Value], modified: [Value], key: String, path: [String]) -> [Value] {
        var out: [Value] = []
        for e in modified {
            guard case .map(let em) = e, let id = em[key] else { out.append(e); continue }
            guard let c = current.first(where: { same($0[key] ?? .null, id) })?.mapValue else { out.append(e); continue }
            var sub = delta(current: c, modified: em, path: path)
            if !sub.isEmpty {
                sub[key] = id
                out.append(.map(sub))
            }
        }
        return out
    }

    /// What `original` had and `modified` drops: keys as `null`, keyed list elements as
    /// `{key: id, $patch: delete}`, primitives of merged lists under `$deleteFromPrimitiveList/<field>`.
    static func removals(original: [String: Value], modified: [String: Value], path: [String]) -> [String: Value] {
        var out: [String: Value] = [:]
        for (k, ov) in original {
            guard let mv = modified[k] else { out[k] = .null; continue }
            switch (ov, mv) {
            case (.map(let o), .map(let mm)):
                let sub = removals(original: o, modified: mm, path: path + [k])
                if !sub.isEmpty { out[k] = .map(sub) }
            case (.list(let o), .list(let ml)):
                switch ListStrategy.of(k, path: path, sample: ml.first ?? o.first) {
                case .byKey(let key):
                    var gone: [Value] = []
                    for e in o {
                        guard case .map(let em) = e, let id = em[key] else { continue }
                        if let kept = ml.first(where: { same($0[key] ?? .null, id) })?.mapValue {
                            var sub = removals(original: em, modified: kept, path: path + [k])
                            if !sub.isEmpty {
                                sub[key] = id
                                gone.append(.map(sub))
                            }
                        } else {
                            gone.append([key: id, "$patch": "delete"])
                        }
                    }
                    if !gone.isEmpty { out[k] = .list(gone) }
                case .primitiveMerge:
                    let dropped = o.filter { e in !ml.contains { same($0, e) } }
                    if !dropped.isEmpty { out["$deleteFromPrimitiveList/" + k] = .list(dropped) }
                case .atomic:
                    break
                }
            default:
                break
            }
        }
        return out
    }

    /// Merges the deletion patch with the change patch (keyed list elements joined by key).
    static func combine(_ a: [String: Value], _ b: [String: Value], path: [String]) -> [String: Value] {
        var out = a
        for (k, bv) in b {
            guard let av = out[k] else { out[k] = bv; continue }
            switch (av, bv) {
            case (.map(let am), .map(let bm)):
                out[k] = .map(combine(am, bm, path: path + [k]))
            case (.list(let al), .list(let bl)):
                if case .byKey(let key) = ListStrategy.of(k, path: path, sample: bl.first ?? al.first) {
                    var merged = al
                    for e in bl {
                        if let i = merged.firstIndex(where: { same($0[key] ?? .null, e[key] ?? .null) }),
                           case .map(let em) = merged[i], case .map(let bm) = e
                        {
                            merged[i] = .map(combine(em, bm, path: path + [k]))
                        } else {
                            merged.append(e)
                        }
                    }
                    out[k] = .list(merged)
                } else {
                    out[k] = bv
                }
            default:
                out[k] = bv
            }
        }
        return out
    }

    /// Equality that treats an integral float and the same integer as one number.
    static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .float(let y)), (.float(let y), .int(let x)): return Double(x) == y
        case (.map(let x), .map(let y)):
            return x.count == y.count && x.allSatisfy { k, v in y[k].map { same(v, $0) } ?? false }
        case (.list(let x), .list(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        default: return a == b
        }
    }
}

/// How strategic merge patch treats a list field of the built-in types (their `patchStrategy` and
/// `patchMergeKey` tags).
enum ListStrategy: Equatable {
    /// Elements are maps merged by this key.
    case byKey(String)
    /// A list of scalars merged as a set (`finalizers`).
    case primitiveMerge
    /// Replaced as a whole.
    case atomic

    static let keyed: [String: String] = [
        "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "env": "name",
        "volumes": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
        "imagePullSecrets": "name", "hostAliases": "ip", "conditions": "type", "ownerReferences": "uid",
        "topologySpreadConstraints": "topologyKey", "resourceClaims": "name", "schedulingGates": "name",
        "resizePolicy": "resourceName", "secrets": "name",
    ]

    /// The strategy of list field `field` under the map keys `path`; `sample` tells container ports
    /// (`containerPort`) from Service ports (`port`).
    static func of(_ field: String, path: [String], sample: Value?) -> ListStrategy {
        if field == "finalizers" && path == ["metadata"] { return .primitiveMerge }
        if field == "ports" {
            if sample?["containerPort"] != nil { return .byKey("containerPort") }
            if path.last == "spec" && sample?["port"] != nil { return .byKey("port") }
            return .atomic
        }
        if let key = keyed[field] {
            // A keyed list whose elements lack the key (free-form data under a custom field) stays atomic.
            if let sample, sample[key] == nil { return .atomic }
            return .byKey(key)
        }
        return .atomic
    }
}
