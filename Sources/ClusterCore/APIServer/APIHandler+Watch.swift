import ClusterAPI
import ClusterStore
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// Watch: newline-delimited JSON events over a chunked response, resumable from any revision the
/// store still has (410 `Expired` event when compacted), with bookmarks, `timeoutSeconds`, selectors
/// (an object that stops matching is reported DELETED, one that starts matching ADDED, as Kubernetes
/// does), and WatchList (`sendInitialEvents=true`: ADDED for the current state, then a BOOKMARK
/// annotated `k8s.io/initial-events-end`).
extension APIHandler {
    func watch(_ rr: ResourceRequest) async throws -> APIResponse {
        let r = rr.request
        try checkParams(r, allowed: Self.listParams)
        let selectors = try Selectors(rr)
        let bookmarks = r.flag("allowWatchBookmarks")
        let initialEvents = r.param("sendInitialEvents").map { $0 == "true" }
        let match = r.param("resourceVersionMatch")
        if initialEvents != nil {
            guard match == "NotOlderThan" else {
                throw StatusError.invalid(kind: "ListOptions", group: "meta.k8s.io", name: "", causes: [(
                    "FieldValueForbidden",
                    "sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan",
                    "sendInitialEvents")])
            }
            guard bookmarks || initialEvents == false else {
                throw StatusError.invalid(kind: "ListOptions", group: "meta.k8s.io", name: "", causes: [(
                    "FieldValueForbidden", "sendInitialEvents requires setting allowWatchBookmarks=true",
                    "allowWatchBookmarks")])
            }
        } else if let match, !match.isEmpty {
            throw StatusError.badRequest("resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")
        }
        let rvParam = r.param("resourceVersion") ?? ""
        var timeout: Int64 = 1800
        if let t = r.param("timeoutSeconds") {
            guard let n = Int64(t), n >= 0 else { throw StatusError.badRequest("timeoutSeconds must be a non-negative integer") }
            if n > 0 { timeout = n }
        }
        // Decide the starting point: synthetic ADDED events for the current state when the client has
        // none (rv unset/0) or asked for them (WatchList); otherwise resume after its revision.
        var initial: [Value] = []
        var after: Int64
        let wantInitial = initialEvents ?? (rvParam.isEmpty || rvParam == "0")
        if wantInitial {
            var floor: Int64 = 0
            if !rvParam.isEmpty && rvParam != "0" {
                guard let n = Int64(rvParam) else { throw StatusError.badRequest("invalid resourceVersion \"\(rvParam)\"") }
                floor = n
            }
            let page = try await collect(rr, selectors: selectors, revision: 0, after: nil, limit: 0)
            if page.revision < floor {
                throw StatusError(code: 504, reason: "Timeout", message: "Too large resource version: \(floor), current: \(page.revision)")
            }
            initial = page.items
            after = page.revision
        } else {
            guard let n = Int64(rvParam) else { throw StatusError.badRequest("invalid resourceVersion \"\(rvParam)\"") }
            after = n
        }
        var source: StoreWatch?
        var startError: Value?
        let opened: Result<StoreWatch, StoreError>
        do {
            opened = .success(try await store.watch(prefix: rr.prefix, afterRevision: after))
        } catch {
            opened = .failure(error)
        }
        switch opened {
        case .success(let w): source = w
        case .failure(.compacted(let requested, _)):
            startError = StatusError.gone("too old resource version: \(requested) (\(after))").status
        case .failure(let e): throw e
        }
        let watchSource = source
        let errorEvent = startError
        let table = wantsTable(r) ? try includeObject(r) : nil
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingOldest(config.watchBuffer))
        let info = rr.info
        let now = clock
        let cutOff = r.closeConnection
        // The newest revision already handed to the client; bookmarks never claim more than that.
        let delivered = NIOLockedValueBox<Int64>(after)
        let producer = Task {
            var encoder = WatchEncoder(info: info, table: table, clock: now)
            func send(_ type: String, _ object: Value) -> Bool {
                if case .dropped = continuation.yield(encoder.encode(type, object)) {
                    // Too slow: cut it off (it re-lists) instead of buffering without bound.
                    cutOff?()
                    return false
                }
                return true
            }
            defer { continuation.finish() }
            if let errorEvent {
                _ = send("ERROR", errorEvent)
                return
            }
            for object in initial where !send("ADDED", object) { return }
            if initialEvents == true {
                let mark: Value = .map(["kind": .string(info.kind), "apiVersion": .string(info.apiVersion),
                                        "metadata": .map(["resourceVersion": .string(String(after)),
                                                          "annotations": .map(["k8s.io/initial-events-end": "true"])])])
                if !send("BOOKMARK", mark) { return }
            }
            guard let watchSource else { return }
            do {
                for try await event in watchSource {
                    if let (type, object) = Self.translate(event, selectors: selectors) {
                        if !send(type, object) { return }
                    }
                    delivered.withLockedValue { $0 = event.revision }
                }
            } catch {
                // Cut off (too slow) or the store closed: end the stream; the client re-lists.
            }
        }
        // `timeoutSeconds` ends the stream; bookmarks tell an idle watcher how far the store has moved.
        let timer = Task {
            try? await Task.sleep(for: .seconds(timeout))
            continuation.finish()
        }
        let bookmarker: Task<Void, Never>? = !bookmarks ? nil : Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                if Task.isCancelled { return }
                let rev = delivered.withLockedValue { $0 }
                let mark: Value = .map(["kind": .string(info.kind), "apiVersion": .string(info.apiVersion),
                                        "metadata": .map(["resourceVersion": .string(String(rev))])])
                continuation.yield(WatchEncoder.plain("BOOKMARK", mark))
            }
        }
        continuation.onTermination = { _ in
            producer.cancel()
            timer.cancel()
            bookmarker?.cancel()
        }
        return .stream(contentType: "application/json", chunks: stream)
    }
    /// A store event as the watcher sees it through its selectors, or nil when it does not concern it.
    static func translate(_ event: StoreEvent, selectors: Selectors) -> (String, Value)? {
        guard let object = ObjectCodec.decode(event.kv) else { return nil }
        if selectors.isEmpty {
            switch event.kind {
            case .added: return ("ADDED", object)
            case .modified: return ("MODIFIED", object)
            case .deleted: return ("DELETED", object)
            }
        }
        let now = selectors.matches(object)
        let before = event.previous.flatMap { ObjectCodec.decode($0) }.map(selectors.matches) ?? false
        switch event.kind {
        case .added: return now ? ("ADDED", object) : nil
        case .deleted: return now ? ("DELETED", object) : nil
        case .modified:
            switch (before, now) {
            case (true, true): return ("MODIFIED", object)
            case (false, true): return ("ADDED", object)
            case (true, false): return ("DELETED", object)
            case (false, false): return nil
            }
        }
    }
}

/// Encodes watch events; for Table watches each object is a one-row Table, the first carrying the
/// column definitions.
struct WatchEncoder {
    let info: ResourceInfo
    let table: IncludeObject?
    let clock: any APIClock
    private var sentColumns = false

    init(info: ResourceInfo, table: IncludeObject?, clock: any APIClock) {
        self.info = info
        self.table = table
        self.clock = clock
    }

    mutating func encode(_ type: String, _ object: Value) -> [UInt8] {
        guard let include = table, type != "ERROR", type != "BOOKMARK" else { return Self.plain(type, object) }
        var t = TableConverter.table(for: info, objects: [object], includeObject: include, now: clock.now(), listMeta: nil)
        if sentColumns { t.setField("columnDefinitions", .list([])) }
        sentColumns = true
        return Self.plain(type, t)
    }

    static func plain(_ type: String, _ object: Value) -> [UInt8] {
        Array(JSON.encode(.map(["type": .string(type), "object": object]), escapeHTML: false).utf8) + [0x0A]
    }
}
