import Templating

/// `helm repo index DIR [--url URL] [--merge FILE] [--json]` (pkg/cmd/repo_index.go).
public enum RepoIndexAction {
    /// Indexes `dir` and writes `dir/index.yaml` (JSON content when `json`, as Helm does — the file
    /// keeps its name). With `merge`, entries of that index whose name and version the directory lacks
    /// are kept; a missing merge file is first created as an empty index, as Helm does.
    public static func run(directory dir: String, url: String = "", merge: String? = nil, json: Bool = false,
                           clock: @escaping () -> String = RepoTime.now,
                           warn: @escaping (String) -> Void = { _ in }) throws -> RepoIndex
    {
        try LargeStack.run { try runTyped(directory: dir, url: url, merge: merge, json: json, clock: clock, warn: warn) }
    }

    static func runTyped(directory dir: String, url: String, merge: String?, json: Bool,
                         clock: () -> String, warn: (String) -> Void) throws(ChartEngineError) -> RepoIndex
    {
        guard FileSystem.kind(of: dir) == .directory else {
            throw ChartEngineError(.io, "open \(dir): no such file or directory")
        }
        var index = try RepoIndex.indexTyped(directory: dir, baseURL: url, clock: clock)
        if let mergePath = merge, !mergePath.isEmpty {
            let other: RepoIndex
            if FileSystem.kind(of: mergePath) == .missing {
                other = RepoIndex(generated: clock())
                try write(other, to: mergePath, json: json)
            } else {
                do {
                    other = try RepoIndex.load(path: mergePath, warn: warn)
                } catch {
                    throw ChartEngineError(error.code, "merge failed: \(error.message)")
                }
            }
            index.merge(other)
        }
        index.sortEntries()
        try write(index, to: joinPath(dir, "index.yaml"), json: json)
        return index
    }

    /// Writes an index atomically (temporary file renamed over the target), mode 0644.
    public static func write(_ index: RepoIndex, to path: String, json: Bool) throws(ChartEngineError) {
        let text = json ? index.json() : index.yaml()
        try AtomicFile.write(path, Array(text.utf8))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Helm's `fileutil.AtomicWriteFile`: write a sibling temporary file, then rename it into place.
enum AtomicFile {
    static func write(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(ChartEngineError) {
        let tmp = path + ".tmp-\(getpid())"
        try FileSystem.write(tmp, bytes, append: false)
        chmod(tmp, mode)
        if rename(tmp, path) != 0 {
            let err = errno
            unlink(tmp)
            throw ChartEngineError(.io, "rename \(tmp) \(path): \(FileSystem.errorText(err))")
        }
    }
}

extension ChartPackager {
    /// `helm package PATH [-d DIR]`: writes `<name>-<version>.tgz` into `destination` (created when
    /// missing) and returns the path Helm prints (`filepath.Join(dest, file)`).
    public static func package(directory path: String, destination: String, options: Options = Options())
        throws -> String
    {
        try LargeStack.run { try packageTyped(directory: path, destination: destination, options: options) }
    }

    static func packageTyped(directory path: String, destination: String, options: Options)
        throws(ChartEngineError) -> String
    {
        let (fileName, bytes) = try archiveTyped(directory: path, options: options)
        switch FileSystem.kind(of: destination) {
        case .missing:
            try FileSystem.makeDirectories(destination)
        case .directory:
            break
        default:
            throw ChartEngineError(.io, "failed to save: is not a directory: \(destination)")
        }
        let target = GoPath.clean(joinPath(destination, fileName))
        try FileSystem.write(target, bytes, append: false)
        return target
    }
}
