import NIOHTTP1

/// Conditional requests (RFC 9110 §13) and content negotiation for gzip.
enum Conditional {
    /// The validator of the gzip variant: a different representation needs a different strong ETag.
    static func gzipTag(_ etag: String) -> String {
        etag.hasSuffix("\"") ? String(etag.dropLast()) + "-gzip\"" : etag + "-gzip"
    }

    /// True when `If-None-Match` matches (weak comparison, either variant), or — only when there is no
    /// `If-None-Match` — when `If-Modified-Since` is not earlier than the resource's modification time.
    static func notModified(_ headers: HTTPHeaders, etag: String, modified: Int) -> Bool {
        let inm = headers["If-None-Match"]
        if !inm.isEmpty {
            let tags = inm.flatMap { $0.split(separator: ",") }.map { t -> String in
                let s = t.trimmingSpaces
                return s.hasPrefix("W/") ? String(s.dropFirst(2)) : s
            }
            return tags.contains("*") || tags.contains(etag) || tags.contains(gzipTag(etag))
        }
        if let ims = headers.first(name: "If-Modified-Since"), let since = HTTPDate.parse(ims) {
            return modified <= since
        }
        return false
    }

    /// Whether `Accept-Encoding` allows gzip (`gzip` or `*` with a non-zero q-value, not refused by name).
    static func acceptsGzip(_ headers: HTTPHeaders) -> Bool {
        var gzip: Double?
        var star: Double?
        for value in headers["Accept-Encoding"] {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";")
                guard let coding = parts.first?.trimmingSpaces.lowercased() else { continue }
                var q = 1.0
                for p in parts.dropFirst() {
                    let kv = p.split(separator: "=", maxSplits: 1)
                    if kv.count == 2, kv[0].trimmingSpaces.lowercased() == "q" { q = Double(kv[1].trimmingSpaces) ?? 0 }
                }
                if coding == "gzip" || coding == "x-gzip" { gzip = q } else if coding == "*" { star = q }
            }
        }
        if let gzip { return gzip > 0 }
        return (star ?? 0) > 0
    }
}
