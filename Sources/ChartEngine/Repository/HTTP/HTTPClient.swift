import CLibCurl
import CurlSupport
import Templating

/// What a chart-repository request needs besides its URL: Helm's getter options (`WithURL`,
/// `WithBasicAuth`, `WithPassCredentialsAll`, `WithTLSClientConfig`, `WithInsecureSkipVerifyTLS`).
public struct HTTPOptions: Sendable, Equatable {
    /// The repository URL the credentials belong to (Helm's `getter.WithURL`); credentials are sent
    /// only to that scheme and host (port included) unless ``passCredentialsAll``.
    public var credentialsURL = ""
    public var username = ""
    public var password = ""
    public var passCredentialsAll = false
    public var certFile = ""
    public var keyFile = ""
    public var caFile = ""
    public var insecureSkipTLSVerify = false
    /// Largest body accepted; bigger responses fail instead of filling memory.
    public var maxBodyBytes = HTTPClient.defaultMaxBody
    /// Sent as `Accept` when set (Helm asks for `application/gzip,application/octet-stream` for charts).
    public var accept = ""

    public init() {}
}

/// Blocking HTTP(S) GET through libcurl, with Helm's `HTTPGetter` rules: `User-Agent: Helm/4.2.3`,
/// redirects followed (at most 10, http/https only), basic auth only when both user and password are
/// set and the URL is on the credentials' scheme+host, any status but 200 an error worded as Go's
/// `failed to fetch URL : STATUS`.
public enum HTTPClient {
    /// `curl_easy_perform` with an error buffer attached: the result code and libcurl's message for
    /// it (its error buffer, else `curl_easy_strerror`). `sink` is the callbacks' userdata, kept alive.
    static func perform(_ h: UnsafeMutableRawPointer, keepingAlive sink: AnyObject) -> (CURLcode, String) {
        var errbuf = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let rc = errbuf.withUnsafeMutableBufferPointer { buf -> CURLcode in
            _ = curl_easy_setopt_ptr(h, CURLOPT_ERRORBUFFER, buf.baseAddress)
            let rc = withExtendedLifetime(sink) { curl_easy_perform(h) }
            _ = curl_easy_setopt_ptr(h, CURLOPT_ERRORBUFFER, nil)
            return rc
        }
        var text = String(decoding: errbuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.isEmpty && rc != CURLE_OK { text = String(cString: curl_easy_strerror(rc)) }
        return (rc, text)
    }

    /// 100 MiB: the most Helm will ever load of a chart archive, and ample for any index.
    public static let defaultMaxBody = 100 * 1024 * 1024
    static let userAgent = "Helm/4.2.3"

    /// `curl_global_init` once, thread-safely (Swift initialises static lets exactly once).
    private static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Downloads `url`; throws ``ChartEngineError`` with code `.io`.
    public static func get(_ url: String, options: HTTPOptions) throws(ChartEngineError) -> [UInt8] {
        _ = globalInit
        guard let h = curl_easy_init() else { throw ChartEngineError(.io, "Get \"\(url)\": cannot initialise libcurl") }
        defer { curl_easy_cleanup(h) }
        let sink = ResponseSink(limit: options.maxBodyBytes)

        _ = curl_easy_setopt_str(h, CURLOPT_URL, url)
        _ = curl_easy_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = curl_easy_setopt_str(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        _ = curl_easy_setopt_long(h, CURLOPT_FOLLOWLOCATION, 1)
        _ = curl_easy_setopt_long(h, CURLOPT_MAXREDIRS, 10)
        // Credentials never follow a redirect to another host (Go drops Authorization there too).
        _ = curl_easy_setopt_long(h, CURLOPT_UNRESTRICTED_AUTH, 0)
        _ = curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = curl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT, 30)
        _ = curl_easy_setopt_str(h, CURLOPT_USERAGENT, userAgent)
        _ = curl_easy_setopt_str(h, CURLOPT_ACCEPT_ENCODING, "")
        if options.maxBodyBytes > 0 {
            _ = curl_easy_setopt_off(h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.maxBodyBytes))
        }
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        if !options.accept.isEmpty { headers = curl_slist_append(headers, "Accept: \(options.accept)") }
        defer { if let headers { curl_slist_free_all(headers) } }
        if let headers { _ = curl_easy_setopt_ptr(h, CURLOPT_HTTPHEADER, headers) }

        if !options.username.isEmpty && !options.password.isEmpty
            && (options.passCredentialsAll || sameOrigin(options.credentialsURL.isEmpty ? url : options.credentialsURL, url))
        {
            _ = curl_easy_setopt_long(h, CURLOPT_HTTPAUTH, 1 /* CURLAUTH_BASIC (a cast macro Swift does not import) */)
            _ = curl_easy_setopt_str(h, CURLOPT_USERNAME, options.username)
            _ = curl_easy_setopt_str(h, CURLOPT_PASSWORD, options.password)
        }
        if !options.caFile.isEmpty { _ = curl_easy_setopt_str(h, CURLOPT_CAINFO, options.caFile) }
        if !options.certFile.isEmpty { _ = curl_easy_setopt_str(h, CURLOPT_SSLCERT, options.certFile) }
        if !options.keyFile.isEmpty { _ = curl_easy_setopt_str(h, CURLOPT_SSLKEY, options.keyFile) }
        if options.insecureSkipTLSVerify {
            _ = curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            _ = curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        }

        sink.attach(to: h)

        let (rc, curlMessage) = HTTPClient.perform(h, keepingAlive: sink)
        if sink.overflow || rc == CURLE_FILESIZE_EXCEEDED {
            throw ChartEngineError(.io, "Get \"\(url)\": response body exceeds the limit of \(options.maxBodyBytes) bytes")
        }
        if rc != CURLE_OK {
            var text = curlMessage
            if rc == CURLE_TOO_MANY_REDIRECTS { text = "stopped after 10 redirects" }
            throw ChartEngineError(.io, "Get \"\(url)\": \(text)")
        }
        var code = 0
        _ = curl_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code)
        if code != 200 {
            let status = sink.status.isEmpty ? "\(code)" : sink.status
            throw ChartEngineError(.io, "failed to fetch \(url) : \(status)")
        }
        return sink.bytes
    }

    /// Go's `u1.Scheme == u2.Scheme && u1.Host == u2.Host` (host includes the port).
    static func sameOrigin(_ a: String, _ b: String) -> Bool {
        let x = URLParts(a), y = URLParts(b)
        return x.scheme == y.scheme && x.host == y.host
    }
}

