import CLibCurl
import CurlSupport
public import StructuredData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One event of a ``KubeWatchSet`` stream.
public struct WatchEvent: Sendable, Equatable {
    /// `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK`, `ERROR` as the server sends them, plus two of
    /// helmctl's: `SYNCED` (the stream's initial state is complete) and `RESET` (the stream starts
    /// over: forget what it reported).
    public var type: String
    public var object: Value
    /// The stream's index, as ``KubeWatchSet/add(_:namespace:labelSelector:)`` returned it.
    public var stream: Int

    public init(type: String, object: Value, stream: Int) {
        self.type = type
        self.object = object
        self.stream = stream
    }
}

/// Several watches multiplexed on one thread (libcurl's multi interface), as client-go's informers
/// do: WatchList first (`sendInitialEvents=true`, the initial state ends at a bookmark annotated
/// `k8s.io/initial-events-end`); a server that refuses it gets LIST + WATCH from the list's
/// resourceVersion. Streams the server ends are resumed from the last resourceVersion; `410 Gone`
/// starts over with `RESET`.
///
/// Blocking and not thread-safe, like ``KubeClient``.
public final class KubeWatchSet {
    private let client: KubeClient
    private let multi: UnsafeMutableRawPointer
    private var streams: [WatchStream] = []
    /// False once a server refused WatchList: later streams go straight to LIST + WATCH.
    private var watchListWorks = true

    public init(client: KubeClient) throws(KubeError) {
        _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard let m = curl_multi_init() else { throw KubeError(message: "cannot initialise libcurl (multi)") }
        multi = m
        self.client = client
    }

    deinit {
        for s in streams { stop(s) }
        curl_multi_cleanup(multi)
    }

    /// Starts watching `r` in `namespace` (every namespace when nil for a namespaced resource);
    /// returns the stream index events carry.
    @discardableResult
    public func add(_ r: APIResource, namespace: String?, labelSelector: String = "") throws(KubeError) -> Int {
        let s = WatchStream(index: streams.count, resource: r, namespace: namespace, labelSelector: labelSelector)
        streams.append(s)
        var pending: [WatchEvent] = []
        try start(s, into: &pending)
        s.queued = pending
        return s.index
    }

    /// True once stream `i` delivered its initial state.
    public func isSynced(_ i: Int) -> Bool { i < streams.count && streams[i].synced }

    /// True when every stream delivered its initial state.
    public var allSynced: Bool { streams.allSatisfy(\.synced) }

    /// Waits up to `timeoutMilliseconds` for traffic and returns the events that arrived.
    public func poll(timeoutMilliseconds: Int) throws(KubeError) -> [WatchEvent] {
        var out: [WatchEvent] = []
        for s in streams where !s.queued.isEmpty {
            out += s.queued
            s.queued = []
        }
        var running: Int32 = 0
        _ = curl_multi_perform(multi, &running)
        if out.isEmpty && streams.contains(where: { $0.handle != nil }) {
            _ = curl_multi_poll(multi, nil, 0, Int32(max(0, timeoutMilliseconds)), nil)
            _ = curl_multi_perform(multi, &running)
        }
        for s in streams { drainLines(s, into: &out) }
        var left: Int32 = 0
        while let msg = curl_multi_info_read(multi, &left) {
            guard msg.pointee.msg == CURLMSG_DONE, let h = msg.pointee.easy_handle,
                  let s = streams.first(where: { $0.handle == h })
            else { continue }
            let result = msg.pointee.data.result
            try finished(s, result: result, into: &out)
        }
        return out
    }

    // MARK: Streams

    private func query(_ s: WatchStream, watchList: Bool) -> [(String, String)] {
        var q: [(String, String)] = [("allowWatchBookmarks", "true")]
        if !s.labelSelector.isEmpty { q.append(("labelSelector", s.labelSelector)) }
        if watchList {
            q += [("resourceVersionMatch", "NotOlderThan"), ("sendInitialEvents", "true")]
        } else {
            q.append(("resourceVersion", s.resourceVersion))
        }
        // client-go picks 5–10 minutes at random so streams do not all end together.
        q += [("timeoutSeconds", String(300 + Int.random(in: 0..<300))), ("watch", "true")]
        return q
    }

    private func collectionPath(_ s: WatchStream) -> String {
        if s.namespace == nil && s.resource.namespaced {
            let r = s.resource
            return (r.group.isEmpty ? "/api/\(r.version)" : "/apis/\(r.group)/\(r.version)") + "/" + r.name
        }
        return client.path(s.resource, namespace: s.namespace)
    }

    /// Opens the stream: WatchList when the server takes it, else LIST (events queued) + WATCH.
    private func start(_ s: WatchStream, into out: inout [WatchEvent]) throws(KubeError) {
        if s.resourceVersion.isEmpty && !watchListWorks { try relist(s, into: &out) }
        let watchList = s.resourceVersion.isEmpty
        s.watchList = watchList
        s.buffer = []
        let q = query(s, watchList: watchList)
        try client.ensureCredentials()
        let url = client.config.server + collectionPath(s) + "?"
            + q.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
        guard let h = curl_easy_init() else { throw KubeError(message: "cannot initialise libcurl") }
        CurlTransport.configure(h, config: client.config, method: "GET", url: url, headers: ["Accept: application/json"],
                                list: &s.headerList)
        s.attach(to: h, headers: false)
        s.handle = h
        _ = curl_multi_add_handle(multi, h)
    }

