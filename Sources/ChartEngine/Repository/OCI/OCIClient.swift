import StructuredData

/// A client for the OCI distribution API as Helm's registry client (oras-go) uses it: monolithic blob
/// upload (POST then PUT `?digest=`), manifest PUT/GET, tag listing; a `401` answered with
/// `WWW-Authenticate: Bearer realm=…` is retried with a token from the realm, with `Basic` by
/// sending the credentials.
public struct OCIClient: Sendable {
    public var host: String
    /// `--plain-http`: talk `http://` instead of `https://`.
    public var plainHTTP = false
    public var username = ""
    public var password = ""
    public var tls = HTTPOptions()
    private var authorization = ""

    public init(host: String, plainHTTP: Bool = false) {
        self.host = host
        self.plainHTTP = plainHTTP
    }

    var base: String { (plainHTTP ? "http://" : "https://") + host }

    /// Fills empty credentials from Helm's registry config file.
    public mutating func useStoredCredentials(_ config: RegistryConfig) throws(ChartEngineError) {
        if username.isEmpty && password.isEmpty, let (u, p) = try config.credentials(for: host) {
            username = u
            password = p
        }
    }

    /// Sends a request, answering one authentication challenge.
    mutating func send(_ method: String, _ url: String, headers: [String] = [], body: [UInt8]? = nil,
                       scope: String) throws(ChartEngineError) -> RegistryResponse
    {
        var r = try RegistryHTTP.send(method, url, headers: headers + authHeader, body: body, tls: tls)
        guard r.status == 401, let challenge = r.headers["www-authenticate"] else { return r }
        try authenticate(challenge, scope: scope)
        r = try RegistryHTTP.send(method, url, headers: headers + authHeader, body: body, tls: tls)
        return r
    }

    private var authHeader: [String] { authorization.isEmpty ? [] : ["Authorization: \(authorization)"] }

    private var basic: String { "Basic " + Base64.encode(Array("\(username):\(password)".utf8)) }

    private mutating func authenticate(_ challenge: String, scope: String) throws(ChartEngineError) {
        let (scheme, params) = Self.parseChallenge(challenge)
        switch scheme {
        case "basic":
            guard !username.isEmpty || !password.isEmpty else {
                throw ChartEngineError(.io, "\(host): basic credential not found")
            }
            authorization = basic
        case "bearer":
            guard let realm = params["realm"], !realm.isEmpty else {
                throw ChartEngineError(.io, "\(host): bearer challenge without realm")
            }
            var query: [String] = []
            if let service = params["service"] { query.append("service=\(Self.percentEncode(service))") }
            query.append("scope=\(Self.percentEncode(params["scope"] ?? scope))")
            let url = realm + (realm.contains("?") ? "&" : "?") + query.joined(separator: "&")
            let headers = username.isEmpty && password.isEmpty ? [] : ["Authorization: \(basic)"]
            let r = try RegistryHTTP.send("GET", url, headers: headers, tls: tls)
            guard r.status == 200 else {
                throw ChartEngineError(.io, "GET \"\(url)\": response status code \(r.status): unauthorized")
            }
            let token: String
            do {
                let v = try JSON.decode(r.body)
                guard case .string(let t)? = v.mapValue?["token"] ?? v.mapValue?["access_token"], !t.isEmpty else {
                    throw ChartEngineError(.io, "\(url): token response without a token")
                }
                token = t
            } catch let e as ChartEngineError { throw e } catch {
                throw ChartEngineError(.io, "\(url): invalid token response: \(error)")
            }
            authorization = "Bearer " + token
        default:
            throw ChartEngineError(.io, "\(host): unsupported authentication scheme \"\(scheme)\"")
        }
    }

    /// `Scheme k="v", k2=v2` → lower-cased scheme and parameters.
    static func parseChallenge(_ s: String) -> (String, [String: String]) {
        let t = Substring(s).trimmingCharacters(in: " ")
        let space = t.firstIndex(of: " ") ?? t.endIndex
        let scheme = t[..<space].lowercased()
        var params: [String: String] = [:]
        var rest = Substring(t[space...])
        while !rest.isEmpty {
            while let f = rest.first, f == " " || f == "," { rest.removeFirst() }
            guard let eq = rest.firstIndex(of: "=") else { break }
            let key = rest[..<eq].trimmingCharacters(in: " ").lowercased()
            rest = rest[rest.index(after: eq)...]
            var value = ""
            if rest.first == "\"" {
                rest.removeFirst()
                while let c = rest.first, c != "\"" {
                    rest.removeFirst()
                    if c == "\\", let n = rest.first { value.append(n); rest.removeFirst() } else { value.append(c) }
                }
                if !rest.isEmpty { rest.removeFirst() }
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: " ")
                rest = rest[end...]
            }
            params[key] = value
        }
        return (scheme, params)
    }

    static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(Unicode.Scalar(b))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c)) { out.append(c) } else {
                let d = Array("0123456789ABCDEF")
                out += "%\(d[Int(b >> 4)])\(d[Int(b & 15)])"
            }
        }
        return out
    }

    /// The registry's error text from a failed response (`errors[0].message`), else the status.
    static func describe(_ r: RegistryResponse) -> String {
        if let v = try? JSON.decode(r.body), case .list(let errs)? = v.mapValue?["errors"],
           let first = errs.first?.mapValue, case .string(let msg)? = first["message"]
        {
            return "response status code \(r.status): \(msg)"
        }
        return "response status code \(r.status)"
    }

    // MARK: Login

    /// `helm registry login`: checks the credentials against `/v2/`.
    public mutating func ping() throws(ChartEngineError) {
        let r = try send("GET", base + "/v2/", scope: "")
        guard r.status == 200 else {
            throw ChartEngineError(.io, "login attempt to \(base)/v2/ failed with status: \(r.status) \(r.status == 401 ? "Unauthorized" : "")"
                .trimmingCharacters(in: " "))
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String { Substring(self).trimmingCharacters(in: set) }
}