/// The body and status line collected by the libcurl callbacks.
private final class ResponseSink: CurlReceiver {
    var bytes: [UInt8] = []
    var status = ""
    var overflow = false
    let limit: Int
    init(limit: Int) { self.limit = limit > 0 ? limit : Int.max }

    override func receiveBody(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.count + chunk.count > limit {
            overflow = true
            return false
        }
        bytes.append(contentsOf: chunk)
        return true
    }

    override func receiveHeader(_ line: String) {
        // Each response of a redirect chain starts with its status line; keep the last one.
        guard line.hasPrefix("HTTP/") else { return }
        // Split on scalars: "\r\n" is a single Character.
        let scalars = line.unicodeScalars.prefix { $0 != "\r" && $0 != "\n" }
        let trimmed = String(String.UnicodeScalarView(scalars))
        if let space = trimmed.firstIndex(of: " ") {
            status = String(trimmed[trimmed.index(after: space)...])
        }
        // A redirect's body must not count towards the final one.
        bytes.removeAll(keepingCapacity: true)
    }
}

/// The parts of an absolute URL Helm compares: scheme (lower-cased), `host[:port]`, path, query.
struct URLParts: Equatable {
    var scheme = ""
    var host = ""
    var path = ""
    var query = ""
    var fragment = ""

    init(_ s: String) {
        var rest = Substring(s)
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        if let r = rest.range(of: "://"), !rest[..<r.lowerBound].contains("/") {
            scheme = rest[..<r.lowerBound].lowercased()
            rest = rest[r.upperBound...]
            let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            host = String(rest[..<end])
            if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
            rest = rest[end...]
        }
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        path = String(rest)
    }

    /// True for `scheme://host…` URLs (Go's `u.IsAbs() && u.Host != ""`).
    var isAbsolute: Bool { !scheme.isEmpty && !host.isEmpty }
}
