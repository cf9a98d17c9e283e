/// Reference plumbing of ``SchemaCompiler``: reading `file:` documents and resolving URLs.
extension SchemaCompiler {
    /// Referenced schema files larger than this are refused (Helm's per-file chart limit).
    static let maxFileSize = 5 << 20

    /// Helm's `file` loader: reads the path of a `file://` URL. Only regular files of bounded size
    /// are read, so a reference to a device or FIFO cannot hang the render.
    static func readFile(_ url: String) -> Result<String, SchemaCompileError> {
        let path = percentDecode(String(url.dropFirst("file://".count)))
        func fail(_ m: String) -> Result<String, SchemaCompileError> {
            .failure(SchemaCompileError("failing loading \(quoteGo(url)): \(m)"))
        }
        switch FileSystem.kind(of: path) {
        case .file:
            if let size = FileSystem.size(of: path), size > maxFileSize {
                return fail("read \(path): file is larger than \(maxFileSize) bytes")
            }
        case .directory: return fail("read \(path): is a directory")
        case .other: return fail("read \(path): not a regular file")
        case .missing: break  // let open() report the reason
        }
        do {
            return .success(String(decoding: try FileSystem.read(path), as: UTF8.self))
        } catch {
            return fail(error.message)
        }
    }

    // MARK: URL helpers

    struct Resolved {
        var text: String
        var withoutFragment: String { SchemaCompiler.splitFragment(text).0 }
    }

    static func splitFragment(_ url: String) -> (String, String) {
        guard let h = url.firstIndex(of: "#") else { return (url, "") }
        return (String(url[..<h]), String(url[url.index(after: h)...]))
    }

    /// RFC 3986 reference resolution, enough for schema references.
    static func resolve(_ ref: String, against base: String) -> Resolved {
        if ref.hasPrefix("#") { return Resolved(text: splitFragment(base).0 + ref) }
        if let colon = ref.firstIndex(of: ":"), !ref[..<colon].contains("/"), !ref[..<colon].contains("#") {
            return Resolved(text: ref)
        }
        let b = splitFragment(base).0
        guard let schemeEnd = b.range(of: "://") else { return Resolved(text: ref) }
        let afterScheme = b[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let prefix = String(b[..<authorityEnd])
        var path = String(b[authorityEnd...])
        if ref.hasPrefix("//") { return Resolved(text: String(b[..<schemeEnd.upperBound]) + ref.dropFirst(2)) }
        let (refPath, frag) = splitFragment(ref)
        if refPath.hasPrefix("/") {
            path = refPath
        } else if refPath.isEmpty {
        } else {
            if let slash = path.lastIndex(of: "/") { path = String(path[...slash]) } else { path = "/" }
            path += refPath
        }
        var parts: [Substring] = []
        for seg in path.split(separator: "/", omittingEmptySubsequences: false) {
            if seg == "." { continue }
            if seg == ".." { if parts.count > 1 { parts.removeLast() }; continue }
            parts.append(seg)
        }
        var text = prefix + parts.joined(separator: "/")
        if ref.contains("#") { text += "#" + frag }
        return Resolved(text: text)
    }

    static func escapePointer(_ s: String) -> String {
        s.replacingAll("~", with: "~0").replacingAll("/", with: "~1")
    }

    static func unescapePointer(_ s: String) -> String {
        s.replacingAll("~1", with: "/").replacingAll("~0", with: "~")
    }

    static func percentDecode(_ s: String) -> String {
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let v = UInt8(String(decoding: b[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
