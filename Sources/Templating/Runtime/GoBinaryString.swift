public import StructuredData

/// A Go `string` holding bytes that are not valid UTF-8 (what `b64dec` of binary data returns).
/// Swift strings cannot hold such bytes, so the functions that only need the bytes — `len`, `b64enc`,
/// the `sha*sum`s — see them exactly; anything that treats it as text sees U+FFFD replacements.
public struct GoBinaryString: TemplateObject {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// A Go string of `bytes`: a plain string when they are valid UTF-8.
    public static func value(_ bytes: [UInt8]) -> TemplateValue {
        if let s = String(validating: bytes, as: UTF8.self) { return .string(s) }
        return .object(GoBinaryString(bytes))
    }

    public var goTypeName: String { "string" }
    public var goKind: String { "string" }
    public var formatted: String { String(decoding: bytes, as: UTF8.self) }
    public var dataValue: Value { .string(formatted) }
    public func member(_ name: String) -> TemplateMember? { nil }
}

extension TemplateValue {
    /// The bytes of a Go string value (`.string` or a ``GoBinaryString``), else nil.
    public var goStringBytes: [UInt8]? {
        switch self {
        case .string(let s): Array(s.utf8)
        case .object(let o as GoBinaryString): o.bytes
        default: nil
        }
    }
}
