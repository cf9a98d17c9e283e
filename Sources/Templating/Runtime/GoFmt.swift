import StructuredData
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
        var sharpV = false, plusV = false
        var width: Int?
        var precision: Int?
    }

    /// `fmt.Sprintf`, following Go's `doPrintf` (argument indexes, `*` width/precision, BADINDEX,
    /// MISSING, EXTRA, NOVERB).
    public static func sprintf(_ format: String, _ args: [TemplateValue]) -> String {
        let f = Array(format.unicodeScalars)
        let end = f.count
        var out = ""
        var argNum = 0
        var reordered = false
        var i = 0

        func parseNum(_ start: Int) -> (Int?, Int) {
            var j = start
            var n = 0
            while j < end, f[j].isASCII, let d = Int(String(f[j])) {
                if n > 1_000_000 { return (nil, j) }
                n = n * 10 + d
                j += 1
            }
            return (j > start ? n : nil, j)
        }

        /// Go's `argNumber`: returns (newArgNum, newIndex, found); sets goodArgNum false on a bad index.
        func argNumber(_ argNum: Int, _ i: Int, _ goodArgNum: inout Bool) -> (Int, Int, Bool) {
            guard i < end, f[i] == "[" else { return (argNum, i, false) }
            reordered = true
            var j = i + 1
            while j < end, f[j] != "]" { j += 1 }
            guard j < end else {
                goodArgNum = false
                return (argNum, i + 1, false)
            }
            let (n, after) = parseNum(i + 1)
            guard let n, after == j else {
                goodArgNum = false
                return (argNum, j + 1, false)
            }
            let index = n - 1
            if index >= 0 && index < args.count { return (index, j + 1, true) }
            goodArgNum = false
            return (argNum, j + 1, true)
        }

        func intFromArg(_ argNum: Int) -> (Int?, Int) {
            guard argNum < args.count else { return (nil, argNum) }
            if case .int(let v, _) = args[argNum], abs(v) <= 1_000_000 { return (Int(v), argNum + 1) }
            return (nil, argNum + 1)
        }

        while i < end {
            let c = f[i]
            if c != "%" {
                out.unicodeScalars.append(c)
                i += 1
                continue
            }
            i += 1
            var spec = Spec()
            var goodArgNum = true
            flags: while i < end {
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
            var afterIndex: Bool
            (argNum, i, afterIndex) = argNumber(argNum, i, &goodArgNum)
            if i < end, f[i] == "*" {
                i += 1
                let (w, next) = intFromArg(argNum)
                argNum = next
                if let w {
                    spec.width = abs(w)
                    if w < 0 { spec.minus = true; spec.zero = false }
                } else {
                    out += "%!(BADWIDTH)"
                }
                afterIndex = false
            } else {
                let (w, next) = parseNum(i)
                i = next
                spec.width = w
                if afterIndex && w != nil { goodArgNum = false }
            }
            if i + 1 <= end - 1 || (i < end && f[i] == "." && i + 1 < end) {
                if i < end, f[i] == "." {
                    i += 1
                    if afterIndex { goodArgNum = false }
                    (argNum, i, afterIndex) = argNumber(argNum, i, &goodArgNum)
                    if i < end, f[i] == "*" {
                        i += 1
                        let (p, next) = intFromArg(argNum)
                        argNum = next
                        if let p, p >= 0 { spec.precision = p } else if p == nil { out += "%!(BADPREC)" }
                        afterIndex = false
                    } else {
                        let (p, next) = parseNum(i)
                        i = next
                        spec.precision = p ?? 0
                    }
                }
            }
            if !afterIndex { (argNum, i, afterIndex) = argNumber(argNum, i, &goodArgNum) }
            guard i < end else {
                out += "%!(NOVERB)"
                break
            }
            let verb = f[i]
            i += 1
            if verb == "%" {
                out += "%"
                continue
            }
            if !goodArgNum {
                out += "%!\(Character(verb))(BADINDEX)"
                continue
            }
            guard argNum < args.count else {
                out += "%!\(Character(verb))(MISSING)"
                continue
            }
            if verb == "v" {
                spec.sharpV = spec.sharp
                spec.sharp = false
                spec.plusV = spec.plus
                spec.plus = false
            }
            out += GoFmt.format(args[argNum], verb: verb, spec: spec)
            argNum += 1
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

    /// Go-syntax representation (`%#v`).
    static func goSyntax(_ v: TemplateValue) -> String {
        switch v {
        case .invalid, .null: return "<nil>"
        case .string(let s): return goQuote(s)
        case .float(let d):
            let s = GoFloat.formatV(d)
            return s
        case .bytes(let b): return "[]byte{" + b.map { "0x" + String($0, radix: 16) }.joined(separator: ", ") + "}"
        case .list(let items, let kind):
            return kind.rawValue + "{" + items.map(goSyntax).joined(separator: ", ") + "}"
        case .map(let m):
            return m.typeName + "{" + m.sortedKeys.map { goQuote($0) + ":" + goSyntax(m.storage[$0]!) }
                .joined(separator: ", ") + "}"
        default: return plain(v)
        }
    }

    /// Go's `%x` of a float64: hexadecimal mantissa and binary exponent (`0x1.8p+00`).
    static func hexFloat(_ d: Double, upper: Bool, precision: Int?) -> String {
        if let s = GoFloat.specialValue(d) { return s }
        let sign = d.sign == .minus ? "-" : ""
        var mantissa = d.significandBitPattern
        var exp = Int(d.exponent)
        if d == 0 {
            exp = 0
            mantissa = 0
        } else if d.isSubnormal {
            // Normalise: shift the leading 1 into the implicit position.
            var m = mantissa
            var e = -1022
            while m & (1 << 52) == 0 { m <<= 1; e -= 1 }
            mantissa = m & ((1 << 52) - 1)
            exp = e + 1 - 1
        }
        var digits = String(mantissa, radix: 16)
        while digits.count < 13 { digits = "0" + digits }
        if let p = precision {
            // Round to p hex digits (ties to even is enough for display here).
            if p < 13 {
                let shift = UInt64((13 - p) * 4)
                var m = mantissa >> shift
                let rem = mantissa & ((1 << shift) - 1)
                let half: UInt64 = 1 << (shift - 1)
                if rem > half || (rem == half && m & 1 == 1) { m += 1 }
                var lead: UInt64 = d == 0 ? 0 : 1
                if p == 0 { lead += m; m = 0 } else if m >> UInt64(p * 4) != 0 { m = 0; lead += 1 }
                if lead > 1 { lead = 1; exp += 1 }
                digits = p == 0 ? "" : String(m, radix: 16)
                while digits.count < p { digits = "0" + digits }
                let e = exp < 0 ? "-" : "+"
                let a = abs(exp)
                let body = "0x\(lead)" + (digits.isEmpty ? "" : "." + digits) + "p\(e)" + (a < 10 ? "0\(a)" : "\(a)")
                return sign + (upper ? body.uppercased() : body)
            }
            while digits.count < p { digits += "0" }
        } else {
            while digits.hasSuffix("0") { digits.removeLast() }
        }
        let lead = d == 0 ? "0" : "1"
        let e = exp < 0 ? "-" : "+"
        let a = abs(exp)
        let body = "0x" + lead + (digits.isEmpty ? "" : "." + digits) + "p" + e + (a < 10 ? "0\(a)" : "\(a)")
        return sign + (upper ? body.uppercased() : body)
    }

    static func bad(_ verb: Unicode.Scalar, _ v: TemplateValue) -> String {
        if v.isNil { return "%!\(Character(verb))(<nil>)" }
        return "%!\(Character(verb))(\(v.goTypeName)=\(plain(v)))"
    }

    static func pad(_ s: String, _ spec: Spec, zeroOK: Bool = false, plainZero: Bool = false) -> String {
        guard let w = spec.width else { return s }
        let n = s.unicodeScalars.count
        if n >= w { return s }
        let fill = w - n
        if spec.minus { return s + String(repeating: " ", count: fill) }
        // Strings are zero-padded verbatim (Go's padString with the 0 flag).
        if spec.zero && plainZero { return String(repeating: "0", count: fill) + s }
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
        if verb == "v" && spec.sharpV { return pad(goSyntax(v), spec) }
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
            // A nil element of an interface slice prints <nil> whatever the verb.
            return pad("[" + items.map { $0.isNil ? "<nil>" : format($0, verb: verb, spec: Spec(plus: spec.plus, sharp: spec.sharp)) }.joined(separator: " ") + "]", spec)
        case .map(let m):
            let body = m.sortedKeys.map { k in
                format(.string(k), verb: verb, spec: Spec()) + ":"
                    + (m.storage[k]!.isNil ? "<nil>" : format(m.storage[k]!, verb: verb, spec: Spec()))
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
            if spec.sharp, let sc = Unicode.Scalar(UInt32(truncatingIfNeeded: n)), isGoPrintable(sc) || sc.isASCII && sc.value >= 0x20 {
                return pad("U+" + h + " '" + String(Character(sc)) + "'", spec)
            }
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
        case "x", "X": s = hexFloat(d, upper: verb == "X", precision: spec.precision)
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
            return pad(s, spec, plainZero: true)
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
