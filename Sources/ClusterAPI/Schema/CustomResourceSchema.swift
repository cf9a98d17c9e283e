public import StructuredData

/// A CustomResourceDefinition version's `openAPIV3Schema` applied to a custom resource as the API
/// server does: unknown fields are pruned (kept under `x-kubernetes-preserve-unknown-fields`),
/// nulls of non-nullable fields dropped, and values checked for type, `required`, `enum`, bounds,
/// lengths and item counts, with Kubernetes' cause messages
/// (`spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`).
public struct CustomResourceSchema: Sendable {
    public let schema: Value

    public init(schema: Value) { self.schema = schema }

    /// What checking an object found.
    public struct Outcome: Sendable {
        /// The object with unknown fields removed.
        public var pruned: Value
        /// Paths of the removed fields (`spec.colour`), for strict validation and warnings.
        public var unknown: [String]
        public var causes: [FieldCause]
    }

    /// The schema of `version` in a CRD object, when it has one.
    public static func of(crd: Value, version: String) -> CustomResourceSchema? {
        for v in crd["spec"]?["versions"]?.listValue ?? [] where v["name"]?.stringValue == version {
            if let s = v["schema"]?["openAPIV3Schema"], case .map = s { return CustomResourceSchema(schema: s) }
        }
        return nil
    }

    public func check(_ object: Value) -> Outcome {
        var walker = Walker()
        guard case .map(var top) = object else { return Outcome(pruned: object, unknown: [], causes: []) }
        let props = schema["properties"]?.mapValue ?? [:]
        // apiVersion, kind and metadata belong to every object and are validated elsewhere.
        for key in top.keys.sorted() where !["apiVersion", "kind", "metadata"].contains(key) {
            guard let value = top[key] else { continue }
            if let sub = props[key] {
                if let kept = walker.value(value, sub, path: key) { top[key] = kept } else { top.removeValue(forKey: key) }
            } else if !preserves(schema) {
                walker.unknown.append(key)
                top.removeValue(forKey: key)
            }
        }
        walker.required(top, schema, path: "")
        return Outcome(pruned: .map(top), unknown: walker.unknown, causes: walker.causes)
    }

    private func preserves(_ s: Value) -> Bool { s["x-kubernetes-preserve-unknown-fields"] == .bool(true) }

    private struct Walker {
        var unknown: [String] = []
        var causes: [FieldCause] = []
        var depth = 0

        mutating func invalid(_ path: String, _ value: Value, _ detail: String) {
            causes.append(FieldCause(reason: "FieldValueInvalid", message: "Invalid value: \(Self.show(value)): \(detail)", field: path))
        }

        /// The checked (and pruned) value, or nil when it is to be dropped.
        mutating func value(_ value: Value, _ s: Value, path: String) -> Value? {
            guard depth < 64 else { return value }
            depth += 1
            defer { depth -= 1 }
            if case .null = value {
                return s["nullable"] == .bool(true) ? value : nil
            }
            if s["x-kubernetes-int-or-string"] == .bool(true) {
                switch value {
                case .int, .string: return value
                case .float(let d) where d.rounded() == d: return value
                default:
                    invalid(path, value, "\(path) in body must be of type integer,string: \(Self.typeName(value))")
                    return value
                }
            }
            let type = s["type"]?.stringValue ?? ""
            switch (type, value) {
            case ("object", .map(var m)), ("", .map(var m)):
                let props = s["properties"]?.mapValue
                let additional = s["additionalProperties"]
                let preserve = s["x-kubernetes-preserve-unknown-fields"] == .bool(true)
                let embedded = s["x-kubernetes-embedded-resource"] == .bool(true)
                for key in m.keys.sorted() {
                    guard let v = m[key] else { continue }
                    let child = path + "." + key
                    if let sub = props?[key] {
                        if let kept = self.value(v, sub, path: child) { m[key] = kept } else { m.removeValue(forKey: key) }
                    } else if case .map = additional ?? .null, let sub = additional {
                        if let kept = self.value(v, sub, path: child) { m[key] = kept } else { m.removeValue(forKey: key) }
                    } else if additional == .bool(true) || preserve || (props == nil && type.isEmpty)
                        || (embedded && ["apiVersion", "kind", "metadata"].contains(key))
                    {
                        continue
                    } else {
                        unknown.append(child)
                        m.removeValue(forKey: key)
                    }
                }
                required(m, s, path: path)
                bounds(count: m.count, s, path: path, value: value, unit: "properties", minKey: "minProperties", maxKey: "maxProperties")
                return .map(m)
            case ("array", .list(let items)):
                var out: [Value] = []
                for (i, item) in items.enumerated() {
                    if let sub = s["items"] {
                        if let kept = self.value(item, sub, path: "\(path)[\(i)]") { out.append(kept) }
                    } else {
                        out.append(item)
                    }
                }
                bounds(count: out.count, s, path: path, value: value, unit: "items", minKey: "minItems", maxKey: "maxItems")
                enumCheck(value, s, path: path)
                return .list(out)
            case ("string", .string(let str)):
                let n = str.unicodeScalars.count
                if let min = Self.int(s["minLength"]), n < min {
                    invalid(path, value, "\(path) in body should be at least \(min) chars long")
                }
                if let max = Self.int(s["maxLength"]), n > max {
                    causes.append(FieldCause(reason: "FieldValueTooLong", message: "Too long: may not be more than \(max) bytes", field: path))
                }
                enumCheck(value, s, path: path)
                return value
            case ("integer", .int), ("number", .int), ("number", .float):
                numeric(value, s, path: path)
                enumCheck(value, s, path: path)
                return value
            case ("integer", .float(let d)) where d.rounded() == d:
                numeric(value, s, path: path)
                return .int(Int64(exactly: d) ?? 0)
            case ("boolean", .bool):
                enumCheck(value, s, path: path)
                return value
            case ("", _):
                return value
            default:
                invalid(path, value, "\(path) in body must be of type \(type): \"\(Self.typeName(value))\"")
                return value
            }
        }

