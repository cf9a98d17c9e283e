import ClusterStore
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// An in-process API server (no sockets): requests go straight to the handler over a MemoryStore.
struct TestAPI {
    let handler: APIHandler
    let store: MemoryStore

    static func make(clock: any APIClock = FixedClock()) async throws -> TestAPI {
        let store = MemoryStore()
        let config = APIServerConfiguration(tls: nil, tokens: ["good-token": "tester"], store: store)
        return TestAPI(handler: try await APIHandler.start(config: config, clock: clock), store: store)
    }

    struct Reply {
        var code: Int
        var body: Value
        var headers: [(String, String)]
        var text: String
        var reason: String? { body["reason"]?.stringValue }
        var message: String { body["message"]?.stringValue ?? "" }
    }

    @discardableResult
    func call(_ method: HTTPMethod, _ uri: String, json: String? = nil, bytes: [UInt8]? = nil, contentType: String = "application/json",
              accept: String = "application/json", identity: Identity = .user("tester")) async -> Reply
    {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        head.headers.add(name: "Content-Type", value: contentType)
        head.headers.add(name: "Accept", value: accept)
        head.headers.add(name: "User-Agent", value: "tests/1.0")
        let body = bytes ?? Array((json ?? "").utf8)
        switch await handler.handle(head: head, body: body, identity: identity) {
        case .full(let status, _, let b, let headers):
            let text = String(decoding: b, as: UTF8.self)
            return Reply(code: Int(status.code), body: (try? JSON.decodeKeepingIntegers(b)) ?? .string(text), headers: headers, text: text)
        case .stream:
            return Reply(code: 200, body: .string("<stream>"), headers: [], text: "<stream>")
        }
    }

    /// Opens a watch and returns its event stream (decoded lines).
    func watch(_ uri: String, accept: String = "application/json") async -> WatchReader? {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri)
        head.headers.add(name: "Accept", value: accept)
        guard case .stream(_, let chunks) = await handler.handle(head: head, body: [], identity: .user("tester")) else { return nil }
        return WatchReader(chunks: chunks)
    }
}

/// Reads watch events one by one.
final class WatchReader {
    private var iterator: AsyncStream<[UInt8]>.Iterator

    init(chunks: AsyncStream<[UInt8]>) { iterator = chunks.makeAsyncIterator() }

    /// The next event as (type, object), nil when the stream ended.
    func next() async -> (String, Value)? {
        guard let chunk = await iterator.next(), let v = try? JSON.decodeKeepingIntegers(chunk) else { return nil }
        return (v["type"]?.stringValue ?? "", v["object"] ?? .null)
    }
}

struct FixedClock: APIClock {
    var seconds: Int64 = 1_795_000_000
    func now() -> Int64 { seconds }
}

extension Value {
    subscript(path path: String) -> Value? {
        var cur: Value? = self
        for part in path.split(separator: ".") {
            if let i = Int(part), case .list(let l)? = cur { cur = i < l.count ? l[i] : nil } else { cur = cur?[String(part)] }
        }
        return cur
    }
}
