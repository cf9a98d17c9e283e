import CLibCurl

/// A transport failure, with whether the request surely never reached the server (so that any verb
/// may be retried).
struct TransportFailure: Error {
    var error: KubeError
    var notSent: Bool
}

/// One HTTP exchange with the API server through libcurl. Blocking: call it from a plain thread (a
/// command's `run()`), never from Swift's cooperative pool. The handle is reused so connections and
/// TLS sessions stay alive across requests.
final class CurlTransport {
    private let handle: UnsafeMutableRawPointer
    /// Settings of every request (credentials change when an exec plugin runs).
    var config: KubeConfig
    private static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    init(config: KubeConfig) throws(KubeError) {
        _ = CurlTransport.globalInit
        guard let h = curl_easy_init() else { throw KubeError(message: "cannot initialise libcurl") }
        handle = h
        self.config = config
    }

    deinit { curl_easy_cleanup(handle) }

    /// Sets the options every request shares (URL, TLS, credentials, method); the caller owns `list`.
    static func configure(_ h: UnsafeMutableRawPointer, config: KubeConfig, method: String, url: String,
                          headers: [String], list: inout UnsafeMutablePointer<curl_slist>?)
    {
        _ = CurlTransport.globalInit
        _ = curl_easy_setopt_str(h, CURLOPT_URL, url)
        _ = curl_easy_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = curl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT, 30)
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
        var all = headers
        if !config.token.isEmpty { all.append("Authorization: Bearer \(config.token)") }
        all.append("Expect:")
        for line in all { list = curl_slist_append(list, line) }
        _ = curl_easy_setopt_ptr(h, CURLOPT_HTTPHEADER, list)
    }

    /// The seconds of a `Retry-After: N` header line (the HTTP-date form is not used by Kubernetes).
    static func retryAfter(headerLine line: String) -> Int? {
        let lower = line.lowercased()
        guard lower.hasPrefix("retry-after:") else { return nil }
        let value = String(lower.dropFirst("retry-after:".count)).trimmingCharacters(in: " \t\r\n")
        guard !value.isEmpty, value.allSatisfy(\.isNumber) else { return nil }
        return Int(value)
    }

    /// Sends `method path` with `body`; returns the status code, the response body and the
    /// `Retry-After` seconds when the server sent one.
    func perform(method: String, url: String, headers: [String], body: [UInt8]?)
        throws(TransportFailure) -> (Int, [UInt8], Int?)
    {
        let h = handle
        curl_easy_reset(h)
        let sink = BodySink()
        var list: UnsafeMutablePointer<curl_slist>? = nil
        defer { if let list { curl_slist_free_all(list) } }
        CurlTransport.configure(h, config: config, method: method, url: url, headers: headers, list: &list)
        _ = curl_easy_setopt_long(h, CURLOPT_TIMEOUT, 120)
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
        // Header lines, only to read Retry-After (same callback shape as the body writer).
        let header: clibcurl_write_cb = { ptr, size, count, ud in
            guard let ud, let ptr else { return 0 }
            let sink = Unmanaged<BodySink>.fromOpaque(ud).takeUnretainedValue()
            let n = size * count
            let line = ptr.withMemoryRebound(to: UInt8.self, capacity: n) {
                String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
            }
            if let seconds = CurlTransport.retryAfter(headerLine: line) { sink.retryAfter = seconds }
            return n
        }
        _ = curl_easy_setopt_write(h, CURLOPT_WRITEFUNCTION, write)
        _ = curl_easy_setopt_ptr(h, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
        _ = curl_easy_setopt_write(h, CURLOPT_HEADERFUNCTION, header)
        _ = curl_easy_setopt_ptr(h, CURLOPT_HEADERDATA, Unmanaged.passUnretained(sink).toOpaque())
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
            // Refused or unresolvable connections never carried the request.
            let notSent = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST
            throw TransportFailure(
                error: KubeError(message: "Kubernetes cluster unreachable: \(method) \"\(url)\": \(text)"),
                notSent: notSent)
        }
        var code = 0
        _ = curl_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code)
        return (code, sink.bytes, sink.retryAfter)
    }
}

private final class BodySink {
    var bytes: [UInt8] = []
    var retryAfter: Int?
}
