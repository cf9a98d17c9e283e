/// Typed access to arguments the executor has already converted to the declared ``ParamType``s.
/// A mismatch here is a registration bug, reported as an error rather than a crash.
extension Array where Element == TemplateValue {
    func string(_ i: Int) throws -> String {
        guard i < count else { throw FunctionError("internal error: missing argument \(i)") }
        switch self[i] {
        case .string(let s): return s
        case .object(let o as GoBinaryString): return o.formatted
        default: throw FunctionError("internal error: argument \(i) is \(self[i].goTypeName), not string")
        }
    }

    func int(_ i: Int) throws -> Int {
        guard i < count else { throw FunctionError("internal error: missing argument \(i)") }
        switch self[i] {
        case .int(let v, _): return Int(v)
        default: throw FunctionError("internal error: argument \(i) is \(self[i].goTypeName), not int")
        }
    }

    func float(_ i: Int) throws -> Double {
        guard i < count else { throw FunctionError("internal error: missing argument \(i)") }
        switch self[i] {
        case .float(let d): return d
        case .int(let v, _): return Double(v)
        default: throw FunctionError("internal error: argument \(i) is \(self[i].goTypeName), not float64")
        }
    }

    func bool(_ i: Int) throws -> Bool {
        guard i < count else { throw FunctionError("internal error: missing argument \(i)") }
        switch self[i] {
        case .bool(let b): return b
        default: throw FunctionError("internal error: argument \(i) is \(self[i].goTypeName), not bool")
        }
    }

    /// An `interface{}` argument (absent → nil).
    func any(_ i: Int) -> TemplateValue { i < count ? self[i] : .null }

    /// Variadic `int` arguments from index `i` on.
    func ints(from i: Int) throws -> [Int] {
        try (i..<Swift.max(i, count)).map { try int($0) }
    }
}

extension TemplateValue {
    /// Go's `interface{}` nil check as Sprig does it (`s != nil`).
    var isGoNil: Bool { isNil }
}
