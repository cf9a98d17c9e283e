public import StructuredData

/// Helm's release statuses (`pkg/release/common/status.go`).
public enum ReleaseStatus: String, Sendable, CaseIterable {
    case unknown, deployed, uninstalled, superseded, failed, uninstalling
    case pendingInstall = "pending-install"
    case pendingUpgrade = "pending-upgrade"
    case pendingRollback = "pending-rollback"

    public var isPending: Bool { self == .pendingInstall || self == .pendingUpgrade || self == .pendingRollback }
}

/// `info` of a release record; times are Go RFC 3339 (nano) strings, empty when zero (omitted in v4).
public struct ReleaseInfo: Sendable, Equatable {
    public var firstDeployed = ""
    public var lastDeployed = ""
    public var deleted = ""
    public var description = ""
    public var status: ReleaseStatus = .unknown
    public var notes = ""
    public init() {}
}

/// One hook as recorded in a release.
public struct ReleaseHook: Sendable, Equatable {
    public var name: String
    public var kind: String
    public var path: String
    public var manifest: String
    public var events: [String]
    public var weight: Int
    public var deletePolicies: [String]
    public var outputLogPolicies: [String] = []
    /// `last_run` as stored (`started_at`, `completed_at`, `phase`).
    public var lastRun: [String: Value] = [:]

    public init(name: String, kind: String, path: String, manifest: String, events: [String], weight: Int,
                deletePolicies: [String])
    {
        self.name = name
        self.kind = kind
        self.path = path
        self.manifest = manifest
        self.events = events
        self.weight = weight
        self.deletePolicies = deletePolicies
    }
}

/// A Helm release revision in the v4 JSON shape (§5.2 of the behaviour reference).
///
/// The chart is kept as the JSON Helm stores (`metadata`, `templates`, `values`, `files`, …) so a record
/// written by Helm round-trips untouched.
public struct Release: Sendable, Equatable {
    public var name: String
    public var namespace: String
    public var version: Int
    public var info = ReleaseInfo()
    public var chart: Value = .null
    /// User-supplied values only.
    public var config: [String: Value] = [:]
    public var manifest = ""
    public var hooks: [ReleaseHook] = []
    /// `ssa` or `csa` (v4); empty when absent.
    public var applyMethod = ""
    /// Storage labels beyond the system ones (not part of the JSON).
    public var labels: [String: String] = [:]
    /// Fields of the stored JSON this model does not know, kept for round trips.
    public var extra: [String: Value] = [:]

    public init(name: String, namespace: String, version: Int) {
        self.name = name
        self.namespace = namespace
        self.version = version
    }

    public var chartName: String { chart["metadata"]?["name"]?.stringValue ?? "" }
    public var chartVersion: String { chart["metadata"]?["version"]?.stringValue ?? "" }
    public var appVersion: String { chart["metadata"]?["appVersion"]?.stringValue ?? "" }
    /// `NAME-VERSION` as `helm list` prints it.
    public var chartLabel: String { chartName + "-" + chartVersion }
    /// The chart's default values as stored.
    public var chartValues: [String: Value] { chart["values"]?.mapValue ?? [:] }
}

extension Release {
    /// The JSON object Helm v4 writes.
    public var json: Value {
        var m = extra
        m["name"] = .string(name)
        m["namespace"] = .string(namespace)
        m["version"] = .int(Int64(version))
        var i: [String: Value] = ["status": .string(info.status.rawValue)]
        if !info.firstDeployed.isEmpty { i["first_deployed"] = .string(info.firstDeployed) }
        if !info.lastDeployed.isEmpty { i["last_deployed"] = .string(info.lastDeployed) }
        if !info.deleted.isEmpty { i["deleted"] = .string(info.deleted) }
        if !info.description.isEmpty { i["description"] = .string(info.description) }
        if !info.notes.isEmpty { i["notes"] = .string(info.notes) }
        m["info"] = .map(i)
        if chart != .null { m["chart"] = chart }
        if !config.isEmpty { m["config"] = .map(config) }
        if !manifest.isEmpty { m["manifest"] = .string(manifest) }
        if !hooks.isEmpty { m["hooks"] = .list(hooks.map(\.json)) }
        if !applyMethod.isEmpty { m["apply_method"] = .string(applyMethod) }
        return .map(m)
    }

    /// Decodes Helm's release JSON (v3 or v4).
    public init(json: Value) throws(ChartEngineError) {
        guard case .map(var m) = json, case .string(let name)? = m["name"] else {
            throw ChartEngineError(.io, "release record is not a release object")
        }
        self.init(name: name, namespace: m["namespace"]?.stringValue ?? "", version: Release.int(m["version"]))
        let i = m["info"] ?? .null
        info.firstDeployed = i["first_deployed"]?.stringValue ?? ""
        info.lastDeployed = i["last_deployed"]?.stringValue ?? ""
        info.deleted = i["deleted"]?.stringValue ?? ""
        info.description = i["description"]?.stringValue ?? ""
        info.notes = i["notes"]?.stringValue ?? ""
        info.status = ReleaseStatus(rawValue: i["status"]?.stringValue ?? "") ?? .unknown
        chart = m["chart"] ?? .null
        config = m["config"]?.mapValue ?? [:]
        manifest = m["manifest"]?.stringValue ?? ""
        hooks = (m["hooks"]?.listValue ?? []).map(ReleaseHook.init(json:))
        applyMethod = m["apply_method"]?.stringValue ?? ""
        for k in ["name", "namespace", "version", "info", "chart", "config", "manifest", "hooks", "apply_method"] {
            m[k] = nil
        }
        extra = m
    }

    static func int(_ v: Value?) -> Int {
        switch v {
        case .int(let i)?: return Int(i)
        case .float(let d)? where d.rounded() == d && abs(d) < 1e15: return Int(d)
        case .string(let s)?: return Int(s) ?? 0
        default: return 0
        }
    }
}

extension ReleaseHook {
    var json: Value {
        var m: [String: Value] = [
            "name": .string(name), "kind": .string(kind), "path": .string(path), "manifest": .string(manifest),
            "events": .list(events.map { .string($0) }), "last_run": .map(lastRun), "weight": .int(Int64(weight)),
        ]
        if !deletePolicies.isEmpty { m["delete_policies"] = .list(deletePolicies.map { .string($0) }) }
        if !outputLogPolicies.isEmpty { m["output_log_policies"] = .list(outputLogPolicies.map { .string($0) }) }
        return .map(m)
    }

    init(json v: Value) {
        func strs(_ k: String) -> [String] { (v[k]?.listValue ?? []).compactMap(\.stringValue) }
        self.init(name: v["name"]?.stringValue ?? "", kind: v["kind"]?.stringValue ?? "",
                  path: v["path"]?.stringValue ?? "", manifest: v["manifest"]?.stringValue ?? "",
                  events: strs("events"), weight: Release.int(v["weight"]), deletePolicies: strs("delete_policies"))
        outputLogPolicies = strs("output_log_policies")
        lastRun = v["last_run"]?.mapValue ?? [:]
    }
}
