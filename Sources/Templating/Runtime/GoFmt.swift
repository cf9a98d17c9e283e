public import StructuredData

/// Go's `fmt` package for template values: `Sprint`, `Sprintln` and `Sprintf` with Go's verbs, flags
/// and error spellings (`%!d(float64=3)`, `%!v(MISSING)`, `%!(EXTRA int=2)`).
public enum GoFmt {
    /// `fmt.Sprint`: spaces between operands when neither is a string.
    public static func sprint(_ args: [TemplateValue]) -> String {
        var out = ""
        var prevString = false
        for (i, a) in args.enumerated() {
            let isString: Bool
            if case .string = a { isString = true } else { isString = false }
            if i > 0 && !isString && !prevString { out += " " }
            out += plain(a)
            prevString = isString
        }
        return out
    }

    /// `fmt.Sprintln`: always spaces, then a newline.
    public static func sprintln(_ args: [TemplateValue]) -> String {
        args.map(plain).joined(separator: " ") + "\n"
    }

    /// `%v` of one operand as `fmt.Print` shows it (nil → `<nil>`).
    static func plain(_ v: TemplateValue) -> String {
        switch v {
        case .invalid, .null: "<nil>"
        case .string(let s): s
        default: v.goString
        }
    }

    struct Spec {
        var minus = false, plus = false, sharp = false, space = false, zero = false
        var width: Int?
        var precision: Int?
    }

    /// `fmt.Sprintf`.
    public static func sprintf(_ format: String, _ args: [TemplateValue]) -> String {
        let f = Array(format.unicodeScalars)
        var out = ""
        var argNum = 0
        var reordered = false
        var i = 0
        while i < f.count {
            let c = f[i]
            if c != "%" {
                out.unicodeScalars.append(c)
                i += 1
                continue
            }
            i += 1
            var spec = Spec()
            // flags
            flags: while i < f.count {
                switch f[i] {
                case "-": spec.minus = true; spec.zero = false
                case "+": spec.plus = true
                case "#": spec.sharp = true
                case " ": spec.space = true
                case "0": spec.zero = !spec.minus
                default: break flags
                }
                i += 1
            }
            // argument index
            func argIndex() {
                if i < f.count, f[i] == "[" {
                    var j = i + 1
                    var n = 0
                    var ok = false
                    while j < f.count, let d = f[j].properties.numericType != nil ? Int(String(f[j])) : nil {
                        n = n * 10 + d; j += 1; ok = true
                    }
                    if ok, j < f.count, f[j] == "]" {
                        argNum = n - 1
                        reordered = true
                        i = j + 1
                    }
                }
            }
            argIndex()
            // width
            if i < f.count, f[i] == "*" {
                i += 1
                if argNum < args.count, case .int(let w, _) = args[argNum] {
                    spec.width = Int(w)
                    if w < 0 { spec.minus = true; spec.width = Int(-w) }
                } else {
                    out += "%!(BADWIDTH)"
                }
                argNum += 1
            } else {
                var w = 0
                var has = false
                while i < f.count, let d = Int(String(f[i])), f[i].isASCII {
                    w = w * 10 + d; i += 1; has = true
                }
                if has { spec.width = w }
            }
            // precision
            if i < f.count, f[i] == "." {
                i += 1
                argIndex()
                if i < f.count, f[i] == "*" {
                    i += 1
                    if argNum < args.count, case .int(let p, _) = args[argNum] {
                        spec.precision = p < 0 ? nil : Int(p)
                    } else {
                        out += "%!(BADPREC)"
                    }
                    argNum += 1
                } else {
                    var p = 0
                    while i < f.count, let d = Int(String(f[i])), f[i].isASCII { p = p * 10 + d; i += 1 }
                    spec.precision = p
                }
            }
            argIndex()
            guard i < f.count else {
                out += "%!(NOVERB)"
                break
            }
            let verb = f[i]
            i += 1
            if verb == "%" {
                out += "%"
                continue
            }
            guard argNum < args.count else {
                out += "%!\(Character(verb))(MISSING)"
                continue
            }
            let arg = args[argNum]
            argNum += 1
            out += GoFmt.format(arg, verb: verb, spec: spec)
        }
        if !reordered && argNum < args.count {
            out += "%!(EXTRA "
            out += args[argNum...].map { a -> String in
                if a.isNil { return "<nil>" }
                return "\(a.goTypeName)=\(plain(a))"
            }.joined(separator: ", ")
            out += ")"
        }
        return out
    }

