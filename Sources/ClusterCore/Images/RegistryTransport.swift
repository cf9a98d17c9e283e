import CLibCurl
import CurlSupport
#if canImport(Glibc)
    import Glibc
#endif

/// One answer from a registry: status, lower-cased headers (of the last response after redirects)
/// and, unless the body went to a file, the body.
struct RegistryReply {
    var status = 0
    var headers: [String: String] = [:]
    var body: [UInt8] = []
}

/// Blocking HTTP for the distribution API through libcurl (ClusterCore keeps its own small client:
/// it does not depend on ChartEngine). Call only from ``RuntimeThreads``.
enum RegistryTransport {
    /// Manifests, configs and token answers are small; anything larger in memory is refused.
    static let maxInMemory = 8 << 20

    private static let curlReady: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Where a body goes: memory (bounded), or a file descriptor with a running digest and a size limit.
    final class Sink: CurlReceiver {
        var reply = RegistryReply()
        let fd: Int32?
        let hash: SHA256Stream?
        let limit: Int64
        var received: Int64 = 0
        var failure: String?
        let progress: ((Int64) -> Void)?

        init(fd: Int32?, hash: SHA256Stream?, limit: Int64, progress: ((Int64) -> Void)?) {
            self.fd = fd
            self.hash = hash
            self.limit = limit
            self.progress = progress
        }

        override func receiveBody(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
            let bytes = UnsafeRawBufferPointer(chunk)
            received += Int64(bytes.count)
            if received > limit {
                failure = "response is larger than the \(limit) bytes expected"
                return false
            }
            // Error bodies of a redirect chain's intermediate responses are dropped at each status line.
            if let fd, (200..<300).contains(reply.status) {
                hash?.update(bytes)
                var off = 0
                while off < bytes.count {
                    let n = write(fd, bytes.baseAddress.map { $0 + off }, bytes.count - off)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else {
                        failure = "cannot write the download: \(String(cString: strerror(errno)))"
                        return false
                    }
                    off += n
                }
                progress?(received)
            } else {
                reply.body.append(contentsOf: bytes)
            }
            return true
        }

        override func receiveHeader(_ raw: String) {
            let line = raw.trimmingSpaces
            if line.hasPrefix("HTTP/") {
                // A new response (after a redirect or 100): its own status and headers.
                reply.headers = [:]
                reply.body = []
                received = 0
                reply.status = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            } else if let colon = line.firstIndex(of: ":") {
                reply.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingSpaces
            }
        }
    }

    /// Performs one request. `sink` decides where the body goes; throws on transport failure only.
    static func send(_ method: String, _ url: String, headers: [String], body: [UInt8]? = nil,
                     sink: Sink = Sink(fd: nil, hash: nil, limit: Int64(maxInMemory), progress: nil)) throws(RuntimeError) -> RegistryReply
    {
        _ = curlReady
        guard let h = curl_easy_init() else { throw RuntimeError("\(method) \(url): cannot initialise libcurl") }
        defer { curl_easy_cleanup(h) }
        _ = curl_easy_setopt_str(h, CURLOPT_URL, url)
        _ = curl_easy_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = curl_easy_setopt_str(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        // Blobs are often redirected to storage; libcurl drops our Authorization header on another host.
        _ = curl_easy_setopt_long(h, CURLOPT_FOLLOWLOCATION, method == "GET" || method == "HEAD" ? 1 : 0)
        _ = curl_easy_setopt_long(h, CURLOPT_MAXREDIRS, 8)
        _ = curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = curl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT, 20)
        // A stalled transfer (under 1 byte/s for 60 s) fails rather than hanging a kubelet thread.
        _ = curl_easy_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = curl_easy_setopt_long(h, CURLOPT_LOW_SPEED_TIME, 60)
        _ = curl_easy_setopt_str(h, CURLOPT_USERAGENT, "helmctl-image/1.0")
        switch method {
        case "GET": break
        case "HEAD": _ = curl_easy_setopt_long(h, CURLOPT_NOBODY, 1)
        default: _ = curl_easy_setopt_str(h, CURLOPT_CUSTOMREQUEST, method)
        }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in headers + ["Expect:"] { list = curl_slist_append(list, line) }
        defer { if let list { curl_slist_free_all(list) } }
        _ = curl_easy_setopt_ptr(h, CURLOPT_HTTPHEADER, list)
        if let body {
            _ = curl_easy_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { _ = curl_easy_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)) }
        }
        sink.attach(to: h)
        var errbuf = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let rc = errbuf.withUnsafeMutableBufferPointer { buf -> CURLcode in
            _ = curl_easy_setopt_ptr(h, CURLOPT_ERRORBUFFER, buf.baseAddress)
            let rc = withExtendedLifetime(sink) { curl_easy_perform(h) }
            _ = curl_easy_setopt_ptr(h, CURLOPT_ERRORBUFFER, nil)
            return rc
        }
        if let failure = sink.failure { throw RuntimeError("\(method) \(url): \(failure)") }
        if rc != CURLE_OK {
            var text = String(decoding: errbuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.isEmpty { text = String(cString: curl_easy_strerror(rc)) }
            throw RuntimeError("\(method) \(url): \(text)")
        }
        var code = 0
        _ = curl_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code)
        sink.reply.status = code
        return sink.reply
    }
}
