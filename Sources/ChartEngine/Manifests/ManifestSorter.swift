import Templating
import StructuredData

/// One rendered Kubernetes document with the head fields Helm reads (`releaseutil.SimpleHead`).
public struct Manifest: Sendable, Equatable {
    /// The template path it came from (`mychart/templates/deployment.yaml`).
    public var path: String
    /// The document text (leading whitespace trimmed).
    public var content: String
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var annotations: [String: String]
}

/// A hook document (`helm.sh/hook` annotation) with its parsed events.
public struct Hook: Sendable, Equatable {
    public var manifest: Manifest
    /// Lower-cased event names (`pre-install`, `test`, …); `test-success` is recorded as `test`.
    public var events: [String]
    /// `helm.sh/hook-weight` as an integer (0 when absent or not a number).
    public var weight: Int
    /// `helm.sh/hook-delete-policy` entries.
    public var deletePolicies: [String]

    /// True for `helm test` hooks (skipped by `--skip-tests`).
    public var isTest: Bool { events.contains("test") }
}

/// Helm's `releaseutil.SortManifests`: files in path order, documents split, hooks separated, both
/// lists stably sorted by kind install order.
public enum ManifestSorter {
    static let hookEvents: [String: String] = [
        "pre-install": "pre-install", "post-install": "post-install", "pre-delete": "pre-delete",
        "post-delete": "post-delete", "pre-upgrade": "pre-upgrade", "post-upgrade": "post-upgrade",
        "pre-rollback": "pre-rollback", "post-rollback": "post-rollback", "test": "test",
        "test-success": "test",
    ]

    /// Sorts rendered files (path → text) into hooks and manifests.
    public static func sort(_ files: [String: String], order: [String] = KindOrder.install) throws
        -> (hooks: [Hook], manifests: [Manifest])
    {
        try sortTyped(files, order: order)
    }

    /// Below this many files the per-file work runs on the calling thread.
    static let parallelMinimumFiles = 16

    /// `parallelMinimum`: from how many files the per-file work uses two threads (tests vary it).
    static func sortTyped(_ files: [String: String], order: [String], parallelMinimum: Int = parallelMinimumFiles)
        throws(ChartEngineError) -> (hooks: [Hook], manifests: [Manifest])
    {
        let paths = files.keys.sorted(by: goStringLess)
        // Splitting and reading the heads is independent per file, so large renders do it on two
        // threads; results are consumed in path order, so the first error is the sequential one.
        var perFile: [Result<[Manifest], ChartEngineError>] = []
        if paths.count >= parallelMinimum {
            let slots = ResultSlots<[Manifest]>(count: paths.count)
            LargeStack.forEach(count: paths.count, workers: 2) { i in
                slots.set(i, Result { try documents(of: files[paths[i]] ?? "", path: paths[i]) })
            }
            perFile = slots.results().map { r in r.mapError { $0 as? ChartEngineError ?? ChartEngineError(.manifestParse, "\($0)") } }
        } else {
            perFile = paths.map { p in Result { () throws(ChartEngineError) in try documents(of: files[p] ?? "", path: p) } }
        }
        var hooks: [Hook] = []
        var generic: [Manifest] = []
        for result in perFile {
            for m in try result.get() {
                guard let hookSpec = m.annotations["helm.sh/hook"] else {
                    generic.append(m)
                    continue
                }
                var events: [String] = []
                var unknown = false
                for raw in hookSpec.split(separator: ",", omittingEmptySubsequences: false) {
                    let name = String(raw).trimmingGoSpace().lowercased()
                    guard let e = hookEvents[name] else { unknown = true; break }
                    events.append(e)
                }
                // Helm logs "skipping unknown hooks" and drops the document entirely.
                if unknown { continue }
                let weight = Int(m.annotations["helm.sh/hook-weight"]?.trimmingGoSpace() ?? "") ?? 0
                let policies = (m.annotations["helm.sh/hook-delete-policy"] ?? "")
                    .split(separator: ",").map { String($0).trimmingGoSpace() }.filter { !$0.isEmpty }
                hooks.append(Hook(manifest: m, events: events, weight: weight, deletePolicies: policies))
            }
        }
        return (KindOrder.sorted(hooks, by: order) { $0.manifest.kind },
                KindOrder.sorted(generic, by: order) { $0.kind })
    }

    /// The documents of one rendered file with their heads (none for partials and blank output).
    static func documents(of content: String, path: String) throws(ChartEngineError) -> [Manifest] {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        if base.hasPrefix("_") { return [] }
        if content.trimmingGoSpace().isEmpty { return [] }
        var out: [Manifest] = []
        for doc in ManifestSplitter.split(content) { out.append(try head(of: doc, path: path)) }
        return out
    }

    /// The top-level fields of `releaseutil.SimpleHead`.
    static let headKeys: Set<String> = ["apiVersion", "kind", "metadata"]

    /// Parses the head fields of one document; errors are Helm's `YAML parse error on PATH: …`.
    static func head(of doc: String, path: String) throws(ChartEngineError) -> Manifest {
        var m = Manifest(path: path, content: doc, apiVersion: "", kind: "", name: "", annotations: [:])
        let value: Value
        do {
            // Only the head fields are read; the rest of the document is parsed, not built.
            // Plain block documents (most rendered manifests) are read by a byte scanner; the rest
            // go through libyaml.
            value = try YAML.scanManifestHead(doc) ?? YAML.decodeHead(doc, keys: headKeys) ?? YAML.decode(doc)
        } catch {
            throw ChartEngineError(.manifestParse,
                                   "YAML parse error on \(path): error converting YAML to JSON: \(error)")
        }
        func clash(_ what: String, _ v: Value, _ type: String) -> ChartEngineError {
            ChartEngineError(.manifestParse,
                             "YAML parse error on \(path): error unmarshaling JSON: while decoding JSON: json: cannot "
                                 + "unmarshal \(MetadataDecoding.jsonType(v)) into Go \(what) of type \(type)")
        }
        switch value {
        case .null: return m
        case .map(let top):
            func str(_ v: Value?, _ field: String) throws(ChartEngineError) -> String {
                guard let v, !v.isNull else { return "" }
                guard let s = MetadataDecoding.scalarString(v) else {
                    throw clash("struct field \(field)", v, "string")
                }
                return s
            }
            m.apiVersion = try str(top["apiVersion"], "SimpleHead.apiVersion")
            m.kind = try str(top["kind"], "SimpleHead.kind")
            if let md = top["metadata"], !md.isNull {
                guard case .map(let meta) = md else { throw clash("struct field SimpleHead.metadata", md, "struct { Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }") }
                m.name = try str(meta["name"], "SimpleHead.metadata.name")
                if let ann = meta["annotations"], !ann.isNull {
                    guard case .map(let a) = ann else {
                        throw clash("struct field SimpleHead.metadata.annotations", ann, "map[string]string")
                    }
                    for (k, v) in a { m.annotations[k] = try str(v, "SimpleHead.metadata.annotations") }
                }
            }
            return m
        default:
            throw clash("value", value, "releaseutil.SimpleHead")
        }
    }
}
