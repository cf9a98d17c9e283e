/// Just enough `multipart/form-data` (RFC 7578) to take the `chart` and `prov` fields of a
/// ChartMuseum-style upload.
enum Multipart {
    /// The boundary parameter of a `multipart/form-data` content type, nil for other types.
    static func boundary(contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingSpaces }
        guard let type = parts.first, type.lowercased() == "multipart/form-data" else { return nil }
        for p in parts.dropFirst() {
            let kv = p.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingSpaces.lowercased() == "boundary" else { continue }
            var v = kv[1].trimmingSpaces
            if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
            return v.isEmpty || v.count > 200 ? nil : v
        }
        return nil
    }

    /// Form fields by name (`Content-Disposition: form-data; name="…"`); nil when the body is malformed.
    static func fields(_ body: [UInt8], boundary: String) -> [String: [UInt8]]? {
        let delimiter = Array(("--" + boundary).utf8)
        guard var pos = find(delimiter, in: body, from: 0) else { return nil }
        var result: [String: [UInt8]] = [:]
        let crlf: [UInt8] = [13, 10]
        while true {
            pos += delimiter.count
            // "--" after a delimiter closes the body.
            if pos + 1 < body.count, body[pos] == UInt8(ascii: "-"), body[pos + 1] == UInt8(ascii: "-") { return result }
            guard let lineEnd = find(crlf, in: body, from: pos) else { return nil }
            let headerStart = lineEnd + 2
            guard let headerEnd = find(crlf + crlf, in: body, from: headerStart) else { return nil }
            let headers = String(decoding: body[headerStart..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find(crlf + delimiter, in: body, from: contentStart) else { return nil }
            if let name = fieldName(headers), result[name] == nil {
                result[name] = Array(body[contentStart..<next])
            }
            pos = next + 2
        }
    }

    private static func fieldName(_ headers: String) -> String? {
        for line in headers.split(separator: "\r\n") {
            let kv = line.split(separator: ":", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingSpaces.lowercased() == "content-disposition" else { continue }
            for p in kv[1].split(separator: ";").map({ $0.trimmingSpaces }) where p.hasPrefix("name=") {
                var v = String(p.dropFirst(5))
                if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
                return v
            }
        }
        return nil
    }

    /// First index of `needle` in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
