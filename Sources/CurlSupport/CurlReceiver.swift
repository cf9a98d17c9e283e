internal import CLibCurl

/// Where a libcurl transfer delivers its body and header lines. One pair of C callbacks serves every
/// libcurl user (chart repositories, OCI registries, the Kubernetes client and its watches, image
/// pulls, etcd); a subclass overrides what it keeps.
open class CurlReceiver {
    public init() {}

    /// Body bytes as they arrive; false aborts the transfer (curl then reports a write error).
    open func receiveBody(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { true }

    /// One header line as received, line break included. Each response of a redirect chain (or a
    /// 100 Continue) starts with its own status line.
    open func receiveHeader(_ line: String) {}

    /// Sends `handle`'s body, and with `headers` its header lines, to this receiver. The caller keeps
    /// the receiver alive until the transfer ends.
    public final func attach(to handle: UnsafeMutableRawPointer, headers: Bool = true) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = curl_easy_setopt_write(handle, CURLOPT_WRITEFUNCTION, CurlReceiver.body)
        _ = curl_easy_setopt_ptr(handle, CURLOPT_WRITEDATA, me)
        if headers {
            _ = curl_easy_setopt_write(handle, CURLOPT_HEADERFUNCTION, CurlReceiver.header)
            _ = curl_easy_setopt_ptr(handle, CURLOPT_HEADERDATA, me)
        }
    }

    private static let body: clibcurl_write_cb = { ptr, size, count, context in
        guard let ptr, let context else { return 0 }
        let receiver = Unmanaged<CurlReceiver>.fromOpaque(context).takeUnretainedValue()
        let n = size * count
        let kept = ptr.withMemoryRebound(to: UInt8.self, capacity: n) {
            receiver.receiveBody(UnsafeBufferPointer(start: $0, count: n))
        }
        return kept ? n : 0
    }

    private static let header: clibcurl_write_cb = { ptr, size, count, context in
        guard let ptr, let context else { return 0 }
        let receiver = Unmanaged<CurlReceiver>.fromOpaque(context).takeUnretainedValue()
        let n = size * count
        receiver.receiveHeader(ptr.withMemoryRebound(to: UInt8.self, capacity: n) {
            String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
        })
        return n
    }
}
