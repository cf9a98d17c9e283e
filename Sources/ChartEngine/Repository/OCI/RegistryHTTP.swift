import CLibCurl
import CurlSupport

/// One HTTP exchange with an OCI registry (the distribution API needs methods, request bodies and
/// response headers, which the chart-repository GET in ``HTTPClient`` does not expose).
struct RegistryResponse {
    var status = 0
    /// Header names lower-cased; the last response of a redirect chain only.
    var headers: [String: String] = [:]
    var body: [UInt8] = []
}

enum RegistryHTTP {
    /// Manifests, configs and indexes are small; charts stop at Helm's 100 MiB archive limit.
    static let maxBody = HTTPClient.defaultMaxBody

    private static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Performs `method url` with `headers` and `body`; throws only on transport failure.
    static func send(_ method: String, _ url: String, headers: [String] = [], body: [UInt8]? = nil,
                     tls: HTTPOptions = HTTPOptions()) throws(ChartEngineError) -> RegistryResponse
    {
        _ = globalInit
        guard let h = curl_easy_init() else { throw ChartEngineError(.io, "\(method) \"\(url)\": cannot initialise libcurl") }
        defer { curl_easy_cleanup(h) }
        let sink = RegistrySink()
        _ = curl_easy_setopt_str(h, CURLOPT_URL, url)
        _ = curl_easy_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = curl_easy_setopt_str(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        // Blob GETs may redirect to storage; the Authorization header must not follow to another host.
        _ = curl_easy_setopt_long(h, CURLOPT_FOLLOWLOCATION, method == "GET" ? 1 : 0)
        _ = curl_easy_setopt_long(h, CURLOPT_MAXREDIRS, 10)
        _ = curl_easy_setopt_long(h, CURLOPT_UNRESTRICTED_AUTH, 0)
        _ = curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = curl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT, 30)
        _ = curl_easy_setopt_str(h, CURLOPT_USERAGENT, HTTPClient.userAgent)
        _ = curl_easy_setopt_off(h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBody))
        if !tls.caFile.isEmpty { _ = curl_easy_setopt_str(h, CURLOPT_CAINFO, tls.caFile) }
        if !tls.certFile.isEmpty { _ = curl_easy_setopt_str(h, CURLOPT_SSLCERT, tls.certFile) }
        if !tls.keyFile.isEmpty { _ = curl_easy_setopt_str(h, CURLOPT_SSLKEY, tls.keyFile) }
        if tls.insecureSkipTLSVerify {
            _ = curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            _ = curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        }
        switch method {
        case "GET": break
        case "HEAD": _ = curl_easy_setopt_long(h, CURLOPT_NOBODY, 1)
        default: _ = curl_easy_setopt_str(h, CURLOPT_CUSTOMREQUEST, method)
        }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        // An empty `Expect:` stops libcurl's 100-continue round trip on PUT/POST bodies.
        for line in headers + ["Expect:"] { list = curl_slist_append(list, line) }
        defer { if let list { curl_slist_free_all(list) } }
        _ = curl_easy_setopt_ptr(h, CURLOPT_HTTPHEADER, list)
        if let body {
            _ = curl_easy_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { _ = curl_easy_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)) }
        }

        sink.attach(to: h)
        let (rc, curlMessage) = HTTPClient.perform(h, keepingAlive: sink)
        if rc == CURLE_FILESIZE_EXCEEDED || rc == CURLE_WRITE_ERROR {
            throw ChartEngineError(.io, "\(method) \"\(url)\": response body exceeds the limit of \(maxBody) bytes")
        }
        if rc != CURLE_OK {
            throw ChartEngineError(.io, "\(method) \"\(url)\": \(curlMessage)")
        }
        var code = 0
        _ = curl_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code)
        return RegistryResponse(status: code, headers: sink.headers, body: sink.body)
    }
}

private final class RegistrySink: CurlReceiver {
    var body: [UInt8] = []
    var headers: [String: String] = [:]

    override func receiveBody(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        if body.count + chunk.count > RegistryHTTP.maxBody { return false }
        body.append(contentsOf: chunk)
        return true
    }

    override func receiveHeader(_ line: String) {
        let scalars = line.unicodeScalars.prefix { $0 != "\r" && $0 != "\n" }
        let text = String(String.UnicodeScalarView(scalars))
        if text.hasPrefix("HTTP/") {
            headers = [:]
            body.removeAll(keepingCapacity: true)
        } else if let colon = text.firstIndex(of: ":") {
            let name = text[..<colon].lowercased()
            let value = text[text.index(after: colon)...].trimmingCharacters(in: " \t")
            headers[name] = value
        }
    }
}
