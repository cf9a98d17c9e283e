import StructuredData
import Templating

/// `helm dependency update|build` (pkg/downloader/manager.go and internal/resolver): resolves the
/// `dependencies:` of an unpacked chart against repositories, writes `Chart.lock` and fills `charts/`.
public struct DependencyManager {
    public var chartPath: String
    public var paths: HelmPaths
    public var skipUpdate = false
    public var out: (String) -> Void
    /// Time for `Chart.lock`'s `generated` (Go's `time.Now()`, RFC 3339 with nanoseconds).
    public var clock: () -> String = RepoTime.now
    /// How `oci://` dependencies are reached: `--plain-http`, TLS and credentials, the registry config.
    public var registry = RegistryAccess()
    /// `--verify`: every downloaded dependency archive must verify against `keyring` (Helm's
    /// `VerifyAlways`); `file://` and `charts/` dependencies are not downloaded, so not verified.
    public var verify = false
    /// `--keyring`: the public keyring for `verify`.
    public var keyring = ""

    /// Registry settings for `oci://` dependencies.
    public struct RegistryAccess: Sendable {
        public var plainHTTP = false
        public var http = HTTPOptions()
        public var config = RegistryConfig.fromEnvironment()
        public init() {}

        /// `oci://HOST/PATH` + `name` → the chart's repository reference, as Helm joins them.
        static func reference(_ repository: String, _ name: String) -> String {
            repository.hasSuffix("/") ? repository + name : repository + "/" + name
        }
    }

    public init(chartPath: String, paths: HelmPaths, skipUpdate: Bool = false, out: @escaping (String) -> Void) {
        self.chartPath = chartPath
        self.paths = paths
        self.skipUpdate = skipUpdate
        self.out = out
    }

    /// A locked dependency (`Chart.lock` keeps name, repository and the exact version).
    struct Locked: Equatable {
        var name: String
        var repository: String
        var version: String
    }

    static let managerPrefix = "helm-manager-"

    /// `Manager.Update`.
    public func update() throws(ChartEngineError) {
        let chart = try loadChartDir()
        var req = chart.metadata.dependencies
        if req.isEmpty { return }
        var repoNames = try resolveRepoNames(&req)
        try ensureMissingRepos(&repoNames, req)
        if !skipUpdate { try updateRepositories() }
        var locked = try resolve(req, repoNames)
        try downloadAll(&locked)
        let digest = Self.hashReq(req, locked)
        if let old = readLock(apiVersion: chart.metadata.apiVersion), old.digest == digest { return }
        try writeLock(locked, digest: digest, legacy: chart.metadata.apiVersion == "v1")
    }

    /// `Manager.Build`: downloads what `Chart.lock` pins (an update when there is no lock).
    public func build() throws(ChartEngineError) {
        let chart = try loadChartDir()
        guard let lock = readLock(apiVersion: chart.metadata.apiVersion) else { return try update() }
        var req = chart.metadata.dependencies
        _ = try resolveRepoNames(&req)
        if Self.hashReq(req, lock.dependencies) != lock.digest {
            if chart.metadata.apiVersion == "v1" {
                throw ChartEngineError(.dependency, "the lock file (requirements.lock) is out of sync with the dependencies file (requirements.yaml). Please update the dependencies")
            }
            throw ChartEngineError(.dependency, "the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies")
        }
        try hasAllRepos(lock.dependencies)
        if !skipUpdate { try updateRepositories() }
        var deps = lock.dependencies
        try downloadAll(&deps)
    }

    func loadChartDir() throws(ChartEngineError) -> Chart {
        switch FileSystem.kind(of: chartPath) {
        case .missing:
            throw ChartEngineError(.chartNotFound, "could not find \(chartPath): stat \(chartPath): no such file or directory")
        case .directory:
            return try ChartLoader.loadDirectory(chartPath)
        default:
            throw ChartEngineError(.usage, "only unpacked charts can be updated")
        }
    }

    // MARK: Repositories

