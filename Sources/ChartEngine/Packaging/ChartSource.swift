#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A chart's files as found on disk or in an archive, with their modification times, before loading:
/// what `helm package` needs beyond the loaded ``Chart`` (Helm v4 stamps each tar entry with its
/// source file's mtime).
struct ChartSource {
    /// Every file relative to the chart root, in load order (`charts/x.tgz` included as bytes).
    var files: [ChartFile] = []
    /// Modification time per file name.
    var modTimes: [String: FileTime] = [:]
    /// Sources of the subcharts, keyed by their entry under `charts/` (`sub` or `sub-1.0.0.tgz`).
    var subcharts: [String: ChartSource] = [:]
    /// How many archives deep this source sits (0 for a directory).
    var depth = 0

    /// Walks a chart directory as ``ChartLoader`` does (`.helmignore` plus `templates/.?*`, symlinks
    /// followed, irregular files and files over 5 MiB refused, BOMs stripped).
    static func directory(_ path: String) throws(ChartEngineError) -> ChartSource {
        var src = ChartSource()
        // Reading the files is most of packaging's time: this thread and a helper read them.
        try ChartDirectoryWalk(directory: path).run(readers: 2) { rel, data, full, modTime in
            src.files.append(ChartFile(name: rel, data: data))
            src.modTimes[rel] = modTime ?? FileSystem.modificationTime(of: full)
        }
        try src.resolveSubcharts()
        return src
    }

    /// The files of an archive (names already stripped of the top directory).
    static func archive(_ bytes: [UInt8], depth: Int = 1) throws(ChartEngineError) -> ChartSource {
        guard depth <= ChartArchive.maxNesting else {
            throw ChartEngineError(.invalidChart,
                                   "chart archives are nested more than \(ChartArchive.maxNesting) levels deep")
        }
        var src = ChartSource()
        src.depth = depth
        for e in try ArchiveReader.entries(of: bytes) {
            src.files.append(ChartFile(name: e.name, data: e.data))
            src.modTimes[e.name] = e.modTime
        }
        try src.resolveSubcharts()
        return src
    }

    /// Splits the `charts/` files into subchart sources the way Helm's `LoadFiles` groups them.
    private mutating func resolveSubcharts() throws(ChartEngineError) {
        var grouped: [String: ChartSource] = [:]
        for f in files where f.name.hasPrefix("charts/") && !f.name.hasSuffix(".prov") {
            let rest = f.name.dropFirst("charts/".count)
            let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let cname = String(parts[0])
            if cname.hasPrefix("_") || cname.hasPrefix(".") { continue }
            if parts.count == 1 {
                if cname.hasSuffix(".tgz") {
                    // Nested archives are checked again by the loader; a failure here surfaces there
                    // with Helm's wording, so it is not fatal yet.
                    if let sub = try? ChartSource.archive(f.data, depth: depth + 1) { grouped[cname] = sub }
                }
                continue
            }
            let inner = String(parts[1])
            if grouped[cname] == nil {
                var sub = ChartSource()
                sub.depth = depth
                grouped[cname] = sub
            }
            grouped[cname]?.files.append(ChartFile(name: inner, data: f.data))
            grouped[cname]?.modTimes[inner] = modTimes[f.name]
        }
        for (k, var sub) in grouped where !k.hasSuffix(".tgz") {
            try sub.resolveSubcharts()
            grouped[k] = sub
        }
        subcharts = grouped
    }

    /// The subchart entry names in the order ``ChartLoader`` adds subcharts (first appearance).
    var subchartOrder: [String] {
        var seen: Set<String> = []
        var order: [String] = []
        for f in files where f.name.hasPrefix("charts/") && !f.name.hasSuffix(".prov") {
            let rest = f.name.dropFirst("charts/".count)
            let cname = String(rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)[0])
            if cname.hasPrefix("_") || cname.hasPrefix(".") { continue }
            if seen.insert(cname).inserted { order.append(cname) }
        }
        return order
    }
}

extension FileSystem {
    /// Go's `filepath.Abs`: the path joined to the working directory when relative, then cleaned.
    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return GoPath.clean(path) }
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return GoPath.clean(path) }
        let cwd = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return GoPath.clean(cwd + "/" + path)
    }

    /// The modification time of `path` (following symlinks), or the epoch when it cannot be read.
    static func modificationTime(of path: String) -> FileTime {
        var st = stat()
        guard stat(path, &st) == 0 else { return FileTime(seconds: 0) }
        return FileTime(seconds: Int64(st.st_mtim.tv_sec), nanoseconds: Int32(st.st_mtim.tv_nsec))
    }
}
