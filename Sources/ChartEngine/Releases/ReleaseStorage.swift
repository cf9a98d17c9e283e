public import KubeClient
import StructuredData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where release records live (Helm's storage drivers).
public protocol ReleaseDriver: AnyObject {
    /// `Secret`, `ConfigMap` or `Memory` (Helm's driver names).
    var name: String { get }
    /// All revisions of every release in scope, optionally only those of `releaseName`.
    func list(releaseName: String?) throws -> [Release]
    func create(_ r: Release) throws
    func update(_ r: Release) throws
    func delete(name: String, version: Int) throws
    /// Deletes several revisions of `name` (cluster drivers send the deletes at once).
    func delete(name: String, versions: [Int]) throws
}

extension ReleaseDriver {
    public func delete(name: String, versions: [Int]) throws {
        for v in versions { try delete(name: name, version: v) }
    }
}

/// The system labels Helm sets on a record.
enum ReleaseLabels {
    static let system: Set<String> = ["name", "owner", "status", "version", "createdAt", "modifiedAt"]

    static func labels(_ r: Release, timeKey: String) -> [String: Value] {
        var m: [String: Value] = [:]
        for (k, v) in r.labels where !system.contains(k) { m[k] = .string(v) }
        m["name"] = .string(r.name)
        m["owner"] = "helm"
        m["status"] = .string(r.info.status.rawValue)
        m["version"] = .string(String(r.version))
        m[timeKey] = .string(String(ReleaseTime.unixNow()))
        return m
    }

    static func custom(_ obj: Value) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in obj["metadata"]?["labels"]?.mapValue ?? [:] where !system.contains(k) {
            out[k] = v.stringValue ?? ""
        }
        return out
    }
}

/// Helm's `secret` (default) and `configmap` drivers: one object `sh.helm.release.v1.NAME.vN` per
/// revision in the release namespace.
public final class KubeReleaseDriver: ReleaseDriver {
    public enum Kind: Sendable { case secret, configMap }
    let client: KubeClient
    let kind: Kind
    /// nil = every namespace (listing only).
    let namespace: String?

    public init(client: KubeClient, kind: Kind, namespace: String?) {
        self.client = client
        self.kind = kind
        self.namespace = namespace
    }

    public var name: String { kind == .secret ? "Secret" : "ConfigMap" }

    var resource: APIResource {
        APIResource(group: "", version: "v1", name: kind == .secret ? "secrets" : "configmaps",
                    kind: kind == .secret ? "Secret" : "ConfigMap", namespaced: true)
    }

    public static func key(_ name: String, _ version: Int) -> String { "sh.helm.release.v1.\(name).v\(version)" }

    /// Each release's records as this process last read or wrote them: a command asks for a history
    /// several times (upgrade: the pending check, the deployed base, pruning) and only the first asks
    /// the server. Writes keep it current; a concurrent writer is still caught by `create` failing.
    private var historyCache: [String: [Release]] = [:]

    public func list(releaseName: String?) throws -> [Release] {
        if let n = releaseName, let cached = historyCache[n] { return cached }
        var selector = "owner=helm"
        if let n = releaseName { selector = "name=\(n),owner=helm" }
        let items = try client.list(resource, namespace: namespace, allNamespaces: namespace == nil,
                                    labelSelector: selector)
        let out = decode(items)
        if let n = releaseName { historyCache[n] = out }
        return out
    }

    /// The `LIST` request of `releaseName`'s records (to send along with others).
    func listRequest(releaseName: String) -> KubeRequest {
        let path = client.path(resource, namespace: namespace)
        return KubeRequest("GET", path, query: [("labelSelector", "name=\(releaseName),owner=helm")])
    }

    /// Sends ``listRequest(releaseName:)`` ahead (``KubeClient/sendAhead(_:)``): the history read
    /// that comes later takes its answer.
    func readAhead(releaseName: String) {
        if historyCache[releaseName] == nil { client.sendAhead(listRequest(releaseName: releaseName)) }
    }

