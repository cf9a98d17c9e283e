import StructuredData
@testable import ClusterStore
import Foundation
import Glibc
import Testing

/// Hostile or corrupt etcd gateway replies become clear backend errors, never crashes.
@Suite("etcd decoding")
struct EtcdDecodingTests {
    @Test(arguments: [
        ("", "not JSON"),
        ("{\"kvs\":[{\"key\":\"%%%\"}]}", "key is not base64"),
        ("{\"kvs\":[{\"key\":\"YQ==\",\"mod_revision\":\"twelve\"}]}", "is not an int64"),
        ("{\"kvs\":[{\"key\":\"YQ==\",\"value\":7}]}", "value is not a base64 string"),
        ("{\"kvs\":{\"key\":\"YQ==\"}}", "kvs is not a list"),
        ("{\"kvs\":[42]}", "non-object"),
        ("[1,2]", "not a JSON object"),
        ("{\"kvs\":[{\"key\":\"/w==\"}]}", "not UTF-8"),
    ])
    func corruptRangeRepliesAreBackendErrors(_ body: String, _ expected: String) {
        let error = decodeError(body)
        guard case .backend(let message)? = error else {
            Issue.record("expected a backend error for \(body), got \(String(describing: error))")
            return
        }
        #expect(message.contains(expected), "\(message)")
    }

    @Test func watchMessagesConvertAndCorruptOnesFailTheWatch() async throws {
        let q = WatchQueue(limit: 10)
        let put = #"{"result":{"events":[{"kv":{"key":"L2E=","create_revision":"2","mod_revision":"2","value":"eA=="}}]}}"#
        let del = #"{"result":{"events":[{"type":"DELETE","kv":{"key":"L2E=","mod_revision":"3"},"prev_kv":{"key":"L2E=","create_revision":"2","mod_revision":"2","value":"eA=="}}]}}"#
        #expect(EtcdWatch.handle(Array(#"{"result":{"created":true}}"#.utf8), queue: q, requested: 1))
        #expect(EtcdWatch.handle(Array(put.utf8), queue: q, requested: 1))
        #expect(EtcdWatch.handle(Array(del.utf8), queue: q, requested: 1))
        #expect(!EtcdWatch.handle(Array(#"{"result":{"events":[{"type":"BOGUS","kv":{}}]}}"#.utf8), queue: q, requested: 1))
        var it = q.makeStream().makeAsyncIterator()
        let added = try await it.next()
        #expect(added?.kind == .added && added?.kv.key == "/a" && added?.kv.value == [UInt8]("x"))
        let deleted = try await it.next()
        #expect(deleted?.kind == .deleted && deleted?.kv.modRevision == 3 && deleted?.kv.value == [UInt8]("x"))
        #expect(deleted?.previous?.modRevision == 2)
        do {
            _ = try await it.next()
            Issue.record("the corrupt event should end the watch")
        } catch let e as StoreError {
            guard case .backend(let m) = e else { Issue.record("got \(e)"); return }
            #expect(m.contains("unknown watch event type"))
        }
    }

    @Test func compactedWatchStartIsReported() async throws {
        let q = WatchQueue(limit: 10)
        #expect(!EtcdWatch.handle(Array(#"{"result":{"canceled":true,"compact_revision":"7"}}"#.utf8), queue: q, requested: 3))
        var it = q.makeStream().makeAsyncIterator()
        await #expect(throws: StoreError.compacted(requested: 3, compactRevision: 7)) { _ = try await it.next() }
    }

    @Test(arguments: ["", "f", "fo", "foo", "foob", "fooba", "foobar", "\u{0}\u{FF}é/registry/pods"])
    func base64RoundTrips(_ text: String) {
        let bytes = Array(text.utf8)
        let encoded = Base64Codec.encode(bytes)
        #expect(encoded == Data(bytes).base64EncodedString())
        #expect(Base64Codec.decode(encoded, strict: true) == bytes)
    }

    @Test(arguments: ["Zm9v=", "Zm9", "Zm=v", "Z===", "Zm9v\n", "****"])
    func invalidBase64IsRejected(_ text: String) {
        #expect(Base64Codec.decode(text, strict: true) == nil)
    }

    @Test func prefixRangeEnds() {
        #expect(KeyRange.end(ofPrefix: Array("/registry/pods/".utf8)) == Array("/registry/pods0".utf8))
        #expect(KeyRange.end(ofPrefix: [0x61, 0xFF]) == [0x62])
        #expect(KeyRange.end(ofPrefix: [0xFF, 0xFF]) == nil)
        #expect(KeyRange.end(ofPrefix: []) == nil)
    }

    /// A server that answers every request with a corrupt body: the store reports it, it does not crash.
    @Test func corruptServerReplyIsABackendError() async throws {
        let server = try OneShotHTTPServer(body: #"{"header":{"revision":"x"},"kvs":[{"key":"!!"}]}"#)
        let store = try EtcdStore(endpoints: [server.endpoint])
        let error = await storeError { _ = try await store.get("/a") }
        guard case .backend(let message)? = error else {
            Issue.record("expected a backend error, got \(String(describing: error))")
            await store.close()
            return
        }
        #expect(message.contains("malformed"))
        await store.close()
        server.stop()
    }

    @Test func unreachableEndpointsAreABackendError() async throws {
        let store = try EtcdStore(endpoints: ["http://127.0.0.1:\(try EtcdServer.freePort())"])
        let error = await storeError { _ = try await store.currentRevision() }
        guard case .backend(let message)? = error else {
            Issue.record("expected a backend error, got \(String(describing: error))")
            await store.close()
            return
        }
        #expect(message.contains("cannot reach any endpoint"))
        await store.close()
    }

    /// Decodes `body` as a range reply; the error it produced.
    func decodeError(_ body: String) -> StoreError? {
        do throws(StoreError) {
            let m = try EtcdJSON.object(Array(body.utf8), "reply")
            for kv in try EtcdJSON.objects(m, "kvs") { _ = try EtcdJSON.keyValue(kv) }
        } catch {
            return error
        }
        return nil
    }
}

/// Answers each connection on 127.0.0.1 with one fixed HTTP 200 JSON response.
final class OneShotHTTPServer: @unchecked Sendable {
    let endpoint: String
    private let fd: Int32

    init(body: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard ok else { throw EtcdTestError(description: "cannot listen") }
        endpoint = "http://127.0.0.1:\(UInt16(bigEndian: addr.sin_port))"
        let listener = fd
        let response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        Thread.detachNewThread {
            while true {
                let c = accept(listener, nil, nil)
                if c < 0 { return }
                var buf = [UInt8](repeating: 0, count: 65536)
                var got = [UInt8]()
                // Read the headers and the declared body, then answer.
                while true {
                    let n = read(c, &buf, buf.count)
                    if n <= 0 { break }
                    got += buf[0..<n]
                    let text = String(decoding: got, as: UTF8.self)
                    if let r = text.range(of: "\r\n\r\n") {
                        let head = text[..<r.lowerBound].lowercased()
                        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                        if text.utf8.count - text.utf8.distance(from: text.startIndex, to: r.upperBound) >= length { break }
                    }
                }
                _ = response.withCString { write(c, $0, strlen($0)) }
                close(c)
            }
        }
    }

    func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
}
