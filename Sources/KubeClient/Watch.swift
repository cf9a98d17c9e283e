import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
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

/// Several watches multiplexed on the client's event loop, as client-go's informers
/// do: WatchList first (`sendInitialEvents=true`, the initial state ends at a bookmark annotated
/// `k8s.io/initial-events-end`); a server that refuses it gets LIST + WATCH from the list's
/// resourceVersion. Streams the server ends are resumed from the last resourceVersion; `410 Gone`
/// starts over with `RESET`.
///
/// Blocking and not thread-safe, like ``KubeClient``.
public final class KubeWatchSet {
    private let client: KubeClient
    private let inbox = WatchInbox()
    private let loop = ClientEventLoop.loop
    private var streams: [WatchStream] = []
    /// False once a server refused WatchList: later streams go straight to LIST + WATCH.
    private var watchListWorks = true
    /// Identifies each opened stream's parts in the inbox (a stopped stream's late parts are dropped).
    private var nextToken = 0

    public init(client: KubeClient) throws(KubeError) {
        self.client = client
    }

    deinit {
        for s in streams { stop(s) }
    }

    /// Starts watching `r` in `namespace` (every namespace when nil for a namespaced resource), the
    /// objects that match the selectors when given; returns the stream index events carry.
    @discardableResult
    public func add(_ r: APIResource, namespace: String?, labelSelector: String = "", fieldSelector: String = "") throws(KubeError) -> Int {
        let s = WatchStream(index: streams.count, resource: r, namespace: namespace, labelSelector: labelSelector,
                            fieldSelector: fieldSelector)
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
        let wait = out.isEmpty && streams.contains(where: { $0.token != nil }) ? max(0, timeoutMilliseconds) : 0
        for part in inbox.take(waitingMilliseconds: wait) {
            guard let s = streams.first(where: { $0.token == part.token }) else { continue }
            switch part.kind {
            case .head(let code): s.code = code
            case .bytes(let b): s.buffer += b
            case .end: s.ended = .success(())
            case .failed(let message): s.ended = .failure(KubeError(message: message))
            }
        }
        for s in streams {
            drainLines(s, into: &out)
            // A line that never ends (a broken or hostile server) must not fill memory.
            if s.buffer.count > StreamSink.maxLineBytes {
                stop(s)
                s.buffer = []
                s.ended = .failure(KubeError(message: "watch event larger than \(StreamSink.maxLineBytes) bytes"))
            }
        }
        for s in streams {
            guard let result = s.ended else { continue }
            s.ended = nil
            try finished(s, result: result, into: &out)
        }
        return out
    }

    // MARK: Streams

    private func query(_ s: WatchStream, watchList: Bool) -> [(String, String)] {
        var q: [(String, String)] = [("allowWatchBookmarks", "true")] + s.selectors
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
        let settings = try client.transportSettings()
        guard let request = settings.request(method: "GET", url: url, headers: ["Accept: application/json"], body: nil) else {
            throw KubeError(message: "watch \(url): URL using bad/illegal format or missing URL")
        }
        nextToken += 1
        let token = nextToken
        s.token = token
        s.code = 0
        s.ended = nil
        let inbox = self.inbox
        let loop = self.loop
        s.connection = loop.flatSubmit {
            HTTPConnection.connect(request.endpoint, settings: settings, on: loop).map { c -> HTTPConnection? in
                c.handler.send(request, to: StreamSink(token: token, inbox: inbox), timeoutSeconds: 0)
                return c
            }.flatMapError { error in
                let failure = error as? TransportFailure
                    ?? HTTPConnection.connectFailure(error, endpoint: request.endpoint, elapsed: 0)
                inbox.post(token, .failed(failure.error.message))
                return loop.makeSucceededFuture(nil)
            }
        }
    }

