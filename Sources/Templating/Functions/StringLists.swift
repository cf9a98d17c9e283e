/// Sprig's string-list functions: `split`/`splitn` (maps keyed `_0`, `_1`, … typed
/// `map[string]string`), `splitList` (`[]string`), `toStrings`, `join`, `sortAlpha`.
extension FunctionRegistry {
    mutating func registerStringLists() {
        register("split", [.string, .string]) { a, _ in
            indexedMap(GoStrings.splitN(try a.string(1), try a.string(0), -1))
        }
        register("splitn", [.string, .int, .string]) { a, _ in
            indexedMap(GoStrings.splitN(try a.string(2), try a.string(0), try a.int(1)))
        }
        register("splitList", [.string, .string]) { a, _ in
            .stringList(GoStrings.splitN(try a.string(1), try a.string(0), -1))
        }
        register("toStrings", [.any]) { a, _ in .stringList(stringSlice(a.any(0))) }
        register("join", [.string, .any]) { a, _ in
            .string(stringSlice(a.any(1)).joined(separator: try a.string(0)))
        }
        register("sortAlpha", [.any]) { a, _ in
            let v = a.any(0)
            switch v {
            case .list, .bytes:
                return .stringList(stringSlice(v).sorted(by: goStringLess))
            case .object(let o) where o.listView != nil:
                return .stringList(stringSlice(v).sorted(by: goStringLess))
            default:
                // Not a slice: a one-element list of its strval (nil → "<nil>").
                return .stringList([v.stringified])
            }
        }
    }
}

/// `{"_0": parts[0], …}` as Go's `map[string]string`.
private func indexedMap(_ parts: [String]) -> TemplateValue {
    var m: [String: TemplateValue] = [:]
    for (i, p) in parts.enumerated() { m["_\(i)"] = .string(p) }
    return .map(MapRef(m, typeName: "map[string]string"))
}

/// Sprig's `strslice`: a slice's non-nil elements through strval; nil → []; anything else → [strval].
func stringSlice(_ v: TemplateValue) -> [String] {
    switch v {
    case .list(let items, _):
        return items.filter { !$0.isGoNil }.map(\.stringified)
    case .bytes(let b):
        // []byte is a slice of uint8: each element prints as a number.
        return b.map { String($0) }
    case .invalid, .null:
        return []
    case .object(let o) where o.listView != nil:
        return o.listView!.map(\.stringified)
    default:
        return [v.stringified]
    }
}
