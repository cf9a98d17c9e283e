public import StructuredData
import Templating

/// One chart version in a repository index (Helm's `repo.ChartVersion`: the chart's metadata plus
/// where to download it, when it was indexed and the archive's digest).
public struct IndexEntry: Sendable, Equatable {
    /// The chart's `Chart.yaml` metadata (validated and sanitised as Helm does).
    public var metadata: ChartMetadata
    /// Where to download the archive (absolute with `--url`, else relative to the index).
    public var urls: [String]
    /// RFC 3339 time with nanoseconds, as Go prints `time.Time` in JSON.
    public var created: String
    /// Legacy `removed` flag (kept when present).
    public var removed: Bool
    /// Plain lower-case hex SHA-256 of the archive.
    public var digest: String
    /// Legacy fields Helm still accepts (and writes back when present).
    public var checksum = "", engine = "", tillerVersion = "", url = ""

    /// An entry as `IndexFile.MustAdd` makes it.
    public init(metadata: ChartMetadata, urls: [String], created: String, removed: Bool = false, digest: String) {
        self.metadata = metadata
        self.urls = urls
        self.created = created
        self.removed = removed
        self.digest = digest
    }
}

/// A repository `index.yaml` (Helm's `repo.IndexFile`, §4.6).
public struct RepoIndex: Sendable, Equatable {
    /// Always `v1` for indexes Helm writes; required when loading.
    public var apiVersion = "v1"
    /// When the index was generated (RFC 3339 with nanoseconds).
    public var generated: String
    /// Entries per chart name; each list newest first once ``sortEntries()`` ran.
    public var entries: [String: [IndexEntry]] = [:]
    /// `publicKeys` (written only when non-empty).
    public var publicKeys: [String] = []
    /// Free-form `annotations` (written only when non-empty).
    public var annotations: [String: String] = [:]
    /// ChartMuseum's `serverInfo` (written only when non-empty).
    public var serverInfo: [String: Value] = [:]

    /// An empty index generated at `generated`.
    public init(generated: String) {
        self.generated = generated
    }

    /// True when an entry of that name has exactly that version.
    public func has(name: String, version: String) -> Bool {
        entries[name]?.contains { $0.metadata.version == version } ?? false
    }

    /// Helm's `Merge`: adds every entry of `other` whose name and version this index lacks.
    public mutating func merge(_ other: RepoIndex) {
        for name in other.entries.keys.sorted() {
            for e in other.entries[name] ?? [] where !has(name: e.metadata.name, version: e.metadata.version) {
                entries[e.metadata.name, default: []].append(e)
            }
        }
    }

    /// Helm's `SortEntries`: each list by SemVer, newest first; unparseable versions last.
    public mutating func sortEntries() {
        for (name, list) in entries {
            let keyed = list.enumerated().map { ($0.offset, $0.element, SemVer($0.element.metadata.version)) }
            entries[name] = keyed.sorted { a, b in
                switch (a.2, b.2) {
                case let (x?, y?): return x == y ? a.0 < b.0 : y < x
                case (_?, nil): return true
                case (nil, _?): return false
                default: return a.0 < b.0
                }
            }.map(\.1)
        }
    }

    /// `helm repo index DIR [--url URL]` without merging: every `*.tgz` and `*/*.tgz` that loads as
    /// a chart (others are skipped, as Helm assumes they are not charts), digest = SHA-256 hex.
    public static func index(directory dir: String, baseURL: String,
                             clock: @escaping () -> String = RepoTime.now) throws -> RepoIndex
    {
        try LargeStack.run { try indexTyped(directory: dir, baseURL: baseURL, clock: clock) }
    }

    static func indexTyped(directory dir: String, baseURL: String, clock: () -> String) throws(ChartEngineError)
        -> RepoIndex
    {
        var index = RepoIndex(generated: clock())
        let archives = try archivesIn(dir)
        // Reading, unpacking and loading each archive is independent: done on two threads, then
        // added in Helm's order (validation errors and timestamps in sequence).
        let loaded = ResultSlots<(metadata: ChartMetadata, digest: String)>(count: archives.count)
        LargeStack.forEach(count: archives.count, workers: 2) { i in
            loaded.set(i, Result {
                let bytes = try FileSystem.read(joinPath(dir, archives[i]))
                return (try ChartArchive.load(bytes: bytes).metadata, SHA256.hex(bytes))
            })
        }
        for (rel, result) in zip(archives, loaded.results()) {
            let (parentDir, fname) = TarWriter.splitPath(rel)
            let trimmedParent = parentDir.hasSuffix("/") ? String(parentDir.dropLast()) : parentDir
            let parentURL = URLJoin.join(baseURL, trimmedParent)
            guard case .success(let archive) = result else { continue }
            var md = archive.metadata
            if md.apiVersion.isEmpty { md.apiVersion = "v1" }
            do {
                try ChartValidation.validate(&md)
            } catch {
                throw ChartEngineError(.invalidChart, "failed adding to \(fname) to index: validate failed for \(fname): \(error.message)")
            }
            let url = parentURL.isEmpty ? fname : URLJoin.join(parentURL, fname)
            let entry = IndexEntry(metadata: md, urls: [url], created: clock(), digest: archive.digest)
            index.entries[md.name, default: []].append(entry)
        }
        return index
    }

    /// Go's `filepath.Glob(dir/*.tgz)` then `filepath.Glob(dir/**/*.tgz)` (where `**` is just `*`):
    /// relative names, each glob sorted, top level first. Hidden names match `*` in Go.
    static func archivesIn(_ dir: String) throws(ChartEngineError) -> [String] {
        var top: [String] = []
        var nested: [String] = []
        for name in try FileSystem.list(dir) {
            let full = joinPath(dir, name)
            switch FileSystem.kind(of: full) {
            case .file where name.hasSuffix(".tgz"):
                top.append(name)
            case .directory:
                guard let inner = try? FileSystem.list(full) else { continue }
                for n in inner where n.hasSuffix(".tgz") && FileSystem.kind(of: joinPath(full, n)) != .missing {
                    nested.append(name + "/" + n)
                }
            default:
                continue
            }
        }
        return top + nested
    }
}

/// Go's `urlutil.URLJoin` for the shapes repository URLs take: the base's path joined with the
/// elements by `path.Join`.
enum URLJoin {
    static func join(_ base: String, _ elements: String...) -> String {
        // Split off scheme://host from the path, keeping any query out of the way.
        var prefix = ""
        var path = Substring(base)
        if let r = base.range(of: "://") {
            let afterScheme = base[r.upperBound...]
            if let slash = afterScheme.firstIndex(of: "/") {
                prefix = String(base[..<slash])
                path = base[slash...]
            } else {
                prefix = base
                path = ""
            }
        }
        let parts = ([String(path)] + elements).filter { !$0.isEmpty }
        var joined = parts.isEmpty ? "" : GoPath.clean(parts.joined(separator: "/"))
        if !prefix.isEmpty && !joined.isEmpty && !joined.hasPrefix("/") { joined = "/" + joined }
        return prefix + joined
    }
}
