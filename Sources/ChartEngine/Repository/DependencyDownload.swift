import StructuredData
import Templating

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension DependencyManager {
    /// `downloadAll`: fetches every locked dependency into a temporary `charts` sibling, then moves
    /// them into `charts/` and deletes outdated archives. `file://` dependencies are packaged from
    /// their directory; their locked version becomes the packaged one.
    func downloadAll(_ deps: inout [Locked]) throws(ChartEngineError) {
        let repos = try loadChartRepositories()
        let dest = joinPath(chartPath, "charts")
        switch FileSystem.kind(of: dest) {
        case .directory: break
        case .missing: try FileSystem.makeDirectories(dest)
        default: throw ChartEngineError(.io, "\"\(dest)\" is not a directory")
        }
        let tmp = joinPath(chartPath, "tmpcharts-\(getpid())")
        try FileSystem.makeDirectories(tmp)
        defer { TempDirectory.remove(tmp) }
        out("Saving \(deps.count) charts\n")
        var saveError: ChartEngineError? = nil
        var fetched: Set<String> = []
        for i in deps.indices {
            let dep = deps[i]
            if dep.repository.isEmpty {
                out("Dependency \(dep.name) did not declare a repository. Assuming it exists in the charts directory\n")
                let p = joinPath(dest, dep.name)
                let ch: Chart
                do {
                    ch = try ChartLoader.loadDirectory(p)
                } catch {
                    throw ChartEngineError(.dependency, "unable to load chart '\(p)': \(error.message)")
                }
                guard let ok = Semver.satisfies(ch.metadata.version, dep.version) else {
                    throw ChartEngineError(.dependency, "dependency \(dep.name) has an invalid version/constraint format")
                }
                if !ok {
                    saveError = ChartEngineError(.dependency, "dependency \(dep.name) at version \(ch.metadata.version) does not satisfy the constraint \(dep.version)")
                    break
                }
                continue
            }
            if dep.repository.hasPrefix("file://") {
                do {
                    deps[i].version = try tarFromLocalDir(dep, into: tmp)
                } catch {
                    saveError = error
                    break
                }
                continue
            }
            if dep.repository.hasPrefix("oci://") {
                let ref = DependencyManager.RegistryAccess.reference(dep.repository, dep.name)
                out("Downloading \(dep.name) from repo \(dep.repository)\n")
                do {
                    let pulled = try OCIActions.fetch(ref, version: dep.version, plainHTTP: registry.plainHTTP, http: registry.http,
                                                      config: registry.config, withProvenance: verify)
                    let saved = joinPath(tmp, "\(dep.name)-\(dep.version).tgz")
                    try AtomicFile.write(saved, pulled.chart)
                    if verify { try verifyOCI(pulled, savedAs: saved) }
                } catch {
                    saveError = ChartEngineError(error.code, "could not download \(ref): \(error.message)")
                    break
                }
                continue
            }
            let found: (url: String, digest: String, options: HTTPOptions)
            do {
                found = try findChartURL(dep, repos)
            } catch {
                saveError = ChartEngineError(error.code, "could not find \(error.partialURL): \(error.message)")
                break
            }
            if fetched.contains(found.url) {
                out("Already downloaded \(dep.name) from repo \(dep.repository)\n")
                continue
            }
            out("Downloading \(dep.name) from repo \(dep.repository)\n")
            do {
                let downloader = ChartDownloader(paths: paths, options: found.options)
                var r = try downloader.resolve(found.url, version: "")
                if !found.digest.isEmpty { r.digest = found.digest }
                let saved = try downloader.save(r, to: tmp)
                if verify { try verifyDownloaded(saved, url: r.url, http: r.options) }
            } catch {
                saveError = ChartEngineError(error.code, "could not download \(found.url): \(error.message)")
                break
            }
            fetched.insert(found.url)
        }
        if let saveError {
            out("Save error occurred:  \(saveError.message)\n")
            throw saveError
        }
        try safeMoveDeps(deps, from: tmp, to: dest)
    }

    /// `--verify` for a downloaded dependency (`DownloadTo` with `VerifyAlways`): `<url>.prov` is
    /// fetched next to the saved archive (where it stays, as in Helm, for `safeMoveDeps` to skip) and
    /// the archive verified against `keyring`.
    func verifyDownloaded(_ saved: String, url: String, http: HTTPOptions) throws(ChartEngineError) {
        let prov = try ChartVerification.fetchProvenance(of: url, http: http)
        try AtomicFile.write(saved + ".prov", prov)
        _ = try Provenance.verifyChart(saved, provenance: saved + ".prov", keyring: keyring)
    }

    /// `--verify` for an `oci://` dependency: its provenance layer.
    func verifyOCI(_ pulled: OCIResult, savedAs saved: String) throws(ChartEngineError) {
        guard let prov = pulled.provenance else {
            throw ChartEngineError(.io, "failed to fetch provenance \(quoteGo("oci://" + pulled.reference + ".prov"))")
        }
        try AtomicFile.write(saved + ".prov", prov)
        _ = try Provenance.verifyChart(saved, provenance: saved + ".prov", keyring: keyring)
    }

    /// The configured repositories with their cached indexes (`loadChartRepositories`).
    func loadChartRepositories() throws(ChartEngineError) -> [(RepositoryEntry, RepoIndex)] {
        let rf: RepositoryFile
        do {
            rf = try RepositoryFile.loadOrEmpty(paths.repositoryConfig)
        } catch {
            throw ChartEngineError(error.code, "failed to load \(paths.repositoryConfig): \(error.message)")
        }
        var out: [(RepositoryEntry, RepoIndex)] = []
        for r in rf.repositories { out.append((r, try RepoIndex.load(path: paths.indexFile(r.name)))) }
        return out
    }

    /// `findChartURL`: from a configured repository's index (exact version), else straight from
    /// the repository URL.
    func findChartURL(_ dep: Locked, _ repos: [(RepositoryEntry, RepoIndex)]) throws(FindError)
        -> (url: String, digest: String, options: HTTPOptions)
    {
        for (cr, index) in repos where URLCompare.equal(dep.repository, cr.url) {
            guard let entries = index.entries[dep.name] else { throw FindError(partialURL: "", message: "entry not found", code: .chartNotFound) }
            guard let ve = entries.first(where: { !$0.urls.isEmpty && (dep.version.isEmpty || Semver.equal(dep.version, $0.metadata.version)) }) else {
                throw FindError(partialURL: "", message: "no matching version", code: .chartNotFound)
            }
            let first = ve.urls[0]
            let url = URLParts(first).scheme.isEmpty ? URLJoin.join(cr.url, first) : first
            return (url, ve.digest, cr.httpOptions)
        }
        do {
            let found = try ChartRepository.findChart(inRepoURL: dep.repository, chart: dep.name, version: dep.version,
                                                      options: HTTPOptions(), cache: paths.repositoryCache)
            var o = HTTPOptions()
            o.credentialsURL = found.url
            return (found.url, found.digest, o)
        } catch {
            throw FindError(partialURL: "", message: "chart \(dep.name) not found in \(dep.repository): \(error.message)",
                            code: error.code)
        }
    }

    /// A `findChartURL` failure: Helm prints the (usually empty) URL it had so far.
    struct FindError: Error {
        var partialURL: String
        var message: String
        var code: ChartEngineError.Code
    }

    /// `tarFromLocalDir`: packages a `file://` dependency that satisfies its constraint.
    func tarFromLocalDir(_ dep: Locked, into dest: String) throws(ChartEngineError) -> String {
        let p = try localPath(dep.repository)
        let source = try ChartSource.directory(p)
        let ch = try ChartLoader.loadFiles(source.files)
        guard let ok = Semver.satisfies(ch.metadata.version, dep.version) else {
            throw ChartEngineError(.dependency, "dependency \(dep.name) has an invalid version/constraint format")
        }
        if !ok { throw ChartEngineError(.dependency, "can't get a valid version for dependency \(dep.name)") }
        let (fileName, bytes) = try ChartPackager.archive(chart: ch, source: source)
        try FileSystem.write(joinPath(dest, fileName), bytes, append: false)
        return ch.metadata.version
    }

    /// `safeMoveDeps`.
    func safeMoveDeps(_ deps: [Locked], from source: String, to dest: String) throws(ChartEngineError) {
        let sourceFiles = try FileSystem.list(source)
        let destFiles = try FileSystem.list(dest)
        let local = Set(deps.filter { $0.repository.isEmpty }.map(\.name))
        var moved: Set<String> = []
        for name in sourceFiles where FileSystem.kind(of: joinPath(source, name)) != .directory {
            let from = joinPath(source, name)
            moved.insert(name)
            do {
                _ = try ChartArchive.load(path: from)
            } catch {
                out("Could not verify \(from) for moving: \(error.message) (Skipping)")
                continue
            }
            if rename(from, joinPath(dest, name)) != 0 {
                out("Unable to move \(from) to charts dir \(FileSystem.errorText(errno)) (Skipping)")
            }
        }
        out("Deleting outdated charts\n")
        for name in destFiles where !moved.contains(name) {
            let f = joinPath(dest, name)
            if FileSystem.kind(of: f) == .directory { continue }
            let ch: Chart
            do {
                ch = try ChartArchive.load(path: f)
            } catch {
                out("Could not verify \(f) for deletion: \(error.message) (Skipping)\n")
                continue
            }
            if local.contains(ch.name) { continue }
            if unlink(f) != 0 { out("Could not delete \(f): \(FileSystem.errorText(errno)) (Skipping)") }
        }
    }

    // MARK: Lock files

    /// `resolver.HashReq`: `sha256:` + SHA-256 of Go's `json.Marshal([2][]*Dependency{req, lock})`.
    static func hashReq(_ req: [ChartDependency], _ locked: [Locked]) -> String {
        func q(_ s: String) -> String { JSON.encode(.string(s)) }
        func dep(_ d: ChartDependency) -> String {
            var f = ["\"name\":" + q(d.name)]
            if !d.version.isEmpty { f.append("\"version\":" + q(d.version)) }
            f.append("\"repository\":" + q(d.repository))
            if !d.condition.isEmpty { f.append("\"condition\":" + q(d.condition)) }
            if !d.tags.isEmpty { f.append("\"tags\":" + JSON.encode(.list(d.tags.map { .string($0) }))) }
            if d.enabled { f.append("\"enabled\":true") }
            if !d.importValues.isEmpty { f.append("\"import-values\":" + JSON.encode(.list(d.importValues))) }
            if !d.alias.isEmpty { f.append("\"alias\":" + q(d.alias)) }
            return "{" + f.joined(separator: ",") + "}"
        }
        func lock(_ d: Locked) -> String {
            var f = ["\"name\":" + q(d.name)]
            if !d.version.isEmpty { f.append("\"version\":" + q(d.version)) }
            f.append("\"repository\":" + q(d.repository))
            return "{" + f.joined(separator: ",") + "}"
        }
        let reqJSON = req.isEmpty ? "null" : "[" + req.map(dep).joined(separator: ",") + "]"
        let lockJSON = "[" + locked.map(lock).joined(separator: ",") + "]"
        return "sha256:" + SHA256.hex(Array("[\(reqJSON),\(lockJSON)]".utf8))
    }

    struct LockFile {
        var digest: String
        var dependencies: [Locked]
    }

    func lockPath(apiVersion: String) -> String {
        joinPath(chartPath, apiVersion == "v1" ? "requirements.lock" : "Chart.lock")
    }

    /// The chart's lock file, when present and readable.
    func readLock(apiVersion: String) -> LockFile? {
        guard let bytes = try? FileSystem.read(lockPath(apiVersion: apiVersion)),
              case .map(let m)? = try? YAML.decode(bytes)
        else { return nil }
        var deps: [Locked] = []
        if case .list(let items)? = m["dependencies"] {
            for case .map(let d) in items {
                deps.append(Locked(name: d["name"]?.stringValue ?? "", repository: d["repository"]?.stringValue ?? "",
                                   version: d["version"]?.stringValue ?? ""))
            }
        }
        return LockFile(digest: m["digest"]?.stringValue ?? "", dependencies: deps)
    }

    /// `writeLock`: refuses to write through a symlinked lock file.
    func writeLock(_ locked: [Locked], digest: String, legacy: Bool) throws(ChartEngineError) {
        let name = legacy ? "requirements.lock" : "Chart.lock"
        let dest = joinPath(chartPath, name)
        var st = stat()
        if lstat(dest, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK {
            var buf = [CChar](repeating: 0, count: 4097)
            let n = readlink(dest, &buf, 4096)
            let target = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
            throw ChartEngineError(.io, "the \(name) file is a symlink to \"\(target)\"")
        }
        let deps: [Value] = locked.map { d in
            var m: [String: Value] = ["name": .string(d.name), "repository": .string(d.repository)]
            if !d.version.isEmpty { m["version"] = .string(d.version) }
            return .map(m)
        }
        let text = YAML.encode(.map(["generated": .string(clock()), "digest": .string(digest), "dependencies": .list(deps)]))
        try FileSystem.write(dest, Array(text.utf8), append: false)
    }
}