    /// `resolveRepoNames`: maps each dependency to the configured repository serving it; `@name`
    /// and `alias:name` repositories are replaced by that repository's URL (which the lock digest
    /// then covers, as in Helm).
    func resolveRepoNames(_ deps: inout [ChartDependency]) throws(ChartEngineError) -> [String: String] {
        let rf = try RepositoryFile.loadOrEmpty(paths.repositoryConfig)
        var map: [String: String] = [:]
        var missing: [String] = []
        for i in deps.indices {
            let dd = deps[i]
            if dd.repository.isEmpty { continue }
            if dd.repository.hasPrefix("file://") {
                _ = try localPath(dd.repository)
                map[dd.name] = dd.repository
                continue
            }
            if dd.repository.hasPrefix("oci://") { map[dd.name] = dd.repository; continue }
            var found = false
            for r in rf.repositories {
                let alias = dd.repository.hasPrefix("@") ? String(dd.repository.dropFirst())
                    : dd.repository.hasPrefix("alias:") ? String(dd.repository.dropFirst(6)) : nil
                if let alias, alias == r.name {
                    found = true
                    deps[i].repository = r.url
                    map[dd.name] = r.name
                    break
                } else if URLCompare.equal(r.url, dd.repository) {
                    found = true
                    map[dd.name] = r.name
                    break
                }
            }
            if !found {
                // url.ParseRequestURI: an absolute URL or an absolute path.
                if URLParts(dd.repository).scheme.isEmpty == false || dd.repository.hasPrefix("/") {
                    map[dd.repository] = dd.repository
                    continue
                }
                missing.append(dd.repository)
            }
        }
        if !missing.isEmpty {
            var msg = "no repository definition for \(missing.joined(separator: ", ")). Please add them via 'helm repo add'"
            if missing.contains(where: { !$0.contains("//") && !$0.hasPrefix("@") && !$0.hasPrefix("alias:") }) {
                msg += "\nNote that repositories must be URLs or aliases. For example, to refer to the \"example\"\n"
                    + "repository, use \"https://charts.example.com/\" or \"@example\" instead of\n"
                    + "\"example\". Don't forget to add the repo, too ('helm repo add')."
            }
            throw ChartEngineError(.dependency, msg)
        }
        return map
    }

    /// `ensureMissingRepos`: repositories given by URL only get a generated cache name
    /// (`helm-manager-<sha256 of the URL>`) and their index is fetched.
    func ensureMissingRepos(_ names: inout [String: String], _ deps: [ChartDependency]) throws(ChartEngineError) {
        var unmanaged: [RepositoryEntry] = []
        for dd in deps where !dd.repository.isEmpty && names[dd.name] == nil {
            let rn = Self.managerPrefix + SHA256.hex(Array(dd.repository.utf8))
            names[dd.name] = rn
            unmanaged.append(RepositoryEntry(name: rn, url: dd.repository))
        }
        if !skipUpdate && !unmanaged.isEmpty {
            out("Getting updates for unmanaged Helm repositories...\n")
            parallelRepoUpdate(unmanaged)
        }
    }

    /// `UpdateRepositories`: every configured repository.
    func updateRepositories() throws(ChartEngineError) {
        let rf = try RepositoryFile.loadOrEmpty(paths.repositoryConfig)
        if rf.repositories.isEmpty { return }
        out("Hang tight while we grab the latest from your chart repositories...\n")
        parallelRepoUpdate(rf.repositories)
        out("Update Complete. ⎈Happy Helming!⎈\n")
    }

    /// Helm runs these concurrently; helmctl fetches them one after another (same messages).
    func parallelRepoUpdate(_ repos: [RepositoryEntry]) {
        var seen: Set<String> = []
        for r in repos where seen.insert(URLCompare.normal(r.url)).inserted {
            let label = r.name.hasPrefix(Self.managerPrefix) ? r.url : r.name
            do {
                try ChartRepository.downloadIndex(r, cache: paths.repositoryCache)
                out("...Successfully got an update from the \"\(label)\" chart repository\n")
            } catch {
                if r.name.hasPrefix(Self.managerPrefix) {
                    out("...Unable to get an update from the \"\(r.url)\" chart repository:\n\t\(error.message)\n")
                } else {
                    out("...Unable to get an update from the \"\(r.name)\" chart repository (\(r.url)):\n\t\(error.message)\n")
                }
            }
        }
    }

