/// The Go type of one parameter of a template function. The executor converts and checks each
/// argument against it exactly as Go's `text/template` does with reflection, so type errors read
/// `wrong type for value; expected string; got float64`.
public enum ParamType: Sendable, Equatable {
    /// `interface{}`: anything; a missing value arrives as `.null`.
    case any
    /// `reflect.Value` (Go's builtins): the raw value, `.invalid` included.
    case value
    case string
    case int
    case int64
    case float64
    case bool
    /// `[]interface {}`
    case list
    /// `[]string`
    case stringList
    /// `map[string]interface {}`
    case map
    /// A Go struct type by name (`time.Time`, `sprig.certificate`): only host objects of that type.
    case goType(String)

    /// The Go spelling used in error messages.
    public var goName: String {
        switch self {
        case .any, .value: "interface {}"
        case .string: "string"
        case .int: "int"
        case .int64: "int64"
        case .float64: "float64"
        case .bool: "bool"
        case .list: "[]interface {}"
        case .stringList: "[]string"
        case .map: "map[string]interface {}"
        case .goType(let name): name
        }
    }
}

/// One callable template function: its Go signature and its body. A class: parse trees and calls pass
/// it around by reference (one retain instead of one per field).
public final class TemplateFunction: Sendable {
    public typealias Body = @Sendable ([TemplateValue], any FunctionEnvironment) throws -> TemplateValue

    public let name: String
    /// Fixed parameters.
    public let params: [ParamType]
    /// Type of the trailing variadic parameter (`...T`), if any.
    public let variadic: ParamType?
    public let body: Body
    /// Go's `call` builtin, which receives its callee's source text first.
    let isCall: Bool
    /// Its body calls libcrypto: parsing a call starts loading the library (``CryptoLibrary``).
    let usesCrypto: Bool

    public convenience init(name: String, params: [ParamType], variadic: ParamType? = nil, body: @escaping Body) {
        self.init(name: name, params: params, variadic: variadic, usesCrypto: false, body: body)
    }

    init(name: String, params: [ParamType], variadic: ParamType?, usesCrypto: Bool, body: @escaping Body) {
        self.name = name
        self.params = params
        self.variadic = variadic
        self.body = body
        self.isCall = name == "call"
        self.usesCrypto = usesCrypto
    }
}

/// The named functions a template set may call. Immutable once handed to a parse; ChartEngine adds
/// Helm's own functions (`include`, `tpl`, `required`, …) on top of ``standard``.
public struct FunctionRegistry: Sendable {
    public private(set) var functions: [String: TemplateFunction] = [:]

    public init() {}

    /// Registers (or replaces) a function.
    public mutating func register(
        _ name: String, _ params: [ParamType], variadic: ParamType? = nil,
        _ body: @escaping TemplateFunction.Body
    ) {
        functions[name] = TemplateFunction(name: name, params: params, variadic: variadic, body: body)
    }

    /// Marks registered functions whose bodies call libcrypto (see ``TemplateFunction/usesCrypto``).
    mutating func markCryptoUsers(_ names: [String]) {
        for name in names {
            guard let f = functions[name] else { continue }
            functions[name] = TemplateFunction(name: f.name, params: f.params, variadic: f.variadic, usesCrypto: true,
                                               body: f.body)
        }
    }

    /// Removes a function (Helm removes Sprig's `env` and `expandenv`).
    public mutating func remove(_ name: String) { functions[name] = nil }

    public subscript(name: String) -> TemplateFunction? { functions[name] }

    /// Go's builtins plus the whole Sprig v3.3.0 library as Helm v4.2.3 exposes it
    /// (without Helm's render-time functions, which ChartEngine adds).
    public static let standard: FunctionRegistry = {
        var r = FunctionRegistry()
        r.registerBuiltins()
        r.registerLibrary()
        return r
    }()
}

/// An error a function reports, as a Go function returning a non-nil `error`. The executor wraps it
/// as `error calling NAME: MESSAGE`.
public struct FunctionError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What a function may use besides its arguments: injected clock and randomness, and the executing
/// template set (for `include`/`tpl`-like functions registered by ChartEngine).
public protocol FunctionEnvironment: AnyObject {
    var clock: any TemplateClock { get }
    var random: RandomSource { get }
    /// Executes a named template of the current set with `data` as dot and returns its output.
    func executeTemplate(named name: String, data: TemplateValue) throws -> String
    /// Parses `text` as a new template named `name` that can see every template of the current set,
    /// executes it with `data`, and returns its output.
    func executeText(_ text: String, name: String, data: TemplateValue) throws -> String
    /// Per-render scratch state for functions (e.g. Helm's include-depth counter).
    var userState: [String: Int] { get set }
    /// Opaque per-render context supplied by the caller of ``Template/execute`` (ChartEngine's hooks).
    var hostContext: (any Sendable)? { get }
}
