import CLibCurl

/// One HTTP exchange with the API server through libcurl. Blocking: call it from a plain thread (a
/// command's `run()`), never from Swift's cooperative pool. The handle is reused so connections and
/// TLS sessions stay alive across requests.
final class CurlTransport {
    private let handle: UnsafeMutableRawPointer
    private let config: KubeConfig
    private static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    init(config: KubeConfig) throws(KubeError) {
        _ = CurlTransport.globalInit
        guard let h = curl_easy_init() else { throw KubeError(message: "cannot initialise libcurl") }
        handle = h
        self.config = config
    }

    deinit { curl_easy_cleanup(handle) }

    /// Sends `method path` with `body`; returns the status code and the response body.
    func perform(method: String, url: String, headers: [String], body: [UInt8]?) throws(KubeError) -> (Int, [UInt8]) {
        let h = handle
        curl_easy_reset(h)
        let sink = BodySink()
        _ = curl_easy_setopt_str(h, CURLOPT_URL, url)
        _ = curl_easy_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = curl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT, 30)
        _ = curl_easy_setopt_long(h, CURLOPT_TIMEOUT, 120)
        _ = curl_easy_setopt_str(h, CURLOPT_USERAGENT, "helmctl/4.2.3")
        _ = curl_easy_setopt_str(h, CURLOPT_CUSTOMREQUEST, method)
        if method == "HEAD" { _ = curl_easy_setopt_long(h, CURLOPT_NOBODY, 1) }
        if !config.certificateAuthority.isEmpty {
            config.certificateAuthority.withUnsafeBytes {
                _ = curl_easy_setopt_blob(h, CURLOPT_CAINFO_BLOB, $0.baseAddress, $0.count)
            }
        }
        if !config.clientCertificate.isEmpty {
            config.clientCertificate.withUnsafeBytes {
                _ = curl_easy_setopt_blob(h, CURLOPT_SSLCERT_BLOB, $0.baseAddress, $0.count)
            }
            _ = curl_easy_setopt_str(h, CURLOPT_SSLCERTTYPE, "PEM")
        }
        if !config.clientKey.isEmpty {
            config.clientKey.withUnsafeBytes {
                _ = curl_easy_setopt_blob(h, CURLOPT_SSLKEY_BLOB, $0.baseAddress, $0.count)
            }
            _ = curl_easy_setopt_str(h, CURLOPT_SSLKEYTYPE, "PEM")
        }
        if config.insecureSkipTLSVerify {
            _ = curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            _ = curl_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        var all = headers
        if !config.token.isEmpty { all.append("Authorization: Bearer \(config.token)") }
        all.append("Expect:")
        for line in all { list = curl_slist_append(list, line) }
        defer { if let list { curl_slist_free_all(list) } }
        _ = curl_easy_setopt_ptr(h, CURLOPT_HTTPHEADER, list)
        if let body {
            _ = curl_easy_setopt_long(h, CURLOPT_POSTFIELDSIZE, body.count)
            body.withUnsafeBytes { _ = curl_easy_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
        }
        let write: clibcurl_write_cb = { ptr, size, count, ud in
            guard let ud, let ptr else { return 0 }
            let sink = Unmanaged<BodySink>.fromOpaque(ud).takeUnretainedValue()
            let n = size * count
            ptr.withMemoryRebound(to: UInt8.self, capacity: n) {
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: n))
            }
            return n
        }
        _ = curl_easy_setopt_write(h, CURLOPT_WRITEFUNCTION, write)
        _ = curl_easy_setopt_ptr(h, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
        var errbuf = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let rc = errbuf.withUnsafeMutableBufferPointer { buf -> CURLcode in
            _ = curl_easy_setopt_ptr(h, CURLOPT_ERRORBUFFER, buf.baseAddress)
            let rc = withExtendedLifetime(sink) { curl_easy_perform(h) }
            _ = curl_easy_setopt_ptr(h, CURLOPT_ERRORBUFFER, nil)
            return rc
        }
        if rc != CURLE_OK {
            var text = String(decoding: errbuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.isEmpty { text = String(cString: curl_easy_strerror(rc)) }
            throw KubeError(message: "Kubernetes cluster unreachable: \(method) \"\(url)\": \(text)")
        }
        var code = 0
        _ = curl_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code)
        return (code, sink.bytes)
    }
}

private final class BodySink {
    var bytes: [UInt8] = []
}