    /// Takes the answer of ``listRequest(releaseName:)`` into the cache.
    func received(_ list: Value, releaseName: String) -> [Release] {
        let out = decode(list["items"]?.listValue ?? [])
        historyCache[releaseName] = out
        return out
    }

    private func remember(_ r: Release) {
        guard var cached = historyCache[r.name] else { return }
        cached.removeAll { $0.version == r.version }
        cached.append(r)
        historyCache[r.name] = cached
    }

    func decode(_ items: [Value]) -> [Release] {
        var out: [Release] = []
        for item in items {
            guard let text = item["data"]?["release"]?.stringValue else { continue }
            let payload: String
            if kind == .secret {
                // Kubernetes base64-encodes Secret data once more.
                guard let raw = Base64Codec.decode(text) else { continue }
                payload = String(decoding: raw, as: UTF8.self)
            } else {
                payload = text
            }
            guard var r = try? ReleaseCodec.decode(payload) else { continue }
            r.labels = ReleaseLabels.custom(item)
            out.append(r)
        }
        return out
    }

    /// Kubernetes' limit on a Secret's or ConfigMap's data.
    public static let maxRecordBytes = 1_048_576

    func object(_ r: Release, timeKey: String) throws -> Value {
        let encoded = try ReleaseCodec.encode(r)
        let size = kind == .secret ? (encoded.utf8.count + 2) / 3 * 4 : encoded.utf8.count
        if size > Self.maxRecordBytes {
            throw ChartEngineError(.io, "create: failed to create: \(resource.kind) \"\(Self.key(r.name, r.version))\" "
                + "is invalid: data: Too long: must have at most \(Self.maxRecordBytes) bytes (the release record is "
                + "\(size) bytes: it carries the chart's templates and files; exclude large files with .helmignore)")
        }
        var obj: [String: Value] = [
            "apiVersion": "v1", "kind": .string(resource.kind),
            "metadata": ["name": .string(Self.key(r.name, r.version)), "namespace": .string(r.namespace),
                         "labels": .map(ReleaseLabels.labels(r, timeKey: timeKey))],
        ]
        if kind == .secret {
            obj["type"] = "helm.sh/release.v1"
            obj["data"] = ["release": .string(Base64Codec.encode(Array(encoded.utf8)))]
        } else {
            obj["data"] = ["release": .string(encoded)]
        }
        return .map(obj)
    }

    public func create(_ r: Release) throws {
        do {
            _ = try client.create(resource, namespace: r.namespace, object(r, timeKey: "createdAt"))
        } catch let e as KubeError where e.isAlreadyExists {
            historyCache[r.name] = nil
            throw ChartEngineError(.io, "create: failed to create: \(e.message)")
        }
        remember(r)
    }

    public func update(_ r: Release) throws {
        _ = try client.update(resource, namespace: r.namespace, name: Self.key(r.name, r.version),
                              object(r, timeKey: "modifiedAt"))
        remember(r)
    }

    public func delete(name: String, version: Int) throws {
        let ns = namespace ?? client.config.namespace
        try client.delete(resource, namespace: ns, name: Self.key(name, version))
        historyCache[name]?.removeAll { $0.version == version }
    }

    /// The revisions' deletes go out concurrently (one round trip instead of one per revision); the
    /// first failure, in the order given, is thrown once all were answered.
    public func delete(name: String, versions: [Int]) throws {
        if versions.count < 2 {
            for v in versions { try delete(name: name, version: v) }
            return
        }
        let ns = namespace ?? client.config.namespace
        let body: Value = ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"]
        let results = client.requestAll(versions.map {
            KubeRequest("DELETE", client.path(resource, namespace: ns, name: Self.key(name, $0)), body: body)
        })
        var firstError: KubeError?
        for (v, r) in zip(versions, results) {
            switch r {
            case .success: historyCache[name]?.removeAll { $0.version == v }
            case .failure(let e): if firstError == nil { firstError = e }
            }
        }
        if let firstError { throw firstError }
    }
}

