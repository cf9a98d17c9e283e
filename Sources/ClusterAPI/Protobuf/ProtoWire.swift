/// Reading the protobuf wire format (varints, fixed-width values, length-delimited payloads) over a byte
/// range of a shared buffer, so nested messages are decoded without copying.
struct ProtoWire {
    enum WireType: Int {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(_ bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    var atEnd: Bool { position >= end }

    /// Reads a base-128 varint (at most 10 bytes).
    mutating func varint(_ path: @autoclosure () -> String) throws(KubeProtobufError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while true {
            guard position < end else {
                throw KubeProtobufError("truncated varint at byte \(start)", path: path())
            }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 {
                throw KubeProtobufError("varint overflows 64 bits at byte \(start)", path: path())
            }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 {
                throw KubeProtobufError("varint longer than 10 bytes at byte \(start)", path: path())
            }
        }
    }

    /// Reads a field key, returning its number and wire type.
    mutating func key(_ path: @autoclosure () -> String) throws(KubeProtobufError) -> (number: Int, wire: WireType) {
        let start = position
        let raw = try varint(path())
        let number = raw >> 3
        guard number >= 1, number <= 536_870_911 else {
            throw KubeProtobufError("invalid field number \(number) at byte \(start)", path: path())
        }
        guard let wire = WireType(rawValue: Int(raw & 7)) else {
            throw KubeProtobufError("invalid wire type \(raw & 7) at byte \(start)", path: path())
        }
        return (Int(number), wire)
    }

    mutating func fixed32(_ path: @autoclosure () -> String) throws(KubeProtobufError) -> UInt32 {
        guard end - position >= 4 else {
            throw KubeProtobufError("truncated fixed32 at byte \(position)", path: path())
        }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return v
    }

    mutating func fixed64(_ path: @autoclosure () -> String) throws(KubeProtobufError) -> UInt64 {
        guard end - position >= 8 else {
            throw KubeProtobufError("truncated fixed64 at byte \(position)", path: path())
        }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return v
    }

    /// Reads a length prefix and returns the payload's range, advancing past it.
    mutating func lengthDelimited(_ path: @autoclosure () -> String) throws(KubeProtobufError) -> Range<Int> {
        let start = position
        let length = try varint(path())
        guard length <= UInt64(end - position) else {
            throw KubeProtobufError("length \(length) at byte \(start) runs past the end of its message", path: path())
        }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    /// Skips one value of an unknown field (forward compatibility). Groups are not used by Kubernetes.
    mutating func skip(_ wire: WireType, _ path: @autoclosure () -> String) throws(KubeProtobufError) {
        switch wire {
        case .varint: _ = try varint(path())
        case .fixed64: _ = try fixed64(path())
        case .fixed32: _ = try fixed32(path())
        case .lengthDelimited: _ = try lengthDelimited(path())
        case .startGroup, .endGroup:
            throw KubeProtobufError("protobuf groups are not supported (byte \(position))", path: path())
        }
    }
}