    /// `hasAllRepos`.
    func hasAllRepos(_ deps: [Locked]) throws(ChartEngineError) {
        let rf = try RepositoryFile.loadOrEmpty(paths.repositoryConfig)
        var missing: [String] = []
        for d in deps where !d.repository.isEmpty && !d.repository.hasPrefix("file://") && !d.repository.hasPrefix("oci://") {
            var trimmed = d.repository
            if trimmed.hasSuffix("/") { trimmed.removeLast() }
            if !rf.repositories.contains(where: { URLCompare.equal($0.url, trimmed) }) { missing.append(d.repository) }
        }
        if !missing.isEmpty {
            throw ChartEngineError(.dependency, "no repository definition for \(missing.joined(separator: ", "))")
        }
    }

    // MARK: Resolving

    /// `resolver.Resolve`: the exact version of each dependency.
    func resolve(_ reqs: [ChartDependency], _ repoNames: [String: String]) throws(ChartEngineError) -> [Locked] {
        var locked: [Locked] = []
        var missing: [String] = []
        for d in reqs {
            let constraint: SemverConstraints
            do {
                constraint = try SemverConstraints.parse(d.version)
            } catch {
                throw ChartEngineError(.dependency, "dependency \"\(d.name)\" has an invalid version/constraint format: \(error.message)")
            }
            let missingText = "\"\(d.name)\" (repository \"\(d.repository)\", version \"\(d.version)\")"
            if d.repository.isEmpty {
                let p = joinPath(chartPath, "charts", d.name)
                if FileSystem.kind(of: p) == .missing {
                    throw ChartEngineError(.dependency, "directory \(p) not found")
                }
                locked.append(Locked(name: d.name, repository: "", version: d.version))
                continue
            }
            if d.repository.hasPrefix("file://") {
                let p = try localPath(d.repository)
                let ch = try ChartLoader.loadDirectory(p)
                guard let v = try? SemverVersion.parse(ch.metadata.version) else { continue }
                if !constraint.check(v) {
                    missing.append(missingText)
                    continue
                }
                locked.append(Locked(name: d.name, repository: d.repository, version: ch.metadata.version))
                continue
            }
            guard let repoName = repoNames[d.name], !repoName.isEmpty else {
                locked.append(Locked(name: d.name, repository: d.repository, version: d.version))
                continue
            }
            if d.repository.hasPrefix("oci://") {
                // Helm lists the repository's tags and locks the highest one the constraint allows.
                let ref = RegistryAccess.reference(d.repository, d.name)
                var r = try OCIReference(ref)
                var client = try OCIActions.client(host: r.host, plainHTTP: registry.plainHTTP, http: registry.http,
                                                   config: registry.config)
                r.tag = ""
                do {
                    let tag = try client.resolveTag(r, version: d.version)
                    locked.append(Locked(name: d.name, repository: d.repository, version: String(tag.map { $0 == "_" ? "+" : $0 })))
                } catch where error.code == .chartNotFound {
                    missing.append(missingText)
                }
                continue
            }
            let index: RepoIndex
            do {
                index = try RepoIndex.load(path: paths.indexFile(repoName))
            } catch {
                throw ChartEngineError(.io, "no cached repository found. (try 'helm repo update'): \(error.message)")
            }
            guard let vs = index.entries[d.name] else {
                throw ChartEngineError(.dependency, "\(d.name) chart not found in repo \(d.repository)")
            }
            var found: String? = nil
            for ver in vs where !ver.urls.isEmpty {
                guard let v = try? SemverVersion.parse(ver.metadata.version) else { continue }
                if constraint.check(v) {
                    found = v.original
                    break
                }
            }
            if let found {
                locked.append(Locked(name: d.name, repository: d.repository, version: found))
            } else {
                missing.append(missingText)
            }
        }
        if !missing.isEmpty {
            throw ChartEngineError(.dependency, "can't get a valid version for \(missing.count) subchart(s): \(missing.joined(separator: ", ")). Make sure a matching chart version exists in the repo, or change the version constraint in Chart.yaml")
        }
        return locked
    }

    /// `resolver.GetLocalPath`: `file://` relative to the chart, or absolute.
    func localPath(_ repo: String) throws(ChartEngineError) -> String {
        let p = String(repo.dropFirst("file://".count))
        let dep = p.hasPrefix("/") ? GoPath.clean(p) : GoPath.clean(joinPath(chartPath, p))
        if FileSystem.kind(of: dep) == .missing { throw ChartEngineError(.dependency, "directory \(dep) not found") }
        return dep
    }
}
