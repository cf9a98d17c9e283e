import NIOHTTP1

/// One HTTP request as the API handlers see it: method, decoded path segments, query parameters in
/// order (repeats kept: `command=a&command=b`), headers, the whole body, and who sent it.
struct APIRequest: Sendable {
    var method: HTTPMethod
    /// The raw path, without query.
    var path: String
    var query: [(name: String, value: String)]
    var headers: HTTPHeaders
    var body: [UInt8]
    /// The authenticated user (token owner or client-certificate CN); nil = anonymous.
    var user: String?
    /// Closes the client's connection (how a watcher that falls too far behind is cut off).
    var closeConnection: (@Sendable () -> Void)?

    /// The first value of a query parameter.
    func param(_ name: String) -> String? { query.first(where: { $0.name == name })?.value }

    /// Every value of a repeated query parameter.
    func params(_ name: String) -> [String] { query.filter { $0.name == name }.map(\.value) }

    /// `true` for `?name=true` (and `1`), as Kubernetes parses booleans in queries.
    func flag(_ name: String) -> Bool {
        guard let v = param(name) else { return false }
        return v == "true" || v == "1" || v == "True" || v == "TRUE" || v == "t"
    }

    var contentType: String {
        let raw = headers.first(name: "content-type") ?? ""
        return raw.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces.lowercased() } ?? ""
    }

    var accept: String { headers.first(name: "accept") ?? "" }
}

/// What a handler answers: a whole body, or a stream of chunks (watch, follow).
enum APIResponse: Sendable {
    case full(status: HTTPResponseStatus, contentType: String, body: [UInt8], headers: [(String, String)])
    case stream(contentType: String, chunks: AsyncStream<[UInt8]>)

    static func json(_ status: HTTPResponseStatus, _ text: String, headers: [(String, String)] = []) -> APIResponse {
        .full(status: status, contentType: "application/json", body: Array(text.utf8), headers: headers)
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" { s.removeLast() }
        return String(s)
    }
}

extension String {
    var trimmingSpaces: String { Substring(self).trimmingSpaces }
}

/// Percent-decoding for paths and query components (`+` is a space only in queries).
enum PercentDecoding {
    static func decode(_ s: Substring, plusIsSpace: Bool) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%") {
                guard let h = it.popFirst(), let l = it.popFirst(), let hv = hex(h), let lv = hex(l) else { return nil }
                out.append(hv << 4 | lv)
            } else if c == UInt8(ascii: "+") && plusIsSpace {
                out.append(UInt8(ascii: " "))
            } else {
                out.append(c)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 65...70: return c - 55
        case 97...102: return c - 87
        default: return nil
        }
    }

    /// Splits `a=1&b=2` into ordered pairs; nil when an escape is malformed.
    static func query(_ q: Substring) -> [(name: String, value: String)]? {
        var result: [(name: String, value: String)] = []
        for part in q.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(kv[0], plusIsSpace: true) else { return nil }
            let value = kv.count > 1 ? decode(kv[1], plusIsSpace: true) : ""
            guard let value else { return nil }
            result.append((name, value))
        }
        return result
    }
}
