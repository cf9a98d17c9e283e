import StructuredData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `helm repo add|list|update|remove` (pkg/cmd/repo_*.go). Output goes through `out`; failures
/// are ``ChartEngineError``s worded as Helm prints them.
public enum RepoActions {
    /// `repo add NAME URL`: downloads and validates the index, then records the entry.
    public static func add(_ entry: RepositoryEntry, forceUpdate: Bool, paths: HelmPaths,
                           out: (String) -> Void) throws(ChartEngineError)
    {
        // Helm serialises concurrent `repo add`s with a lock file beside repositories.yaml.
        let lock = try RepositoryLock(configPath: paths.repositoryConfig)
        defer { lock.release() }
        var f = try RepositoryFile.loadOrEmpty(paths.repositoryConfig)
        if entry.name.contains("/") {
            throw ChartEngineError(.usage, "repository name (\(entry.name)) contains '/', please specify a different name without '/'")
        }
        if !forceUpdate, let existing = f.get(entry.name) {
            if existing != entry {
                throw ChartEngineError(.usage, "repository name (\(entry.name)) already exists, please specify a different name")
            }
            out("\"\(entry.name)\" already exists with the same configuration, skipping\n")
            return
        }
        do {
            try ChartRepository.downloadIndex(entry, cache: paths.repositoryCache)
        } catch {
            throw ChartEngineError(error.code, "looks like \"\(entry.url)\" is not a valid chart repository or cannot be reached: \(error.message)")
        }
        f.update(entry)
        try f.write(paths.repositoryConfig)
        out("\"\(entry.name)\" has been added to your repositories\n")
    }

    /// Output formats of `repo list` and `search repo`.
    public enum Format: String, Sendable { case table, json, yaml }

    /// `repo list [-o table|json|yaml]`.
    public static func list(paths: HelmPaths, format: Format) throws(ChartEngineError) -> String {
        let f = (try? RepositoryFile.load(paths.repositoryConfig)) ?? RepositoryFile()
        switch format {
        case .table:
            if f.repositories.isEmpty { throw ChartEngineError(.usage, "no repositories to show") }
            var t = TextTable()
            t.addRow(["NAME", "URL"])
            for r in f.repositories { t.addRow([r.name, r.url]) }
            return t.render() + "\n"
        case .json:
            let items = f.repositories.map { "{\"name\":\(jsonString($0.name)),\"url\":\(jsonString($0.url))}" }
            return "[" + items.joined(separator: ",") + "]\n"
        case .yaml:
            return YAML.encode(.list(f.repositories.map { .map(["name": .string($0.name), "url": .string($0.url)]) }))
        }
    }

    /// `repo update [NAME…]`: refreshes the named (default: all) repositories' cached indexes.
    public static func update(names: [String], paths: HelmPaths, out: (String) -> Void) throws(ChartEngineError) {
        let noRepos = ChartEngineError(.usage, "no repositories found. You must add one before updating")
        if FileSystem.kind(of: paths.repositoryConfig) == .missing { throw noRepos }
        let f: RepositoryFile
        do {
            f = try RepositoryFile.load(paths.repositoryConfig)
        } catch {
            throw ChartEngineError(error.code, "failed loading file: \(paths.repositoryConfig): \(error.message)")
        }
        if f.repositories.isEmpty { throw noRepos }
        for n in names where !f.has(n) {
            throw ChartEngineError(.usage, "no repositories found matching '\(n)'.  Nothing will be updated")
        }
        let selected = f.repositories.filter { names.isEmpty || names.contains($0.name) }
        out("Hang tight while we grab the latest from your chart repositories...\n")
        var failed: [String] = []
        for r in selected {
            do {
                try ChartRepository.downloadIndex(r, cache: paths.repositoryCache)
                out("...Successfully got an update from the \"\(r.name)\" chart repository\n")
            } catch {
                out("...Unable to get an update from the \"\(r.name)\" chart repository (\(r.url)):\n\t\(error.message)\n")
                failed.append(r.url)
            }
        }
        if !failed.isEmpty {
            throw ChartEngineError(.io, "failed to update the following repositories: [\(failed.joined(separator: " "))]")
        }
        out("Update Complete. ⎈Happy Helming!⎈\n")
    }

    /// `repo remove NAME…`: drops each entry and its cache files.
    public static func remove(names: [String], paths: HelmPaths, out: (String) -> Void) throws(ChartEngineError) {
        guard var f = try? RepositoryFile.load(paths.repositoryConfig), !f.repositories.isEmpty else {
            throw ChartEngineError(.usage, "no repositories configured")
        }
        for name in names {
            if !f.remove(name) { throw ChartEngineError(.usage, "no repo named \"\(name)\" found") }
            try f.write(paths.repositoryConfig)
            FileSystem.remove(paths.chartsFile(name))
            FileSystem.remove(paths.indexFile(name))
            out("\"\(name)\" has been removed from your repositories\n")
        }
    }

    /// Go's `json.Marshal` of a string (HTML characters escaped).
    static func jsonString(_ s: String) -> String { JSON.encode(.string(s)) }
}

/// gosuri/uitable as Helm uses it: every cell padded to its column's width (the widest cell, capped
/// at `maxColumnWidth`), longer cells cut to `width - 3` characters plus `...`, columns joined by a
/// tab, rows by a newline (no final newline).
public struct TextTable: Sendable {
    public var rows: [[String]] = []
    /// 0 means unlimited.
    public var maxColumnWidth = 0

    public init(maxColumnWidth: Int = 0) { self.maxColumnWidth = maxColumnWidth }

    public mutating func addRow(_ cells: [String]) { rows.append(cells) }

    /// Display width of a cell (one column per Unicode scalar; East Asian wide characters are not
    /// given two columns as go-runewidth would).
    static func width(_ s: String) -> Int { s.unicodeScalars.count }

    public func render() -> String {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i >= widths.count { widths.append(0) }
                var w = Self.width(cell)
                if maxColumnWidth > 0 && w > maxColumnWidth { w = maxColumnWidth }
                widths[i] = max(widths[i], w)
            }
        }
        return rows.map { row in
            row.enumerated().map { i, cell in Self.resize(cell, widths[i]) }.joined(separator: "\t")
        }.joined(separator: "\n")
    }

    /// strutil.Resize (left-aligned).
    static func resize(_ s: String, _ n: Int) -> String {
        let w = width(s)
        if w == n { return s }
        if w < n { return s + String(repeating: " ", count: n - w) }
        var out = ""
        var count = 0
        for ch in s.unicodeScalars {
            out.unicodeScalars.append(ch)
            if count + 1 >= n - 3 { break }
            count += 1
        }
        return out + "..."
    }
}

/// `repositories.lock` (Helm's flock next to `repositories.yaml`: the extension replaced by `.lock`).
struct RepositoryLock {
    let fd: Int32

    init(configPath: String) throws(ChartEngineError) {
        let (dir, file) = TarWriter.splitPath(configPath)
        if !dir.isEmpty { try FileSystem.makeDirectories(dir) }
        var lockPath = configPath + ".lock"
        if let dot = file.lastIndex(of: "."), dot != file.startIndex {
            lockPath = dir + String(file[..<dot]) + ".lock"
        }
        fd = open(lockPath, O_CREAT | O_RDWR, 0o600)
        if fd < 0 { throw ChartEngineError(.io, "open \(lockPath): \(FileSystem.errorText(errno))") }
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
