import ChartEngine
import Templating

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// ChartMuseum's `POST /api/charts`: the archive arrives as the raw body or as the `chart` field of a
/// multipart form (optionally with a `prov` field), is validated with ChartEngine's archive loader, and
/// is stored as `NAME-VERSION.tgz` (ChartMuseum's naming) in the repository directory.
enum ChartUpload {
    struct Outcome: Sendable, Equatable {
        var status: Int
        var json: String
    }

    /// Blocking: validates, stores and rescans. Call on the thread pool.
    static func handle(body: [UInt8], contentType: String, state: RepoState, allowOverwrite: Bool) -> Outcome {
        var chart = body
        var prov: [UInt8]?
        if let boundary = Multipart.boundary(contentType: contentType) {
            guard let fields = Multipart.fields(body, boundary: boundary) else {
                return fail(400, "malformed multipart/form-data body")
            }
            guard let c = fields["chart"] else {
                return fail(400, "no package found in form field chart")
            }
            chart = c
            prov = fields["prov"]
        }
        guard !chart.isEmpty else { return fail(400, "empty chart package") }
        let loaded: Chart
        do {
            loaded = try LargeStack.run { try ChartArchive.load(bytes: chart) }
        } catch let e as ChartEngineError {
            return fail(400, "invalid chart package: \(e.message)")
        } catch {
            return fail(400, "invalid chart package: \(error)")
        }
        let fileName = "\(loaded.metadata.name)-\(loaded.metadata.version).tgz"
        guard case .clean(let rel) = RequestPath(target: "/" + fileName), !rel.contains("/") else {
            return fail(400, "\(fileName) is improperly formatted")
        }
        let target = state.directory + "/" + fileName
        do throws(RepoServerError) {
            try store(chart, at: target, overwrite: allowOverwrite)
            if let prov { try store(prov, at: target + ".prov", overwrite: true) }
        } catch {
            if error.message == "exists" { return fail(409, "chart already exists") }
            return fail(500, error.message)
        }
        do {
            try state.rescan()
        } catch {
            return fail(500, "stored \(fileName) but could not reindex: \(error.message)")
        }
        return Outcome(status: 201, json: #"{"saved":true}"#)
    }

    /// Writes a sibling temporary file and moves it into place: `rename` when overwriting is allowed,
    /// `link` otherwise, which fails atomically when the target exists (no check-then-write race).
    static func store(_ bytes: [UInt8], at path: String, overwrite: Bool) throws(RepoServerError) {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let tmp = String(path[..<slash]) + ".upload-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RepoServerError("create \(tmp): \(DirectoryScanner.errorText(errno))") }
        var offset = 0
        var writeError: Int32 = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    writeError = errno
                    return
                }
                offset += n
            }
        }
        if writeError == 0 && fsync(fd) != 0 { writeError = errno }
        close(fd)
        defer { unlink(tmp) }
        if writeError != 0 { throw RepoServerError("write \(tmp): \(DirectoryScanner.errorText(writeError))") }
        if overwrite {
            if rename(tmp, path) != 0 { throw RepoServerError("rename \(path): \(DirectoryScanner.errorText(errno))") }
        } else if link(tmp, path) != 0 {
            if errno == EEXIST { throw RepoServerError("exists") }
            throw RepoServerError("link \(path): \(DirectoryScanner.errorText(errno))")
        }
    }

    private static func fail(_ status: Int, _ message: String) -> Outcome {
        Outcome(status: status, json: #"{"error":"# + jsonString(message) + "}")
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where u.value < 0x20: out += "\\u00" + (u.value < 16 ? "0" : "") + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