    static func bad(_ verb: Unicode.Scalar, _ v: TemplateValue) -> String {
        if v.isNil { return "%!\(Character(verb))(<nil>)" }
        return "%!\(Character(verb))(\(v.goTypeName)=\(plain(v)))"
    }

    static func pad(_ s: String, _ spec: Spec, zeroOK: Bool = false) -> String {
        guard let w = spec.width else { return s }
        let n = s.unicodeScalars.count
        if n >= w { return s }
        let fill = w - n
        if spec.minus { return s + String(repeating: " ", count: fill) }
        if spec.zero && zeroOK {
            // Zero padding goes after the sign.
            if let f = s.first, f == "-" || f == "+" || f == " " {
                return String(f) + String(repeating: "0", count: fill) + s.dropFirst()
            }
            return String(repeating: "0", count: fill) + s
        }
        return String(repeating: " ", count: fill) + s
    }

    static func format(_ v: TemplateValue, verb: Unicode.Scalar, spec: Spec) -> String {
        switch v {
        case .invalid, .null:
            return verb == "v" || verb == "T" ? pad(verb == "T" ? "<nil>" : "<nil>", spec) : bad(verb, v)
        default: break
        }
        if verb == "T" { return pad(v.goTypeName, spec) }
        switch v {
        case .bool(let b):
            return verb == "v" || verb == "t" ? pad(b ? "true" : "false", spec) : bad(verb, v)
        case .int(let n, let kind):
            return formatInt(n, unsigned: kind.isUnsigned, verb: verb, spec: spec) ?? bad(verb, v)
        case .float(let d):
            return formatFloat(d, verb: verb, spec: spec) ?? bad(verb, v)
        case .string(let s):
            return formatString(Array(s.utf8), verb: verb, spec: spec) ?? bad(verb, v)
        case .bytes(let b):
            if verb == "s" || verb == "q" || verb == "x" || verb == "X" {
                return formatString(b, verb: verb, spec: spec) ?? bad(verb, v)
            }
            let items = b.map { formatInt(Int64($0), unsigned: true, verb: verb == "v" ? "d" : verb, spec: Spec()) ?? bad(verb, .int(Int64($0), .uint8)) }
            return pad("[" + items.joined(separator: " ") + "]", spec)
        case .list(let items, _):
            return pad("[" + items.map { format($0, verb: verb, spec: Spec(plus: spec.plus, sharp: spec.sharp)) }.joined(separator: " ") + "]", spec)
        case .map(let m):
            let body = m.sortedKeys.map { k in
                format(.string(k), verb: verb, spec: Spec()) + ":" + format(m.storage[k]!, verb: verb, spec: Spec())
            }.joined(separator: " ")
            return pad("map[" + body + "]", spec)
        case .object(let o):
            if "vsqxX".unicodeScalars.contains(verb) {
                return formatString(Array(o.valueFormatted.utf8), verb: verb == "v" ? "s" : verb, spec: spec) ?? bad(verb, v)
            }
            return bad(verb, v)
        case .invalid, .null:
            return bad(verb, v)
        }
    }

