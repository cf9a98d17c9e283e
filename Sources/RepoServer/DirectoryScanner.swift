#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file the server may serve: found by the scan, inside the repository directory.
struct ScannedFile: Sendable, Equatable {
    enum Kind: Sendable { case archive, provenance }

    /// Path relative to the repository directory, `/`-separated (as it appears in URLs).
    var relativePath: String
    /// Resolved absolute path (symlinks inside the directory are followed).
    var absolutePath: String
    var kind: Kind
    var size: Int
    var mtimeSeconds: Int
    var mtimeNanoseconds: Int
    var inode: UInt64

    /// nginx-style strong validator: changes whenever the file is replaced or rewritten.
    var etag: String {
        "\"\(String(mtimeSeconds, radix: 16))-\(String(mtimeNanoseconds, radix: 16))-\(String(size, radix: 16))-\(String(inode, radix: 16))\""
    }
}

/// Lists the servable files of a repository directory: `*.tgz` and `*.prov` at the top level and one
/// directory down (the shapes `helm repo index` indexes), skipping dot-names, and skipping symlinks
/// whose target resolves outside the directory.
enum DirectoryScanner {
    static func scan(_ directory: String) throws(RepoServerError) -> [ScannedFile] {
        guard let root = realPath(directory) else {
            throw RepoServerError("cannot open repository directory \(directory): \(errorText(errno))")
        }
        guard let top = list(root) else {
            throw RepoServerError("cannot list repository directory \(directory): \(errorText(errno))")
        }
        var files: [ScannedFile] = []
        for name in top where !name.hasPrefix(".") {
            guard let (resolved, st) = resolveInside(root: root, path: root + "/" + name) else { continue }
            if isDirectory(st) {
                for inner in list(resolved) ?? [] where !inner.hasPrefix(".") {
                    if let f = servable(root: root, rel: name + "/" + inner, path: resolved + "/" + inner) {
                        files.append(f)
                    }
                }
            } else if let f = servable(root: root, rel: name, path: root + "/" + name) {
                files.append(f)
            }
        }
        return files.sorted { $0.relativePath < $1.relativePath }
    }

    private static func servable(root: String, rel: String, path: String) -> ScannedFile? {
        let kind: ScannedFile.Kind
        if rel.hasSuffix(".tgz") {
            kind = .archive
        } else if rel.hasSuffix(".prov") {
            kind = .provenance
        } else {
            return nil
        }
        guard let (resolved, st) = resolveInside(root: root, path: path), isRegular(st) else { return nil }
        return ScannedFile(relativePath: rel, absolutePath: resolved, kind: kind, size: Int(st.st_size),
                           mtimeSeconds: Int(st.st_mtim.tv_sec), mtimeNanoseconds: Int(st.st_mtim.tv_nsec),
                           inode: UInt64(st.st_ino))
    }

    /// The real path and `stat` of `path` when it resolves inside `root`; nil otherwise.
    static func resolveInside(root: String, path: String) -> (String, stat)? {
        guard let resolved = realPath(path), resolved.hasPrefix(root + "/") else { return nil }
        var st = stat()
        guard stat(resolved, &st) == 0 else { return nil }
        return (resolved, st)
    }

    static func isDirectory(_ st: stat) -> Bool { st.st_mode & S_IFMT == S_IFDIR }
    static func isRegular(_ st: stat) -> Bool { st.st_mode & S_IFMT == S_IFREG }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static func list(_ dir: String) -> [String]? {
        guard let d = opendir(dir) else { return nil }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                // d_name is NUL-terminated within its fixed-size array.
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}
