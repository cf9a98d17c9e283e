import StructuredData
import Testing
@testable import ClusterCore

@Suite("cluster DNS codec and resolver")
struct ClusterDNSTests {
    static func query(_ name: String, type: UInt16 = DNSMessage.typeA, id: UInt16 = 0x1234, edns: UInt16? = nil) -> [UInt8] {
        var m = DNSMessage(id: id, flags: 0x0100, questions: [DNSQuestion(name: DNSName(name), type: type, class: DNSMessage.classIN)])
        if let edns { m.additionals = [DNSResourceRecord(name: DNSName(labels: []), type: DNSMessage.typeOPT, class: edns, ttl: 0, data: [])] }
        return (try? m.encode()) ?? []
    }

    static let table: DNSRecordTable = {
        var t = DNSRecordTable()
        t.add("web.default.svc.cluster.local", "10.96.0.20")
        t.add("db.prod.svc.cluster.local", "10.244.0.5")
        t.add("db.prod.svc.cluster.local", "10.244.0.6")
        t.add("db-0.db.prod.svc.cluster.local", "10.244.0.5")
        t.aliases["ext.default.svc.cluster.local"] = "db.example.com"
        return t
    }()

    static func answer(_ query: [UInt8], udp: Bool = true) throws -> DNSMessage {
        let bytes = try #require(ClusterDNSResolver.respond(to: query, table: table, udp: udp))
        return try DNSMessage.decode(bytes)
    }

    static func ips(_ m: DNSMessage) -> [String] {
        m.answers.filter { $0.type == DNSMessage.typeA && $0.data.count == 4 }.map { $0.data.map(String.init).joined(separator: ".") }
    }

    @Test("a query survives encode and decode")
    func roundTrip() throws {
        let bytes = Self.query("Web.Default.svc.cluster.local")
        let m = try DNSMessage.decode(bytes)
        #expect(m.id == 0x1234)
        #expect(m.recursionDesired)
        #expect(m.questions.count == 1)
        #expect(m.questions[0].name.key == ["web", "default", "svc", "cluster", "local"])
        #expect(try m.encode() == bytes)
    }

    @Test("resolver answers", arguments: [
        ("web.default.svc.cluster.local", DNSMessage.typeA, DNSMessage.noError, ["10.96.0.20"]),
        ("WEB.default.svc.cluster.local.", DNSMessage.typeA, DNSMessage.noError, ["10.96.0.20"]),
        ("web.default.svc.cluster.local", DNSMessage.typeANY, DNSMessage.noError, ["10.96.0.20"]),
        ("web.default.svc.cluster.local", DNSMessage.typeAAAA, DNSMessage.noError, []),
        ("db.prod.svc.cluster.local", DNSMessage.typeA, DNSMessage.noError, ["10.244.0.5", "10.244.0.6"]),
        ("db-0.db.prod.svc.cluster.local", DNSMessage.typeA, DNSMessage.noError, ["10.244.0.5"]),
        ("prod.svc.cluster.local", DNSMessage.typeA, DNSMessage.noError, []),
        ("svc.cluster.local", DNSMessage.typeA, DNSMessage.noError, []),
        ("nope.default.svc.cluster.local", DNSMessage.typeA, DNSMessage.nameError, []),
        ("web.default.svc.cluster.local.default.svc.cluster.local", DNSMessage.typeA, DNSMessage.nameError, []),
        ("example.com", DNSMessage.typeA, DNSMessage.refused, []),
        ("local", DNSMessage.typeA, DNSMessage.refused, []),
    ] as [(String, UInt16, UInt16, [String])])
    func resolves(name: String, type: UInt16, rcode: UInt16, expected: [String]) throws {
        let reply = try Self.answer(Self.query(name, type: type))
        #expect(reply.isResponse)
        #expect(reply.id == 0x1234)
        #expect(reply.rcode == rcode)
        #expect(Self.ips(reply) == expected)
        // The question is echoed exactly, case included.
        #expect(reply.questions == (try DNSMessage.decode(Self.query(name, type: type))).questions)
    }