    /// LIST, queueing `RESET`, ADDED per item and `SYNCED`; the watch resumes from the list's version.
    private func relist(_ s: WatchStream, into out: inout [WatchEvent]) throws(KubeError) {
        let q = s.selectors
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
        s.token = nil
        if let pending = s.connection {
            s.connection = nil
            pending.whenSuccess { c in c?.channel.close(promise: nil) }
        }
    }

    /// Turns complete lines of a 2xx stream into events.
    private func drainLines(_ s: WatchStream, into out: inout [WatchEvent]) {
        guard (200..<300).contains(s.code) else { return }
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
    private func finished(_ s: WatchStream, result: Result<Void, KubeError>, into out: inout [WatchEvent]) throws(KubeError) {
        let code = s.code
        let ok: Bool
        if case .success = result { ok = true } else { ok = false }
        if ok && (200..<300).contains(code) {
            s.buffer.append(0x0A)
            drainLines(s, into: &out)
        }
        let body = s.buffer
        stop(s)
        if case .failure(let e) = result {
            s.failures += 1
            if s.failures > 5 {
                throw KubeError(message: "watch \(collectionPath(s)): \(e.message)")
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

/// One watch: what it targets, its connection and the bytes not yet split into lines.
private final class WatchStream {
    let index: Int
    let resource: APIResource
    let namespace: String?
    let labelSelector: String
    let fieldSelector: String
    /// The inbox token of the open stream (nil when stopped).
    var token: Int?
    var connection: EventLoopFuture<HTTPConnection?>?
    var code = 0
    /// Set when the open stream ended (cleanly or not), until handled.
    var ended: Result<Void, KubeError>?
    var buffer: [UInt8] = []
    var resourceVersion = ""
    var synced = false
    var watchList = false
    var expired = false
    var failures = 0
    var queued: [WatchEvent] = []

    init(index: Int, resource: APIResource, namespace: String?, labelSelector: String, fieldSelector: String) {
        self.index = index
        self.resource = resource
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
    }

    /// The query parameters that narrow the stream's objects.
    var selectors: [(String, String)] {
        var q: [(String, String)] = []
        if !labelSelector.isEmpty { q.append(("labelSelector", labelSelector)) }
        if !fieldSelector.isEmpty { q.append(("fieldSelector", fieldSelector)) }
        return q
    }
}

/// The parts of every watch response, posted from the event loop and taken by ``KubeWatchSet/poll(timeoutMilliseconds:)``.
final class WatchInbox: @unchecked Sendable {
    enum Kind {
        case head(Int)
        case bytes([UInt8])
        case end
        case failed(String)
    }

    /// Value 1 while parts wait to be taken.
    private let lock = ConditionLock(value: 0)
    private var parts: [(token: Int, kind: Kind)] = []

    func post(_ token: Int, _ kind: Kind) {
        lock.lock()
        parts.append((token, kind))
        lock.unlock(withValue: 1)
    }

    /// The parts posted so far, waiting up to `waitingMilliseconds` for the first.
    func take(waitingMilliseconds: Int) -> [(token: Int, kind: Kind)] {
        guard lock.lock(whenValue: 1, timeoutSeconds: Double(waitingMilliseconds) / 1000) else { return [] }
        let out = parts
        parts = []
        lock.unlock(withValue: 0)
        return out
    }
}

/// Hands one watch response's parts to the inbox (on the event loop).
final class StreamSink: ResponseSink {
    let token: Int
    let inbox: WatchInbox
    /// The longest watch event line accepted.
    static let maxLineBytes = 64 << 20

    init(token: Int, inbox: WatchInbox) {
        self.token = token
        self.inbox = inbox
    }

    func head(_ head: HTTPResponseHead) { inbox.post(token, .head(Int(head.status.code))) }

    func body(_ bytes: ByteBuffer) -> String? {
        inbox.post(token, .bytes(Array(bytes.readableBytesView)))
        return nil
    }

    func end() { inbox.post(token, .end) }

    func failed(_ message: String, responseStarted: Bool) { inbox.post(token, .failed(message)) }
}
