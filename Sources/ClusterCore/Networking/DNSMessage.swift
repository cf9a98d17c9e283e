/// A DNS message (RFC 1035 §4) as far as the cluster DNS needs it: header, questions and resource
/// records with raw data. Parsing is defensive: names are bounded (255 bytes, 63-byte labels) and
/// compression pointers must each jump strictly before the previous jump target, so a hostile
/// packet can neither loop nor read out of bounds; any defect is a ``DNSMessage/Failure``.
struct DNSMessage: Sendable, Equatable {
    var id: UInt16
    /// The header's second 16 bits: QR, OPCODE, AA, TC, RD, RA, Z, RCODE.
    var flags: UInt16
    var questions: [DNSQuestion] = []
    var answers: [DNSResourceRecord] = []
    var authorities: [DNSResourceRecord] = []
    var additionals: [DNSResourceRecord] = []

    enum Failure: Error, Sendable, Equatable {
        case truncated
        case nameTooLong
        case labelTooLong
        case badPointer
        case badLabelType
        case trailingBytes
    }

    var isResponse: Bool { flags & 0x8000 != 0 }
    var opcode: UInt16 { (flags >> 11) & 0xF }
    var recursionDesired: Bool { flags & 0x0100 != 0 }
    var isTruncated: Bool { flags & 0x0200 != 0 }
    var rcode: UInt16 { flags & 0xF }

    static let typeA: UInt16 = 1
    static let typeCNAME: UInt16 = 5
    static let typeSOA: UInt16 = 6
    static let typeAAAA: UInt16 = 28
    static let typeOPT: UInt16 = 41
    static let typeANY: UInt16 = 255
    static let classIN: UInt16 = 1

    static let noError: UInt16 = 0, formatError: UInt16 = 1, serverFailure: UInt16 = 2, nameError: UInt16 = 3,
               notImplemented: UInt16 = 4, refused: UInt16 = 5

    // MARK: Decoding

    /// Parses a whole message; bytes after the last record are an error.
    static func decode(_ bytes: [UInt8]) throws(Failure) -> DNSMessage {
        var reader = Reader(bytes: bytes)
        let id = try reader.u16()
        let flags = try reader.u16()
        let qd = try reader.u16(), an = try reader.u16(), ns = try reader.u16(), ar = try reader.u16()
        var message = DNSMessage(id: id, flags: flags)
        // Counts are attacker-chosen: each entry consumes bytes, so a short packet fails fast.
        for _ in 0..<qd {
            let name = try reader.name()
            message.questions.append(DNSQuestion(name: name, type: try reader.u16(), class: try reader.u16()))
        }
        for _ in 0..<an { message.answers.append(try reader.record()) }
        for _ in 0..<ns { message.authorities.append(try reader.record()) }
        for _ in 0..<ar { message.additionals.append(try reader.record()) }
        guard reader.position == bytes.count else { throw .trailingBytes }
        return message
    }

    /// The id of a message too damaged to parse, when at least its header is there.
    static func peekID(_ bytes: [UInt8]) -> UInt16? {
        bytes.count >= 12 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : nil
    }

    struct Reader {
        let bytes: [UInt8]
        var position = 0

