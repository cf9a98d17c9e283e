import StructuredData

/// Value helpers shared by the three patch types.
enum PatchValues {
    /// JSON equality as a JSON-patch `test` or a merge-key lookup sees it: numbers compare by value
    /// (`1` equals `1.0`, since our decoder keeps integer literals as `.int` while other paths give
    /// `.float`), maps ignore key order, lists compare in order.
    static func equivalent(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.int(let x), .float(let y)), (.float(let y), .int(let x)):
            // Exact comparison: Int64 → Double can round, so compare back in the integer domain.
            guard y.rounded() == y, y >= -9.223372036854775808e18, y < 9.223372036854775808e18 else { return false }
            return Int64(y) == x
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            for (l, r) in zip(x, y) where !equivalent(l, r) { return false }
            return true
        case (.map(let x), .map(let y)):
            guard x.count == y.count else { return false }
            for (k, l) in x {
                guard let r = y[k], equivalent(l, r) else { return false }
            }
            return true
        default:
            return a == b
        }
    }

    /// The JSON kind name used in error messages (`map`, `list`, `string`, ...).
    static func kind(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .bool: "bool"
        case .int, .float: "number"
        case .string: "string"
        case .list: "list"
        case .map: "map"
        }
    }

    /// A short JSON rendering for error messages; long values are cut so a hostile patch cannot blow
    /// up the error text.
    static func brief(_ v: Value) -> String {
        let s = JSON.encode(v)
        guard s.count > 200 else { return s }
        return String(s.prefix(200)) + "..."
    }

    /// Counts the nodes of a value (bounded by `limit` so counting a huge value stays cheap).
    static func size(_ v: Value, limit: Int) -> Int {
        var count = 0
        var stack: [Value] = [v]
        while let top = stack.popLast() {
            count += 1
            if count >= limit { return count }
            switch top {
            case .list(let l): stack.append(contentsOf: l)
            case .map(let m): stack.append(contentsOf: m.values)
            default: break
            }
        }
        return count
    }
}

extension Value {
    /// Moves the list payload out, leaving `.null`, so the caller holds the only reference and can
    /// mutate it without copying (a `switch` on the value would keep a second reference alive).
    mutating func takeList() -> [Value]? {
        guard case .list(let l) = self else { return nil }
        self = .null
        return l
    }

    /// Moves the map payload out, leaving `.null` (see ``takeList()``).
    mutating func takeMap() -> [String: Value]? {
        guard case .map(let m) = self else { return nil }
        self = .null
        return m
    }
}