    /// LIST, queueing `RESET`, ADDED per item and `SYNCED`; the watch resumes from the list's version.
    private func relist(_ s: WatchStream, into out: inout [WatchEvent]) throws(KubeError) {
        var q: [(String, String)] = []
        if !s.labelSelector.isEmpty { q.append(("labelSelector", s.labelSelector)) }
        let list = try client.requestJSON("GET", collectionPath(s), query: q)
        out.append(WatchEvent(type: "RESET", object: .null, stream: s.index))
        for item in list["items"]?.listValue ?? [] {
            out.append(WatchEvent(type: "ADDED", object: item, stream: s.index))
        }
        s.resourceVersion = list["metadata"]?["resourceVersion"]?.stringValue ?? "0"
        s.synced = true
        out.append(WatchEvent(type: "SYNCED", object: .null, stream: s.index))
    }

    private func stop(_ s: WatchStream) {
        if let h = s.handle {
            _ = curl_multi_remove_handle(multi, h)
            curl_easy_cleanup(h)
            s.handle = nil
        }
        if let l = s.headerList {
            curl_slist_free_all(l)
            s.headerList = nil
        }
    }

    private func responseCode(_ s: WatchStream) -> Int {
        guard let h = s.handle else { return 0 }
        var code = 0
        _ = curl_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// Turns complete lines of a 2xx stream into events.
    private func drainLines(_ s: WatchStream, into out: inout [WatchEvent]) {
        guard (200..<300).contains(responseCode(s)) else { return }
        while let nl = s.buffer.firstIndex(of: 0x0A) {
            let line = Array(s.buffer[..<nl])
            s.buffer.removeSubrange(...nl)
            guard let v = try? JSON.decodeKeepingIntegers(line), let type = v["type"]?.stringValue else { continue }
            let obj = v["object"] ?? .null
            if let rv = obj["metadata"]?["resourceVersion"]?.stringValue, type != "ERROR" { s.resourceVersion = rv }
            switch type {
            case "BOOKMARK":
                if obj["metadata"]?["annotations"]?["k8s.io/initial-events-end"]?.stringValue == "true" && !s.synced {
                    s.synced = true
                    out.append(WatchEvent(type: "SYNCED", object: .null, stream: s.index))
                }
            case "ERROR":
                // 410 Gone: our version was compacted; start over.
                if ReadinessRules.int(obj["code"]) == 410 { s.resourceVersion = ""; s.expired = true }
                out.append(WatchEvent(type: type, object: obj, stream: s.index))
            default:
                out.append(WatchEvent(type: type, object: obj, stream: s.index))
            }
        }
    }

    /// A transfer ended: resume, fall back from WatchList, or give up after repeated failures.
    private func finished(_ s: WatchStream, result: CURLcode, into out: inout [WatchEvent]) throws(KubeError) {
        let code = responseCode(s)
        if result == CURLE_OK && (200..<300).contains(code) {
            s.buffer.append(0x0A)
            drainLines(s, into: &out)
        }
        let body = s.buffer
        stop(s)
        if result != CURLE_OK {
            s.failures += 1
            if s.failures > 5 {
                throw KubeError(message: "watch \(collectionPath(s)): \(String(cString: curl_easy_strerror(result)))")
            }
        } else if !(200..<300).contains(code) {
            if s.watchList && (code == 422 || code == 400) {
                // The server refuses WatchList (422 Invalid, as servers without it answer): LIST + WATCH.
                watchListWorks = false
            } else if RetryPolicy.retriesStatus(code, method: "GET") {
                s.failures += 1
                if s.failures > 5 { throw client.statusError(code: code, body: body) }
            } else {
                throw client.statusError(code: code, body: body)
            }
        } else {
            s.failures = 0
        }
        if s.expired {
            s.expired = false
            s.synced = false
            out.append(WatchEvent(type: "RESET", object: .null, stream: s.index))
        }
        try start(s, into: &out)
    }
}

/// One watch: what it targets, its curl handle and the bytes not yet split into lines.
private final class WatchStream: CurlReceiver {
    let index: Int
    let resource: APIResource
    let namespace: String?
    let labelSelector: String
    var handle: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var buffer: [UInt8] = []
    var resourceVersion = ""
    var synced = false
    var watchList = false
    var expired = false
    var failures = 0
    var queued: [WatchEvent] = []

    init(index: Int, resource: APIResource, namespace: String?, labelSelector: String) {
        self.index = index
        self.resource = resource
        self.namespace = namespace
        self.labelSelector = labelSelector
    }

    override func receiveBody(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        buffer.append(contentsOf: chunk)
        return true
    }
}