    static func formatInt(_ n: Int64, unsigned: Bool, verb: Unicode.Scalar, spec: Spec) -> String? {
        let negative = n < 0 && !unsigned
        let mag: UInt64 = unsigned ? UInt64(bitPattern: n) : n.magnitude
        var digits: String
        var prefix = ""
        switch verb {
        case "d", "v": digits = String(mag)
        case "b": digits = String(mag, radix: 2); if spec.sharp { prefix = "0b" }
        case "o": digits = String(mag, radix: 8); if spec.sharp { prefix = "0" }
        case "O": digits = String(mag, radix: 8); prefix = "0o"
        case "x": digits = String(mag, radix: 16); if spec.sharp { prefix = "0x" }
        case "X": digits = String(mag, radix: 16).uppercased(); if spec.sharp { prefix = "0X" }
        case "c":
            return pad(Unicode.Scalar(UInt32(truncatingIfNeeded: n)).map { String(Character($0)) } ?? "\u{FFFD}", spec)
        case "q":
            let s = Unicode.Scalar(UInt32(truncatingIfNeeded: n)).map { String(Character($0)) } ?? "\u{FFFD}"
            return pad(goQuote(s, quote: "'"), spec)
        case "U":
            var h = String(mag, radix: 16).uppercased()
            while h.count < 4 { h = "0" + h }
            return pad("U+" + h, spec)
        default: return nil
        }
        if let p = spec.precision {
            if p == 0 && mag == 0 { digits = "" }
            while digits.count < p { digits = "0" + digits }
        }
        let sign = negative ? "-" : (spec.plus ? "+" : (spec.space ? " " : ""))
        return pad(sign + prefix + digits, spec, zeroOK: spec.precision == nil)
    }

    static func formatFloat(_ d: Double, verb: Unicode.Scalar, spec: Spec) -> String? {
        var s: String
        switch verb {
        case "v", "g": s = spec.precision.map { GoFloat.formatG(d, precision: $0) } ?? GoFloat.formatV(d)
        case "G": s = spec.precision.map { GoFloat.formatG(d, precision: $0, upper: true) } ?? GoFloat.formatV(d).uppercased()
        case "f", "F": s = GoFloat.formatF(d, precision: spec.precision ?? 6)
        case "e": s = GoFloat.formatE(d, precision: spec.precision ?? 6)
        case "E": s = GoFloat.formatE(d, precision: spec.precision ?? 6, upper: true)
        default: return nil
        }
        if d.isInfinite && d > 0 && !spec.plus { s = "+Inf" }
        if spec.plus && !s.hasPrefix("-") && !s.hasPrefix("+") { s = "+" + s }
        else if spec.space && !s.hasPrefix("-") && !s.hasPrefix("+") { s = " " + s }
        if d.isInfinite && d > 0 && !spec.plus && !spec.space { s = "+Inf" }
        return pad(s, spec, zeroOK: d.isFinite)
    }

    static func formatString(_ b: [UInt8], verb: Unicode.Scalar, spec: Spec) -> String? {
        switch verb {
        case "v", "s":
            var s = String(decoding: b, as: UTF8.self)
            if let p = spec.precision { s = String(String.UnicodeScalarView(s.unicodeScalars.prefix(p))) }
            return pad(s, spec)
        case "q":
            var s = String(decoding: b, as: UTF8.self)
            if let p = spec.precision { s = String(String.UnicodeScalarView(s.unicodeScalars.prefix(p))) }
            if spec.sharp && !s.contains("`") && s.unicodeScalars.allSatisfy({ $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }) {
                return pad("`" + s + "`", spec)
            }
            return pad(goQuote(s, asciiOnly: spec.plus), spec)
        case "x", "X":
            let digits = Array(verb == "x" ? "0123456789abcdef" : "0123456789ABCDEF")
            var bytes = b
            if let p = spec.precision, p < bytes.count { bytes = Array(bytes.prefix(p)) }
            var out = ""
            for (i, x) in bytes.enumerated() {
                if spec.space && i > 0 { out += " " }
                if spec.sharp && (spec.space || i == 0) { out += verb == "x" ? "0x" : "0X" }
                out.append(digits[Int(x >> 4)])
                out.append(digits[Int(x & 15)])
            }
            return pad(out, spec)
        default:
            return nil
        }
    }
}