        mutating func u8() throws(Failure) -> UInt8 {
            guard position < bytes.count else { throw .truncated }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func u16() throws(Failure) -> UInt16 { UInt16(try u8()) << 8 | UInt16(try u8()) }

        mutating func u32() throws(Failure) -> UInt32 { UInt32(try u16()) << 16 | UInt32(try u16()) }

        mutating func take(_ n: Int) throws(Failure) -> [UInt8] {
            guard n >= 0, bytes.count - position >= n else { throw .truncated }
            defer { position += n }
            return Array(bytes[position..<position + n])
        }

        /// A possibly compressed name; the reader ends after the name's bytes at this position.
        mutating func name() throws(Failure) -> DNSName {
            var labels: [[UInt8]] = []
            var cursor = position
            var resume: Int?
            // Every pointer must jump strictly before the previous one's target (or the name's start):
            // targets decrease, so following them always ends.
            var limit = position
            var length = 1
            while true {
                guard cursor < bytes.count else { throw .truncated }
                let byte = Int(bytes[cursor])
                switch byte & 0xC0 {
                case 0x00:
                    if byte == 0 {
                        position = resume ?? cursor + 1
                        return DNSName(labels: labels)
                    }
                    guard cursor + 1 + byte <= bytes.count else { throw .truncated }
                    length += byte + 1
                    guard length <= 255 else { throw .nameTooLong }
                    labels.append(Array(bytes[(cursor + 1)...(cursor + byte)]))
                    cursor += 1 + byte
                case 0xC0:
                    guard cursor + 1 < bytes.count else { throw .truncated }
                    let target = (byte & 0x3F) << 8 | Int(bytes[cursor + 1])
                    guard target < limit else { throw .badPointer }
                    if resume == nil { resume = cursor + 2 }
                    limit = target
                    cursor = target
                default:
                    throw .badLabelType
                }
            }
        }

        mutating func record() throws(Failure) -> DNSResourceRecord {
            let name = try name()
            let type = try u16(), cls = try u16(), ttl = try u32()
            let length = Int(try u16())
            return DNSResourceRecord(name: name, type: type, class: cls, ttl: ttl, data: try take(length))
        }
    }

    // MARK: Encoding

    /// The wire form (names uncompressed: answers here are few and short).
    func encode() throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        func u16(_ v: UInt16) { out.append(UInt8(v >> 8)); out.append(UInt8(v & 0xFF)) }
        func name(_ n: DNSName) throws(Failure) {
            var length = 1
            for label in n.labels {
                guard !label.isEmpty, label.count <= 63 else { throw .labelTooLong }
                length += label.count + 1
                guard length <= 255 else { throw .nameTooLong }
                out.append(UInt8(label.count))
                out += label
            }
            out.append(0)
        }
        func record(_ r: DNSResourceRecord) throws(Failure) {
            try name(r.name)
            u16(r.type)
            u16(r.class)
            u16(UInt16(r.ttl >> 16))
            u16(UInt16(r.ttl & 0xFFFF))
            guard r.data.count <= 0xFFFF else { throw .truncated }
            u16(UInt16(r.data.count))
            out += r.data
        }
        u16(id)
        u16(flags)
        for count in [questions.count, answers.count, authorities.count, additionals.count] {
            guard count <= 0xFFFF else { throw .truncated }
            u16(UInt16(count))
        }
        for q in questions {
            try name(q.name)
            u16(q.type)
            u16(q.class)
        }
        for r in answers { try record(r) }
        for r in authorities { try record(r) }
        for r in additionals { try record(r) }
        return out
    }
}

/// A domain name as its labels (raw bytes, case kept so a reply echoes the question exactly).
struct DNSName: Sendable, Hashable {
    var labels: [[UInt8]]

    init(labels: [[UInt8]]) { self.labels = labels }

    /// `a.b.c` (a trailing dot is ignored); empty labels are dropped.
    init(_ dotted: String) {
        labels = dotted.split(separator: ".").map { Array($0.utf8) }
    }

    /// Lower-cased labels for lookups (ASCII only, as DNS compares names).
    var key: [String] {
        labels.map { label in
            String(decoding: label.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
        }
    }
}

struct DNSQuestion: Sendable, Equatable {
    var name: DNSName
    var type: UInt16
    var `class`: UInt16
}

struct DNSResourceRecord: Sendable, Equatable {
    var name: DNSName
    var type: UInt16
    var `class`: UInt16
    var ttl: UInt32
    var data: [UInt8]

    /// An A record for dotted IPv4 `ip` (nil when `ip` is not one).
    static func a(_ name: DNSName, ip: String, ttl: UInt32) -> DNSResourceRecord? {
        guard let n = IPv4.parse(ip) else { return nil }
        return DNSResourceRecord(name: name, type: DNSMessage.typeA, class: DNSMessage.classIN, ttl: ttl,
                                 data: [UInt8(n >> 24), UInt8(n >> 16 & 255), UInt8(n >> 8 & 255), UInt8(n & 255)])
    }
}

/// Dotted-quad IPv4 helpers (the Service range is IPv4 only).
enum IPv4 {
    static func parse(_ s: String) -> UInt32? { ServiceAllocator.parse(s) }
    static func format(_ n: UInt32) -> String { ServiceAllocator.format(n) }
}
