import Templating

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

    /// Calls `visit` for every file that is not ignored, in load order. With `readers` above 1 the
    /// tree is listed first and the files are read on that many threads before the visits, which
    /// still run in order on the calling thread (so errors are those of the sequential walk).
    func run(readers: Int = 1, _ visit: Visit) throws(ChartEngineError) {
        guard readers > 1 else {
            try walk(relative: "", depth: 0, visit)
            return
        }
        var steps: [Step] = []
        var directories: [Int32] = []
        defer { for fd in directories { close(fd) } }
        list(relative: "", depth: 0, into: &steps, directories: &directories)
        let reads = Self.read(steps, readers: readers)
        for (i, step) in steps.enumerated() {
            switch step {
            case .failure(let error):
                throw error
            case .file(let rel, let full, let name, _):
                try visitFile(rel: rel, full: full, name: name, read: reads[i], visit)
            }
        }
    }

    /// One step of a listed walk, in load order: a file to read, or the error the sequential walk
    /// stops with at this point.
    private enum Step {
        case file(rel: String, full: String, name: String, directory: Int32?)
        case failure(ChartEngineError)
    }

    /// The files of the tree (and the first error, which ends the listing), with the directories
    /// opened for reading them.
    private func list(relative: String, depth: Int, into steps: inout [Step], directories: inout [Int32]) {
        guard depth < 64 else {
            steps.append(.failure(ChartEngineError(.invalidChart,
                                                   "directory nesting too deep at \(joinPath(top, relative))")))
            return
        }
        let directoryPath = joinPath(top, relative)
        let entries: [FileSystem.Entry]
        do {
            entries = try FileSystem.entries(directoryPath)
        } catch {
            steps.append(.failure(error))
            return
        }
        // The directories stay open until the reads are done; past a few hundred (a rare tree) the
        // files are opened by full path instead, so the walk never runs short of descriptors.
        let directory = directories.count < Self.maxOpenDirectories ? SourceFileReading.openDirectory(directoryPath) : nil
        if let directory { directories.append(directory) }
        for entry in entries {
            let rel = joinPath(relative, entry.name)
            let full = joinPath(top, rel)
            switch entry.kind ?? FileSystem.kind(of: full) {
            case .directory:
                if rules.ignores(rel, isDirectory: true) { continue }
                list(relative: rel, depth: depth + 1, into: &steps, directories: &directories)
                if case .failure? = steps.last { return }
            case .file:
                if rules.ignores(rel, isDirectory: false) { continue }
                steps.append(.file(rel: rel, full: full, name: entry.name, directory: directory))
            case .other, .missing:
                if rules.ignores(rel, isDirectory: false) { continue }
                steps.append(.failure(Self.irregular(full)))
                return
            }
        }
    }

    static let maxOpenDirectories = 256

    /// The fast reads of the listed files, on `readers` threads in chunks (nil where the fast read
    /// declined: the visit then takes the slow path).
    private static func read(_ steps: [Step], readers: Int) -> [(data: [UInt8], modTime: FileTime)?] {
        var results = [(data: [UInt8], modTime: FileTime)?](repeating: nil, count: steps.count)
        let chunk = 16
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = buffer  // (a copy of the pointer: the escaping closure cannot capture the inout one)
            // Each slot is written by exactly one thread; forEach joins them before returning.
            LargeStack.forEach(count: (steps.count + chunk - 1) / chunk, workers: readers, size: 1 << 20) { c in
                for i in (c * chunk)..<min(steps.count, (c + 1) * chunk) {
                    if case .file(_, let full, let name, let directory) = steps[i] {
                        slots[i] = SourceFileReading.readRegular(full, name: name, in: directory,
                                                                maxSize: ChartLoader.maxFileSize)
                    }
                }
            }
        }
        return results
    }

    private static func irregular(_ full: String) -> ChartEngineError {
        ChartEngineError(.invalidChart, "cannot load irregular file \(full) as it has file mode type bits set")
    }

    /// Hands a file to `visit`: the fast read's bytes when there are, else read the slow way (whose
    /// errors are the loader's).
    private func visitFile(rel: String, full: String, name: String, read: (data: [UInt8], modTime: FileTime)?,
                           _ visit: Visit) throws(ChartEngineError)
    {
        if let read {
            var data = read.data
            if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
            visit(rel, data, full, read.modTime)
            return
        }
        if let size = FileSystem.size(of: full), size > ChartLoader.maxFileSize {
            throw ChartEngineError(.invalidChart,
                                   "chart file \"\(name)\" is larger than the maximum file size \(ChartLoader.maxFileSize)")
        }
        var data = try FileSystem.read(full)
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
        visit(rel, data, full, nil)
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
                let read = SourceFileReading.readRegular(full, name: name, in: directory,
                                                         maxSize: ChartLoader.maxFileSize)
                try visitFile(rel: rel, full: full, name: name, read: read, visit)
            case .other, .missing:
                if rules.ignores(rel, isDirectory: false) { continue }
                throw Self.irregular(full)
            }
        }
    }
}
