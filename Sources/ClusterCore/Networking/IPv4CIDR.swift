/// An IPv4 network in CIDR notation (`10.42.0.0/16`), for pod address ranges.
public struct IPv4CIDR: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The network address (host bits cleared), as a big-endian-ordered integer.
    public let network: UInt32
    public let prefixLength: Int

    /// Parses `a.b.c.d/n`; host bits must be zero. Nil on anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), (0...32).contains(length),
              let address = IPv4CIDR.parseAddress(String(parts[0]))
        else { return nil }
        let mask = IPv4CIDR.mask(length)
        guard address & ~mask == 0 else { return nil }
        self.network = address
        self.prefixLength = length
    }

    init(network: UInt32, prefixLength: Int) {
        self.network = network & IPv4CIDR.mask(prefixLength)
        self.prefixLength = prefixLength
    }

    public var description: String { IPv4CIDR.format(network) + "/\(prefixLength)" }

    /// The `index`-th (0-based) subnet of `length` bits inside this network; nil when it does not fit.
    public func subnet(_ index: Int, length: Int) -> IPv4CIDR? {
        guard length >= prefixLength, length <= 32, index >= 0 else { return nil }
        let count = UInt64(1) << UInt64(length - prefixLength)
        guard UInt64(index) < count else { return nil }
        let step = UInt64(1) << UInt64(32 - length)
        return IPv4CIDR(network: UInt32(UInt64(network) + UInt64(index) * step), prefixLength: length)
    }

    /// The `n`-th address of the network (1 = the usual gateway).
    public func address(_ n: UInt32) -> String { IPv4CIDR.format(network &+ n) }

    public func contains(_ address: String) -> Bool {
        guard let a = IPv4CIDR.parseAddress(address) else { return false }
        return a & IPv4CIDR.mask(prefixLength) == network
    }

    static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : ~UInt32(0) << UInt32(32 - length) }

    static func parseAddress(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for o in octets {
            guard !o.isEmpty, o.count <= 3, o.allSatisfy(\.isASCII), let b = UInt8(o) else { return nil }
            value = value << 8 | UInt32(b)
        }
        return value
    }

    static func format(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
    }
}