        mutating func required(_ m: [String: Value], _ s: Value, path: String) {
            for r in s["required"]?.listValue?.compactMap(\.stringValue) ?? [] where m[r] == nil {
                causes.append(FieldCause(reason: "FieldValueRequired", message: "Required value", field: path.isEmpty ? r : path + "." + r))
            }
        }

        mutating func bounds(count: Int, _ s: Value, path: String, value: Value, unit: String, minKey: String, maxKey: String) {
            if let min = Self.int(s[minKey]), count < min {
                invalid(path, value, "\(path) in body should have at least \(min) \(unit)")
            }
            if let max = Self.int(s[maxKey]), count > max {
                causes.append(FieldCause(reason: "FieldValueTooMany", message: "Too many: \(count): must have at most \(max) \(unit)", field: path))
            }
        }

        mutating func numeric(_ value: Value, _ s: Value, path: String) {
            let d: Double
            switch value {
            case .int(let i): d = Double(i)
            case .float(let f): d = f
            default: return
            }
            if let min = s["minimum"].flatMap(Self.number) {
                let exclusive = s["exclusiveMinimum"] == .bool(true)
                if exclusive ? d <= min : d < min {
                    invalid(path, value, "\(path) in body should be greater than \(exclusive ? "" : "or equal to ")\(Self.show(s["minimum"] ?? .null))")
                }
            }
            if let max = s["maximum"].flatMap(Self.number) {
                let exclusive = s["exclusiveMaximum"] == .bool(true)
                if exclusive ? d >= max : d > max {
                    invalid(path, value, "\(path) in body should be less than \(exclusive ? "" : "or equal to ")\(Self.show(s["maximum"] ?? .null))")
                }
            }
        }

        mutating func enumCheck(_ value: Value, _ s: Value, path: String) {
            guard let options = s["enum"]?.listValue, !options.isEmpty else { return }
            if options.contains(where: { Self.same($0, value) }) { return }
            causes.append(FieldCause(reason: "FieldValueNotSupported",
                                     message: "Unsupported value: \(Self.show(value)): supported values: " + options.map(Self.show).joined(separator: ", "),
                                     field: path))
        }

        static func int(_ v: Value?) -> Int? {
            guard let v, let d = number(v), d.rounded() == d, abs(d) < 1e15 else { return nil }
            return Int(d)
        }

        static func same(_ a: Value, _ b: Value) -> Bool {
            if let x = number(a), let y = number(b) { return x == y }
            return a == b
        }

        static func number(_ v: Value) -> Double? {
            switch v {
            case .int(let i): return Double(i)
            case .float(let d): return d
            default: return nil
            }
        }

        static func typeName(_ v: Value) -> String {
            switch v {
            case .null: return "null"
            case .bool: return "boolean"
            case .int: return "integer"
            case .float: return "number"
            case .string: return "string"
            case .list: return "array"
            case .map: return "object"
            }
        }

        static func show(_ v: Value) -> String {
            switch v {
            case .string(let s): return "\"\(s)\""
            case .int(let i): return String(i)
            case .float(let d): return JSON.formatFloat(d)
            case .bool(let b): return b ? "true" : "false"
            case .null: return "null"
            default: return "\"\(typeName(v))\""
            }
        }
    }
}
