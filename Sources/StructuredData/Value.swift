/// The one dynamic value shared by every helmctl module: what YAML, JSON and TOML decode to and
/// encode from, and what chart values are made of.
///
/// Numbers keep their source type: Helm decodes every YAML/JSON number to `Double` (see
/// ``YAMLDecoder/Options/numbersAsFloat``), while `--set` and TOML produce `Int64`.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case list([Value])
    case map([String: Value])
}

extension Value {
    /// The map payload, or nil when this is not a map.
    public var mapValue: [String: Value]? {
        if case .map(let m) = self { return m }
        return nil
    }

    /// The list payload, or nil when this is not a list.
    public var listValue: [Value]? {
        if case .list(let l) = self { return l }
        return nil
    }

    /// The string payload, or nil when this is not a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// True for `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Looks up a dotted path of map keys (`a.b.c`); nil when any step is missing or not a map.
    public func lookup(_ path: [String]) -> Value? {
        var cur = self
        for key in path {
            guard case .map(let m) = cur, let next = m[key] else { return nil }
            cur = next
        }
        return cur
    }

    /// Subscript for map values; nil for missing keys and non-maps.
    public subscript(key: String) -> Value? {
        if case .map(let m) = self { return m[key] }
        return nil
    }
}

extension Value: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { _, b in b }))
    }
}
