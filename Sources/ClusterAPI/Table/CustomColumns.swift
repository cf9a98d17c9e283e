import StructuredData

/// Custom resource tables: `Name` plus the version's `additionalPrinterColumns` (default: one `Age` column of
/// type `date`), evaluated with the JSONPath subset CRDs use in practice.
enum CustomColumns {
    static let defaultColumns = [PrinterColumn(name: "Age", type: "date", description: ColumnDoc.creationTimestamp,
                                               jsonPath: ".metadata.creationTimestamp")]

    static func printerColumns(_ r: ResourceInfo) -> [PrinterColumn] {
        r.printerColumns.isEmpty ? defaultColumns : r.printerColumns
    }

    static func columns(for r: ResourceInfo) -> [TableColumn] {
        [.name] + printerColumns(r).map { c in
            TableColumn(name: c.name, type: c.type, format: c.format,
                        description: c.description.isEmpty
                            ? "Custom resource definition column (in JSONPath format): \(c.jsonPath)" : c.description,
                        priority: c.priority)
        }
    }

    static func cells(for r: ResourceInfo, object: TObj, now: Int64) -> [Value] {
        [object.nameCell] + printerColumns(r).map { c in
            guard let path = JSONPathSubset(c.jsonPath), let v = path.first(in: object.value), v != .null else {
                return .null
            }
            return cell(type: c.type, value: v, now: now)
        }
    }

    /// `cellForJSONValue`, with `string` columns printing non-strings the way kubectl's JSONPath does.
    static func cell(type: String, value: Value, now: Int64) -> Value {
        switch (type, value) {
        case ("integer", .int): return value
        case ("integer", .float(let d)): return ResourceValue.int(.float(d.rounded(.towardZero))).map { .int($0) } ?? .null
        case ("number", .int(let i)): return .float(Double(i))
        case ("number", .float): return value
        case ("boolean", .bool): return value
        case ("date", .string(let s)):
            guard let t = TableTime.parse(s) else { return "<invalid>" }
            return .string(TableTime.humanDuration(seconds: now &- t))
        case ("string", .string): return value
        case ("string", .int(let i)): return .string(String(i))
        case ("string", .bool(let b)): return .string(b ? "true" : "false")
        case ("string", .float(let d)): return .string(JSON.formatFloat(d))
        case ("string", .map), ("string", .list): return .string(JSON.encode(value, escapeHTML: false))
        default: return .null
        }
    }
}

/// The JSONPath forms CRD printer columns use: `.a.b`, `['a.b']`, `[0]`, `[*]` and
/// `[?(@.type=="Ready")]` filters (`==` / `!=` against a string or number), optionally wrapped in `{}`.
struct JSONPathSubset {
    enum Step {
        case key(String)
        case index(Int)
        case all
        case filter(path: [String], negated: Bool, value: Value)
    }

    let steps: [Step]

    init?(_ text: String) {
        var s = Substring(text)
        if s.hasPrefix("{") && s.hasSuffix("}") { s = s.dropFirst().dropLast() }
        if s.hasPrefix("$") { s = s.dropFirst() }
        var steps: [Step] = []
        while let c = s.first {
            if c == "." {
                s = s.dropFirst()
                let name = s.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { return nil }
                steps.append(name == "*" ? .all : .key(String(name)))
                s = s.dropFirst(name.count)
            } else if c == "[" {
                guard let close = JSONPathSubset.matchingBracket(s) else { return nil }
                let inner = s[s.index(after: s.startIndex)..<close]
                s = s[s.index(after: close)...]
                if inner == "*" {
                    steps.append(.all)
                } else if let i = Int(inner) {
                    steps.append(.index(i))
                } else if (inner.hasPrefix("'") && inner.hasSuffix("'")) || (inner.hasPrefix("\"") && inner.hasSuffix("\"")),
                          inner.count >= 2
                {
                    steps.append(.key(String(inner.dropFirst().dropLast())))
                } else if inner.hasPrefix("?(@.") && inner.hasSuffix(")") {
                    let expr = inner.dropFirst(4).dropLast()
                    let negated = expr.contains("!=")
                    let parts = expr.components(separatedBy: negated ? "!=" : "==")
                    guard parts.count == 2 else { return nil }
                    let lhs = parts[0].trimmed, rhs = parts[1].trimmed
                    let path = lhs.split(separator: ".").map(String.init)
                    let value: Value
                    if (rhs.hasPrefix("\"") && rhs.hasSuffix("\"")) || (rhs.hasPrefix("'") && rhs.hasSuffix("'")),
                       rhs.count >= 2
                    {
                        value = .string(String(rhs.dropFirst().dropLast()))
                    } else if let i = Int64(rhs) {
                        value = .int(i)
                    } else if rhs == "true" || rhs == "false" {
                        value = .bool(rhs == "true")
                    } else {
                        return nil
                    }
                    steps.append(.filter(path: path, negated: negated, value: value))
                } else {
                    return nil
                }
            } else {
                return nil
            }
        }
        self.steps = steps
    }

    private static func matchingBracket(_ s: Substring) -> Substring.Index? {
        var depth = 0
        var quote: Character?
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "[" || c == "(" {
                depth += 1
            } else if c == "]" || c == ")" {
                depth -= 1
                if depth == 0 && c == "]" { return i }
            }
            i = s.index(after: i)
        }
        return nil
    }

    /// Every match, in document order.
    func evaluate(_ root: Value?) -> [Value] {
        var current: [Value] = root.map { [$0] } ?? []
        for step in steps {
            var next: [Value] = []
            for v in current {
                switch step {
                case .key(let k): if let x = v[k] { next.append(x) }
                case .index(let i):
                    if let l = v.listValue {
                        let j = i < 0 ? l.count + i : i
                        if j >= 0 && j < l.count { next.append(l[j]) }
                    }
                case .all:
                    if let l = v.listValue { next += l } else if let m = v.mapValue {
                        next += m.keys.sorted().compactMap { m[$0] }
                    }
                case .filter(let path, let negated, let want):
                    for item in v.listValue ?? [] {
                        let got = item.lookup(path)
                        let equal = got == want || (got.map { ResourceValue.int($0) } ?? nil).map { .int($0) } == want
                        if got != nil && equal != negated { next.append(item) }
                    }
                }
            }
            current = next
        }
        return current
    }

    func first(in root: Value?) -> Value? { evaluate(root).first }
}

extension Substring {
    fileprivate func components(separatedBy sep: String) -> [Substring] {
        var out: [Substring] = []
        var rest = self[...]
        while let r = rest.firstRange(of: sep) {
            out.append(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
        out.append(rest)
        return out
    }

    fileprivate var trimmed: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
