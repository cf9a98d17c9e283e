import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// A user name and password (or token) for a registry: basic auth, and the credentials of a bearer
/// token request.
public struct RegistryCredentials: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    var basicHeader: String { "Basic " + Base64Codec.encode(Array((username + ":" + password).utf8)) }
}

/// The distribution API for one repository, with the registry's authentication: a `401` with a
/// `WWW-Authenticate: Bearer realm=…,service=…,scope=…` challenge fetches a token (anonymously, or
/// with basic credentials when given) and retries; a `Basic` challenge retries with the credentials.
/// Blocking: call from ``RuntimeThreads``.
final class RegistryClient {
    let reference: ImageReference
    let credentials: RegistryCredentials?
    private var authorization: String?

    init(_ reference: ImageReference, credentials: RegistryCredentials?) {
        self.reference = reference
        self.credentials = credentials
    }

    var base: String { "\(reference.scheme)://\(reference.registryHost)/v2/\(reference.repository)" }

    /// GETs `path` under the repository; `makeSink` gives a fresh body sink for each attempt.
    func get(_ path: String, accept: String? = nil, makeSink: () throws(RuntimeError) -> RegistryTransport.Sink) throws(RuntimeError) -> RegistryReply {
        var attempt = 0
        while true {
            var headers: [String] = []
            if let accept { headers.append("Accept: " + accept) }
            if let authorization { headers.append("Authorization: " + authorization) }
            let reply = try RegistryTransport.send("GET", base + path, headers: headers, sink: try makeSink())
            guard reply.status == 401, attempt == 0 else {
                if reply.status == 401 {
                    throw RuntimeError("\(reference): authentication required or denied by \(reference.domain)\(credentials == nil ? " (no credentials given)" : "")")
                }
                return reply
            }
            attempt += 1
            try authenticate(reply.headers["www-authenticate"] ?? "")
        }
    }

    private func authenticate(_ challenge: String) throws(RuntimeError) {
        let (scheme, params) = Self.parseChallenge(challenge)
        switch scheme {
        case "bearer":
            authorization = "Bearer " + (try token(params))
        case "basic":
            guard let credentials else {
                throw RuntimeError("\(reference): \(reference.domain) requires a user name and password (basic auth)")
            }
            authorization = credentials.basicHeader
        default:
            throw RuntimeError("\(reference): \(reference.domain) answered 401 with an unsupported challenge \"\(challenge)\"")
        }
    }

    private func token(_ params: [String: String]) throws(RuntimeError) -> String {
        guard let realm = params["realm"], realm.hasPrefix("https://") || realm.hasPrefix("http://") else {
            throw RuntimeError("\(reference): bearer challenge from \(reference.domain) without an http(s) realm")
        }
        var query: [String] = []
        if let service = params["service"] { query.append("service=" + Self.escape(service)) }
        query.append("scope=" + Self.escape(params["scope"] ?? "repository:\(reference.repository):pull"))
        let url = realm + (realm.contains("?") ? "&" : "?") + query.joined(separator: "&")
        var headers: [String] = []
        if let credentials { headers.append("Authorization: " + credentials.basicHeader) }
        let reply = try RegistryTransport.send("GET", url, headers: headers)
        guard reply.status == 200 else {
            throw RuntimeError("\(reference): token request to \(realm) failed with HTTP \(reply.status)\(Self.errorText(reply))")
        }
        let v = try? JSON.decode(reply.body)
        guard let t = v?["token"]?.stringValue ?? v?["access_token"]?.stringValue, !t.isEmpty else {
            throw RuntimeError("\(reference): token answer from \(realm) has no token")
        }
        return t
    }

    /// `Bearer realm="…",service="…"` → ("bearer", [realm: …, service: …]); values may be quoted
    /// (with commas inside, as in `scope="repository:a:pull,push"`).
    static func parseChallenge(_ header: String) -> (String, [String: String]) {
        let text = Array(header.trimmingSpaces)
        var i = 0
        var scheme = ""
        while i < text.count, text[i] != " " { scheme.append(text[i]); i += 1 }
        var params: [String: String] = [:]
        while i < text.count {
            while i < text.count, text[i] == " " || text[i] == "," { i += 1 }
            var key = ""
            while i < text.count, text[i] != "=" { key.append(text[i]); i += 1 }
            i += 1
            var value = ""
            if i < text.count, text[i] == "\"" {
                i += 1
                while i < text.count, text[i] != "\"" {
                    if text[i] == "\\", i + 1 < text.count { i += 1 }
                    value.append(text[i])
                    i += 1
                }
                i += 1
            } else {
                while i < text.count, text[i] != "," { value.append(text[i]); i += 1 }
            }
            let k = key.trimmingSpaces.lowercased()
            if !k.isEmpty { params[k] = value.trimmingSpaces }
        }
        return (scheme.lowercased(), params)
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let safe = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x2d || b == 0x2e || b == 0x5f || b == 0x7e
            out += safe ? String(UnicodeScalar(b)) : "%" + ImageDigest.hex([b]).uppercased()
        }
        return out
    }

    /// The registry's error message (`{"errors":[{"code":…,"message":…}]}`), for failures.
    static func errorText(_ reply: RegistryReply) -> String {
        guard let v = try? JSON.decode(reply.body), let e = v["errors"]?.listValue?.first else { return "" }
        let code = e["code"]?.stringValue ?? ""
        let message = e["message"]?.stringValue ?? ""
        return ": " + [code, message].filter { !$0.isEmpty }.joined(separator: " ")
    }
}