    @Test("ExternalName Services answer with a CNAME")
    func externalName() throws {
        let reply = try Self.answer(Self.query("ext.default.svc.cluster.local"))
        #expect(reply.rcode == DNSMessage.noError)
        #expect(reply.answers.map(\.type) == [DNSMessage.typeCNAME])
        var reader = DNSMessage.Reader(bytes: reply.answers.first?.data ?? [])
        #expect(try reader.name().key == ["db", "example", "com"])
    }

    @Test("TCP answers are not size-limited; UDP ones beyond 512 bytes are cut and flagged TC")
    func truncation() throws {
        var big = DNSRecordTable()
        for i in 0..<20 { big.add("many.default.svc.cluster.local", "10.244.1.\(i)") }
        let q = Self.query("many.default.svc.cluster.local")
        let udp = try DNSMessage.decode(try #require(ClusterDNSResolver.respond(to: q, table: big, udp: true)))
        #expect(udp.isTruncated && udp.answers.isEmpty)
        let tcp = try DNSMessage.decode(try #require(ClusterDNSResolver.respond(to: q, table: big, udp: false)))
        #expect(!tcp.isTruncated && tcp.answers.count == 20)
        let edns = try #require(ClusterDNSResolver.respond(to: Self.query("many.default.svc.cluster.local", edns: 1232), table: big, udp: true))
        #expect(edns.count > 512 && edns.count <= 1232)
        #expect(try DNSMessage.decode(edns).answers.count == 20)
    }

    /// Header for one question, then `body`.
    static func packet(_ body: [UInt8], qd: UInt8 = 1, flags: [UInt8] = [0x01, 0x00]) -> [UInt8] {
        [0xAB, 0xCD] + flags + [0, qd, 0, 0, 0, 0, 0, 0] + body
    }

    @Test("hostile and damaged packets give a clear error, never a crash", arguments: [
        ("empty", [UInt8](), DNSMessage.Failure.truncated),
        ("short header", [0x12, 0x34, 0x01], .truncated),
        ("question cut in the name", packet([3, 119, 101]), .truncated),
        ("question without type", packet([3, 119, 101, 98, 0]), .truncated),
        ("pointer to itself", packet([0xC0, 12, 0, 1, 0, 1]), .badPointer),
        ("pointer forward", packet([0xC0, 20, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 97, 0]), .badPointer),
        ("pointer back to its own first label (a.a.a…)", packet([1, 97, 0xC0, 12, 0, 1, 0, 1]), .badPointer),
        ("second name jumping back into a loop", packet([1, 97, 0, 0, 1, 0, 1, 0xC0, 12 + 2 + 5 + 2, 0, 1, 0, 1], qd: 2), .badPointer),
        ("pointer cut", packet([0xC0]), .truncated),
        ("extended label type", packet([0x40, 0, 0, 1, 0, 1]), .badLabelType),
        ("question count larger than the packet", packet([1, 97, 0, 0, 1, 0, 1], qd: 200), .truncated),
        ("trailing garbage", packet([1, 97, 0, 0, 1, 0, 1, 0xFF]), .trailingBytes),
    ] as [(String, [UInt8], DNSMessage.Failure)])
    func hostile(label: String, bytes: [UInt8], failure: DNSMessage.Failure) {
        #expect(throws: failure, "\(label)") { try DNSMessage.decode(bytes) }
    }

    @Test("an over-long name made of pointers is rejected")
    func longNameThroughPointers() {
        // 5 labels of 63 bytes chained backwards by pointers exceed 255 bytes.
        var body: [UInt8] = []
        var previous: Int?
        for _ in 0..<5 {
            let start = 12 + body.count
            body += [63] + [UInt8](repeating: 120, count: 63)
            if let p = previous { body += [0xC0 | UInt8(p >> 8), UInt8(p & 0xFF)] } else { body += [0] }
            previous = start
        }
        let q = Self.packet(body + [0xC0 | UInt8(previous! >> 8), UInt8(previous! & 0xFF), 0, 1, 0, 1], qd: 0)
        // With qdcount 0 the bytes are trailing; parse the name directly to see the bound.
        var reader = DNSMessage.Reader(bytes: q, position: 12 + body.count)
        #expect(throws: DNSMessage.Failure.nameTooLong) { try reader.name() }
    }

    @Test("damaged queries with a header get FORMERR; responses and fragments get nothing")
    func resolverOnDamage() throws {
        let reply = try #require(ClusterDNSResolver.respond(to: Self.packet([0xC0, 12, 0, 1, 0, 1]), table: Self.table, udp: true))
        let m = try DNSMessage.decode(reply)
        #expect(m.id == 0xABCD && m.rcode == DNSMessage.formatError && m.isResponse)
        #expect(ClusterDNSResolver.respond(to: [1, 2, 3], table: Self.table, udp: true) == nil)
        // A response (QR set) is never answered: no reflection loops between servers.
        var response = Self.query("web.default.svc.cluster.local")
        response[2] |= 0x80
        #expect(ClusterDNSResolver.respond(to: response, table: Self.table, udp: true) == nil)
        let two = Self.packet([1, 97, 0, 0, 1, 0, 1, 1, 98, 0, 0, 1, 0, 1], qd: 2)
        #expect(try DNSMessage.decode(try #require(ClusterDNSResolver.respond(to: two, table: Self.table, udp: true))).rcode == DNSMessage.formatError)
        var update = Self.query("web.default.svc.cluster.local")
        update[2] = 0x28 // opcode 5 (UPDATE)
        #expect(try DNSMessage.decode(try #require(ClusterDNSResolver.respond(to: update, table: Self.table, udp: true))).rcode == DNSMessage.notImplemented)
    }

    @Test("compressed question names are read")
    func compressed() throws {
        // Question 1: a.cluster.local; question 2: b + pointer to "cluster.local" of question 1.
        let body: [UInt8] = [1, 97, 7] + Array("cluster".utf8) + [5] + Array("local".utf8) + [0, 0, 1, 0, 1, 1, 98, 0xC0, 14, 0, 1, 0, 1]
        let m = try DNSMessage.decode(Self.packet(body, qd: 2))
        #expect(m.questions.map(\.name.key) == [["a", "cluster", "local"], ["b", "cluster", "local"]])
    }

    @Test("resolv.conf for a pod")
    func resolvConf() {
        #expect(DNSConfig.resolvConf(namespace: "prod") == """
            search prod.svc.cluster.local svc.cluster.local cluster.local
            nameserver 10.96.0.10
            options ndots:5

            """)
    }
}

@Suite("cluster DNS resolv.conf per pod")
struct ClusterDNSResolvConfTests {
    static func pod(_ spec: String) -> Value {
        (try? JSON.decodeKeepingIntegers(Array(#"{"metadata":{"name":"p","namespace":"shop"},"spec":\#(spec)}"#.utf8))) ?? .null
    }

    @Test("dnsPolicy and dnsConfig", arguments: [
        ("{}", "search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"),
        (#"{"dnsPolicy":"Default"}"#, nil),
        (#"{"hostNetwork":true}"#, nil),
        (#"{"hostNetwork":true,"dnsPolicy":"ClusterFirstWithHostNet"}"#,
         "search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"),
        (#"{"dnsPolicy":"None","dnsConfig":{"nameservers":["1.2.3.4"],"searches":["a.test"],"options":[{"name":"edns0"}]}}"#,
         "search a.test\nnameserver 1.2.3.4\noptions edns0\n"),
        (#"{"dnsConfig":{"searches":["cluster.local","x.test"],"options":[{"name":"ndots","value":"2"}]}}"#,
         "search shop.svc.cluster.local svc.cluster.local cluster.local x.test\nnameserver 10.96.0.10\noptions ndots:2\n"),
    ] as [(String, String?)])
    func resolvConf(spec: String, expected: String?) {
        #expect(DNSConfig.resolvConf(for: Self.pod(spec)) == expected)
    }
}
