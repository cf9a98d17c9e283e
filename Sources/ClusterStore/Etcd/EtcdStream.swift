import CLibCurl
import CurlSupport

/// A streaming POST (etcd's `/v3/watch`): the gateway sends one JSON object per line, for as long as
/// the watch lives. Runs blocking on the calling thread — a dedicated watch thread.
final class EtcdStream: CurlReceiver {
    private var buffer: [UInt8] = []
    private let onLine: ([UInt8]) -> Bool
    private let shouldStop: () -> Bool
    private(set) var stoppedByUs = false
    /// One line may hold many events; beyond this the stream is refused rather than filling memory.
    static let maxLine = 256 * 1024 * 1024

    private init(onLine: @escaping ([UInt8]) -> Bool, shouldStop: @escaping () -> Bool) {
        self.onLine = onLine
        self.shouldStop = shouldStop
    }

    override func receiveBody(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        buffer.append(contentsOf: chunk)
        var start = 0
        while let nl = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = Array(buffer[start..<nl])
            start = nl + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            if !onLine(line) {
                stoppedByUs = true
                return false
            }
        }
        buffer.removeFirst(start)
        if buffer.count > Self.maxLine {
            stoppedByUs = true
            return false
        }
        return true
    }

    /// POSTs `body` to `path` on the first endpoint that accepts a connection and feeds each line to
    /// `onLine` until it returns false, `shouldStop()` turns true (checked at least once a second), the
    /// server ends the stream, or `timeoutMilliseconds` (0 = none) pass. Returns libcurl's result, its
    /// message, and whether the stream was stopped from this side.
    static func run(endpoints: [String], path: String, body: String, timeoutMilliseconds: Int = 0,
                    onLine: @escaping ([UInt8]) -> Bool, shouldStop: @escaping () -> Bool)
        -> (rc: CURLcode, message: String, stoppedByUs: Bool, endpoint: String?)
    {
        _ = EtcdHTTP.globalInit
        guard let h = curl_easy_init() else { return (CURLE_FAILED_INIT, "cannot initialise libcurl", false, nil) }
        defer { curl_easy_cleanup(h) }
        var last: (CURLcode, String) = (CURLE_COULDNT_CONNECT, "no endpoints")
        for endpoint in endpoints {
            let stream = EtcdStream(onLine: onLine, shouldStop: shouldStop)
            curl_easy_reset(h)
            // An empty Expect stops libcurl 7.x from waiting for "100 Continue" on bodies over 1 KiB.
            let headers = curl_slist_append(curl_slist_append(nil, "Content-Type: application/json"), "Expect:")
            defer { curl_slist_free_all(headers) }
            _ = curl_easy_setopt_str(h, CURLOPT_URL, endpoint + path)
            _ = curl_easy_setopt_long(h, CURLOPT_POST, 1)
            _ = curl_easy_setopt_str(h, CURLOPT_COPYPOSTFIELDS, body)
            _ = curl_easy_setopt_ptr(h, CURLOPT_HTTPHEADER, headers)
            _ = curl_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
            _ = curl_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, 5000)
            _ = curl_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
            _ = curl_easy_setopt_long(h, CURLOPT_TCP_NODELAY, 1)
            _ = curl_easy_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
            let progress: clibcurl_xferinfo_cb = { ud, _, _, _, _ in
                guard let ud else { return 0 }
                let s = Unmanaged<EtcdStream>.fromOpaque(ud).takeUnretainedValue()
                if s.shouldStop() {
                    s.stoppedByUs = true
                    return 1
                }
                return 0
            }
            let opaque = Unmanaged.passUnretained(stream).toOpaque()
            stream.attach(to: h, headers: false)
            _ = curl_easy_setopt_xferinfo(h, CURLOPT_XFERINFOFUNCTION, progress)
            _ = curl_easy_setopt_ptr(h, CURLOPT_XFERINFODATA, opaque)
            _ = curl_easy_setopt_long(h, CURLOPT_NOPROGRESS, 0)
            let rc = withExtendedLifetime(stream) { curl_easy_perform(h) }
            if rc == CURLE_OK || !EtcdHTTP.isConnectFailure(rc) {
                return (rc, String(cString: curl_easy_strerror(rc)), stream.stoppedByUs, endpoint)
            }
            last = (rc, "\(endpoint): \(String(cString: curl_easy_strerror(rc)))")
        }
        return (last.0, last.1, false, nil)
    }
}