/// Helm's `memory` driver: records live only in this process.
public final class MemoryReleaseDriver: ReleaseDriver {
    var records: [String: Release] = [:]
    let namespace: String?

    public init(namespace: String?) { self.namespace = namespace }

    public var name: String { "Memory" }

    public func list(releaseName: String?) throws -> [Release] {
        records.values.filter { r in
            (releaseName == nil || r.name == releaseName) && (namespace == nil || r.namespace == namespace)
        }.sorted { $0.version < $1.version }
    }

    public func create(_ r: Release) throws {
        let k = r.namespace + "/" + KubeReleaseDriver.key(r.name, r.version)
        if records[k] != nil { throw ChartEngineError(.io, "create: release already exists") }
        records[k] = r
    }

    public func update(_ r: Release) throws {
        records[r.namespace + "/" + KubeReleaseDriver.key(r.name, r.version)] = r
    }

    public func delete(name: String, version: Int) throws {
        for (k, r) in records where r.name == name && r.version == version
            && (namespace == nil || r.namespace == namespace)
        {
            records[k] = nil
        }
    }
}

/// Helm's `storage.Storage` over a driver: history, last revision, deployed, pruning.
public struct ReleaseStore {
    public let driver: any ReleaseDriver

    public init(driver: any ReleaseDriver) { self.driver = driver }

    /// Chooses the driver from `HELM_DRIVER` (`secret`/`secrets`/empty, `configmap(s)`, `memory`).
    public static func fromEnvironment(client: KubeClient?, namespace: String?) throws -> ReleaseStore {
        let env = getenv("HELM_DRIVER").map { String(cString: $0) } ?? ""
        switch env.lowercased() {
        case "", "secret", "secrets":
            guard let client else { throw ChartEngineError(.io, "Kubernetes cluster unreachable") }
            return ReleaseStore(driver: KubeReleaseDriver(client: client, kind: .secret, namespace: namespace))
        case "configmap", "configmaps":
            guard let client else { throw ChartEngineError(.io, "Kubernetes cluster unreachable") }
            return ReleaseStore(driver: KubeReleaseDriver(client: client, kind: .configMap, namespace: namespace))
        case "memory":
            return ReleaseStore(driver: MemoryReleaseDriver(namespace: namespace))
        default:
            throw ChartEngineError(.usage, "unknown driver \"\(env)\"")
        }
    }

    /// Every revision of `name`, oldest first.
    public func history(_ name: String) throws -> [Release] {
        try driver.list(releaseName: name).sorted { $0.version < $1.version }
    }

    /// The newest revision, or `release: not found`.
    public func last(_ name: String) throws -> Release {
        guard let r = try history(name).last else { throw ChartEngineError(.io, "release: not found") }
        return r
    }

    /// A specific revision, or `release: not found`.
    public func get(_ name: String, version: Int) throws -> Release {
        guard let r = try history(name).first(where: { $0.version == version }) else {
            throw ChartEngineError(.io, "release: not found")
        }
        return r
    }

    /// The newest `deployed` revision, if any.
    public func deployed(_ name: String) throws -> Release? {
        try history(name).last { $0.info.status == .deployed }
    }

    /// Starts reading `name`'s history in the background while the caller loads and renders a chart
    /// (cluster drivers only); the next ``history(_:)`` takes that answer.
    public func readHistoryAhead(_ name: String) {
        (driver as? KubeReleaseDriver)?.readAhead(releaseName: name)
    }

    public func create(_ r: Release) throws { try driver.create(r) }
    public func update(_ r: Release) throws { try driver.update(r) }

    /// Deletes the oldest revisions so at most `max` remain (0 = unlimited), never the newest deployed.
    public func prune(_ name: String, max: Int) throws {
        guard max > 0 else { return }
        let all = try history(name)
        guard all.count > max else { return }
        let keepDeployed = all.last { $0.info.status == .deployed }?.version
        var excess = all.count - max
        for r in all where excess > 0 {
            if r.version == keepDeployed { continue }
            try driver.delete(name: name, version: r.version)
            excess -= 1
        }
    }
}
