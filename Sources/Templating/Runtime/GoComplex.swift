public import StructuredData

/// A Go `complex128` (from literals such as `1i` or `1+2i`); templates can only print it.
public struct GoComplex: TemplateObject {
    public let real: Double
    public let imag: Double

    public var goTypeName: String { "complex128" }
    public var goKind: String { "complex128" }
    /// Go's `%v`: `(0+1i)`.
    public var formatted: String {
        let im = GoFloat.formatV(imag)
        let sign = im.hasPrefix("-") || im.hasPrefix("+") ? "" : "+"
        return "(\(GoFloat.formatV(real))\(sign)\(im)i)"
    }
    public func member(_ name: String) -> TemplateMember? { nil }
}
