public import StructuredData

/// A value during template execution, modelling the Go types that Helm's templates see.
///
/// Go distinguishes `int` (template literals, `len`, `atoi`) from `int64` (`--set`, `add`, `int64`) and
/// `float64` (values files); comparisons, `typeOf` and `printf` depend on it, so the kind is kept.
/// Maps are reference types as in Go: Sprig's `set`, `unset` and `merge` mutate them in place.
public enum TemplateValue: @unchecked Sendable {
    /// Go's invalid `reflect.Value` ("no value"): what a pipeline yields for a nil interface.
    case invalid
    /// A nil `interface{}` (a missing map key under `missingkey=zero`, a null in values).
    case null
    case bool(Bool)
    case int(Int64, IntKind)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case list([TemplateValue], ListKind)
    case map(MapRef)
    /// Host objects: `.Files`, `.Capabilities`, `time.Time`, `*semver.Version`, ….
    case object(any TemplateObject)

    /// Go integer types that appear in charts.
    public enum IntKind: String, Sendable {
        case int, int64, int32, int8, int16, uint, uint8, uint16, uint32, uint64
        var isUnsigned: Bool { rawValue.hasPrefix("u") }
    }

    /// Go slice types that appear in charts (`[]interface {}` from `list`, `[]string` from
    /// `splitList`/`keys`, `[]int` from `until`).
    public enum ListKind: String, Sendable {
        case any = "[]interface {}"
        case string = "[]string"
        case int = "[]int"
        case int64 = "[]int64"
        case float64 = "[]float64"
        /// Sprig's `chunk` result.
        case anyLists = "[][]interface {}"
    }

    /// Shorthand for a Go `int`.
    public static func int(_ v: Int) -> TemplateValue { .int(Int64(v), .int) }
    /// Shorthand for a Go `int64`.
    public static func int64(_ v: Int64) -> TemplateValue { .int(v, .int64) }
    /// A `[]interface {}`.
    public static func list(_ items: [TemplateValue]) -> TemplateValue { .list(items, .any) }
    /// A fresh `map[string]interface {}`.
    public static func map(_ items: [String: TemplateValue]) -> TemplateValue { .map(MapRef(items)) }
    /// A `[]string`.
    public static func stringList(_ items: [String]) -> TemplateValue { .list(items.map { .string($0) }, .string) }
}

/// A Go map shared by reference, as `map[string]interface {}` (or `map[string]string` from `split`).
public final class MapRef: @unchecked Sendable {
    public var storage: [String: TemplateValue]
    /// The Go type name reported by `typeOf`.
    public let typeName: String

    public init(_ storage: [String: TemplateValue] = [:], typeName: String = "map[string]interface {}") {
        self.storage = storage
        self.typeName = typeName
    }

    /// Keys in Go's sorted order (byte-wise), as `range` and `fmt` iterate maps.
    public var sortedKeys: [String] { storage.keys.sorted(by: goStringLess) }
}

/// Byte-wise string ordering, as Go's `<` on strings (Swift's `<` compares by Unicode scalars,
/// which for UTF-8 agrees with byte order; it is spelt out here because it is load-bearing).
@inline(__always)
public func goStringLess(_ a: String, _ b: String) -> Bool {
    utf8Compare(a, b) < 0
}


/// A host object visible to templates: fields and methods reached with `.Name`, and how it prints.
public protocol TemplateObject: Sendable {
    /// Go type name for `typeOf` and error messages (`*chartutil.Capabilities`, `time.Time`).
    var goTypeName: String { get }
    /// Go `reflect.Kind` name for `kindOf` (`struct`, `ptr`, `map`, …).
    var goKind: String { get }
    /// `%v` rendering.
    var formatted: String { get }
    /// Resolves `.name`; nil when the object has no such field or method.
    func member(_ name: String) -> TemplateMember?
    /// The value as plain data for `toJson`/`toYaml` (Go's JSON marshalling of the object).
    var dataValue: Value { get }
    /// `%v` as functions see the value (Go prints a struct *value* field by field, e.g.
    /// `{v1.36.0 v1.36.0 1 36}`, while the template printer reaches its `String` method).
    var valueFormatted: String { get }
    /// For a Go named map type with methods (Helm's `engine.files`): the map it is, so that `range`,
    /// `index`, `len` and truthiness work on it.
    var mapView: MapRef? { get }
    /// For a Go named slice type with methods (Helm's `common.VersionSet`): the slice it is.
    var listView: [TemplateValue]? { get }
}

extension TemplateObject {
    public var goKind: String { "ptr" }
    public var dataValue: Value { .string(formatted) }
    public var valueFormatted: String { formatted }
    public var mapView: MapRef? { nil }
    public var listView: [TemplateValue]? { nil }
}

/// What `.name` on a host object resolves to.
public enum TemplateMember: Sendable {
    case field(TemplateValue)
    case method(@Sendable ([TemplateValue]) throws -> TemplateValue)
    /// A method with a Go signature: arguments are counted and type-checked as for functions, so
    /// errors read `wrong number of args for Get: want 1 got 0`.
    case function(TemplateFunction)
}
