#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The walk of a chart directory that both ``ChartLoader`` and `helm package` (``ChartSource``) make,
/// as Helm's `loader.LoadDir`: entries in byte order, `.helmignore` plus the built-in `templates/.?*`
/// rule, symlinks followed, irregular files and files over 5 MiB refused, BOMs stripped.
///
/// Each file is read with one `openat`/`fstat`/`read` (the entry's type from `readdir`); anything out
/// of the ordinary (not a regular file, too large, unreadable, changed while read) takes the slow
/// path of `stat`s and ``FileSystem/read(_:)``, so errors and their wording stay the loader's.
struct ChartDirectoryWalk {
    /// One file found: its path relative to the chart root, contents, full path, and its modification
    /// time when the fast read saw it (nil after the slow path).
    typealias Visit = (_ relative: String, _ data: [UInt8], _ fullPath: String, _ modTime: FileTime?) -> Void

    let top: String
    let rules: HelmIgnore

    /// A walk of `path` (trailing slashes dropped) with its `.helmignore` rules and Helm's defaults.
    init(directory path: String) throws(ChartEngineError) {
        var top = path
        while top.count > 1 && top.hasSuffix("/") { top.removeLast() }
        var rules = HelmIgnore()
        let ignorePath = joinPath(top, ".helmignore")
        if FileSystem.kind(of: ignorePath) == .file {
            rules = try HelmIgnore(parsing: String(decoding: try FileSystem.read(ignorePath), as: UTF8.self))
        }
        rules.addDefaults()
        self.top = top
        self.rules = rules
    }

    /// Calls `visit` for every file that is not ignored, in load order.
    func run(_ visit: Visit) throws(ChartEngineError) {
        try walk(relative: "", depth: 0, visit)
    }

    private func walk(relative: String, depth: Int, _ visit: Visit) throws(ChartEngineError) {
        // A symlink loop would otherwise recurse forever.
        guard depth < 64 else {
            throw ChartEngineError(.invalidChart, "directory nesting too deep at \(joinPath(top, relative))")
        }
        let directoryPath = joinPath(top, relative)
        let entries = try FileSystem.entries(directoryPath)
        let directory = SourceFileReading.openDirectory(directoryPath)
        defer { if let directory { close(directory) } }
        for entry in entries {
            let name = entry.name
            let rel = joinPath(relative, name)
            let full = joinPath(top, rel)
            switch entry.kind ?? FileSystem.kind(of: full) {
            case .directory:
                if rules.ignores(rel, isDirectory: true) { continue }
                try walk(relative: rel, depth: depth + 1, visit)
            case .file:
                if rules.ignores(rel, isDirectory: false) { continue }
                if let read = SourceFileReading.readRegular(full, name: name, in: directory,
                                                            maxSize: ChartLoader.maxFileSize) {
                    var data = read.data
                    if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
                    visit(rel, data, full, read.modTime)
                    continue
                }
                if let size = FileSystem.size(of: full), size > ChartLoader.maxFileSize {
                    throw ChartEngineError(.invalidChart,
                                           "chart file \"\(name)\" is larger than the maximum file size \(ChartLoader.maxFileSize)")
                }
                var data = try FileSystem.read(full)
                if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
                visit(rel, data, full, nil)
            case .other, .missing:
                if rules.ignores(rel, isDirectory: false) { continue }
                throw ChartEngineError(.invalidChart,
                                       "cannot load irregular file \(full) as it has file mode type bits set")
            }
        }
    }
}
