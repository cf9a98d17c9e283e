import CLibCrypto
import Templating

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A chart repository reached over HTTP (Helm's `repo.ChartRepository`): downloading its index into
/// the cache and finding charts in it.
public enum ChartRepository {
    /// `DownloadIndexFile`: fetches `<url>/index.yaml`, checks it loads as an index, then writes
    /// `<name>-charts.txt` (one chart name a line) and the index bytes verbatim as
    /// `<name>-index.yaml` into `cache`. Returns the index path and the parsed index.
    @discardableResult
    public static func downloadIndex(_ entry: RepositoryEntry, cache: String,
                                     warn: (String) -> Void = { _ in }) throws(ChartEngineError)
        -> (path: String, index: RepoIndex)
    {
        let indexURL = try resolveReferenceURL(entry.url, "index.yaml")
        let bytes = try HTTPClient.get(indexURL, options: entry.httpOptions)
        let index = try RepoIndex.parse(bytes, source: entry.url, warn: warn)
        try FileSystem.makeDirectories(cache)
        let names = index.entries.keys.sorted().map { $0 + "\n" }.joined()
        try AtomicFile.write(joinPath(cache, entry.name + "-charts.txt"), Array(names.utf8))
        let path = joinPath(cache, entry.name + "-index.yaml")
        try AtomicFile.write(path, bytes)
        return (path, index)
    }

    /// `repo.ResolveReferenceURL`: an absolute `ref` as is; otherwise resolved against `base` taken
    /// as a directory (trailing slash added), keeping the base URL's query as Helm does.
    public static func resolveReferenceURL(_ base: String, _ ref: String) throws(ChartEngineError) -> String {
        let r = URLParts(ref)
        if !r.scheme.isEmpty { return ref }
        let b = URLParts(base)
        var path: String
        var host = b.host
        if ref.hasPrefix("//") {
            let again = URLParts(b.scheme + ":" + ref)
            host = again.host
            path = again.path
        } else if r.path.hasPrefix("/") {
            path = r.path
        } else if r.path.isEmpty {
            path = b.path.hasSuffix("/") ? b.path : b.path + "/"
        } else {
            var dir = b.path
            while dir.hasSuffix("/") { dir.removeLast() }
            path = dir + "/" + r.path
        }
        path = removeDotSegments(path)
        var out = b.scheme.isEmpty ? "" : b.scheme + "://"
        out += host + path
        if !b.query.isEmpty { out += "?" + b.query }
        if !r.fragment.isEmpty { out += "#" + r.fragment }
        return out
    }

    /// RFC 3986 §5.2.4, as Go's `resolvePath` (a trailing `.`/`..` keeps the trailing slash).
    static func removeDotSegments(_ p: String) -> String {
        if p.isEmpty { return "" }
        var out: [Substring] = []
        let parts = p.split(separator: "/", omittingEmptySubsequences: false)
        for (i, seg) in parts.enumerated() {
            let last = i == parts.count - 1
            switch seg {
            case ".":
                if last { out.append("") }
            case "..":
                if out.count > 1 { out.removeLast() }
                if last { out.append("") }
            default:
                out.append(seg)
            }
        }
        var s = out.joined(separator: "/")
        if !s.hasPrefix("/") { s = "/" + s }
        return s
    }

    /// `repo.FindChartInRepoURL` (`--repo URL`): downloads that repository's index under a random
    /// name, picks the chart version and returns its absolute URL and digest; the temporary cache
    /// files are removed afterwards.
    public static func findChart(inRepoURL repoURL: String, chart: String, version: String,
                                 options: HTTPOptions, cache: String) throws(ChartEngineError)
        -> (url: String, digest: String)
    {
        var entry = RepositoryEntry(name: randomName(), url: repoURL)
        entry.username = options.username
        entry.password = options.password
        entry.passCredentialsAll = options.passCredentialsAll
        entry.certFile = options.certFile
        entry.keyFile = options.keyFile
        entry.caFile = options.caFile
        entry.insecureSkipTLSVerify = options.insecureSkipTLSVerify
        let index: RepoIndex
        do {
            index = try downloadIndex(entry, cache: cache).index
        } catch {
            throw ChartEngineError(error.code, "looks like \"\(repoURL)\" is not a valid chart repository or cannot be reached: \(error.message)")
        }
        unlink(joinPath(cache, entry.name + "-charts.txt"))
        unlink(joinPath(cache, entry.name + "-index.yaml"))
        var what = "chart \"\(chart)\""
        if !version.isEmpty { what += " version \"\(version)\"" }
        guard let cv = try? index.get(chart, version: version) else {
            throw ChartEngineError(.chartNotFound, "\(what) not found in \(repoURL) repository")
        }
        guard let first = cv.urls.first else {
            throw ChartEngineError(.chartNotFound, "\(what) has no downloadable URLs")
        }
        return (try resolveReferenceURL(repoURL, first), cv.digest)
    }

    /// Helm names the temporary index after 20 random bytes in base64 with `/` replaced by `-`.
    static func randomName() -> String {
        var bytes = [UInt8](repeating: 0, count: 20)
        if helmctl_random_bytes(&bytes, 20) != 1 {
            for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        }
        return Base64.encode(bytes).map { $0 == "/" ? "-" : $0 }.reduce(into: "") { $0.append($1) }
    }
}

extension RepoIndex {
    /// `IndexFile.Get`: with a version, an exact match first; otherwise (or failing that) the first
    /// entry, newest first, whose SemVer satisfies the constraint (`*` when none is given).
    public func get(_ name: String, version: String, warn: (String) -> Void = { _ in }) throws(ChartEngineError)
        -> IndexEntry
    {
        guard let vs = entries[name] else { throw ChartEngineError(.chartNotFound, "no chart name found") }
        if vs.isEmpty { throw ChartEngineError(.chartNotFound, "no chart version found") }
        let constraint: SemverConstraints
        do {
            constraint = try SemverConstraints.parse(version.isEmpty ? "*" : version)
        } catch {
            throw ChartEngineError(.usage, error.message)
        }
        if !version.isEmpty, let exact = vs.first(where: { $0.metadata.version == version }) { return exact }
        for v in vs {
            guard let sv = try? SemverVersion.parse(v.metadata.version) else { continue }
            if constraint.check(sv) {
                if !version.isEmpty {
                    warn("unable to find exact version; falling back to closest available version chart=\(name) requested=\(version) selected=\(v.metadata.version)")
                }
                return v
            }
        }
        throw ChartEngineError(.chartNotFound, "no chart version found for \(name)-\(version)")
    }
}

/// Masterminds semver through the template library's implementation.
enum Semver {
    /// `semver.NewConstraint(c).Check(semver.NewVersion(v))`; nil when the constraint is invalid.
    static func satisfies(_ version: String, _ constraint: String) -> Bool? {
        guard let c = try? SemverConstraints.parse(constraint) else { return nil }
        guard let v = try? SemverVersion.parse(version) else { return false }
        return c.check(v)
    }

    /// `semver.NewVersion` succeeds.
    static func isValid(_ version: String) -> Bool { (try? SemverVersion.parse(version)) != nil }

    /// `v1.GreaterThan(v2)` (false when either does not parse).
    static func greater(_ a: String, _ b: String) -> Bool {
        guard let x = try? SemverVersion.parse(a), let y = try? SemverVersion.parse(b) else { return false }
        return x.compare(y) > 0
    }

    /// Both parse and compare equal, else string equality (Helm's `versionEquals`).
    static func equal(_ a: String, _ b: String) -> Bool {
        guard let x = try? SemverVersion.parse(a), let y = try? SemverVersion.parse(b) else { return a == b }
        return x.compare(y) == 0
    }
}
