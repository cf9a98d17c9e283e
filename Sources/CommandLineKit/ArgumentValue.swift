import StructuredData

/// A type an option's or argument's text converts to.
public protocol ExpressibleByArgument {
    init?(argument: String)
    /// pflag's name of the type in help (`string`, `int`, …).
    static var typeName: String { get }
    /// Why `text` does not convert, in pflag's words (after `invalid argument "x" for "--f" flag: `).
    static func conversionFailure(_ text: String) -> String
}

extension ExpressibleByArgument {
    public static var typeName: String { "string" }
    public static func conversionFailure(_ text: String) -> String { "invalid value" }
}

extension ExpressibleByArgument where Self: RawRepresentable, RawValue == String {
    public init?(argument: String) { self.init(rawValue: argument) }
}

extension String: ExpressibleByArgument {
    public init?(argument: String) { self = argument }
}

extension Int: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var typeName: String { "int" }
    public static func conversionFailure(_ text: String) -> String {
        "strconv.ParseInt: parsing \(goQuote(text)): invalid syntax"
    }
}

extension UInt: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var typeName: String { "uint" }
    public static func conversionFailure(_ text: String) -> String {
        "strconv.ParseUint: parsing \(goQuote(text)): invalid syntax"
    }
}

extension Double: ExpressibleByArgument {
    public init?(argument: String) {
        guard let d = Double(argument) else { return nil }
        self = d
    }
    public static var typeName: String { "float64" }
    public static func conversionFailure(_ text: String) -> String {
        "strconv.ParseFloat: parsing \(goQuote(text)): invalid syntax"
    }
}

/// Go's `strconv.ParseBool`, which pflag uses for `--flag=value`.
enum GoBool {
    static func parse(_ s: String) -> Bool? {
        switch s {
        case "1", "t", "T", "true", "TRUE", "True": return true
        case "0", "f", "F", "false", "FALSE", "False": return false
        default: return nil
        }
    }
}
