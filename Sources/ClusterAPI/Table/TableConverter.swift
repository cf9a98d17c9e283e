public import StructuredData

/// Builds `meta.k8s.io/v1 Table` responses (what `kubectl get` asks for) with the server-side columns
/// kube-apiserver 1.32's printers define per kind. Every column is produced (the server prints as if
/// `-o wide`); kubectl hides `priority: 1` columns unless asked. Custom resources use their version's
/// `additionalPrinterColumns` (default: `Age`); kinds without a printer get `Name` and `Created At`.
public enum TableConverter {
    /// The columns a Table of `resource` carries.
    public static func columnDefinitions(for resource: ResourceInfo) -> [TableColumn] {
        if resource.isCustomResource { return CustomColumns.columns(for: resource) }
        if let p = Printers.printer(for: resource) { return p.columns }
        return [.name, .createdAt]
    }

    /// The whole Table for `objects` (list items or a single object), with `now` in Unix seconds for ages
    /// and `listMeta` (resourceVersion, continue, remainingItemCount) as the Table's metadata.
    public static func table(for resource: ResourceInfo, objects: [Value], includeObject: IncludeObject = .metadata,
                             now: Int64, listMeta: Value? = nil) -> Value
    {
        [
            "kind": "Table",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": listMeta ?? [:],
            "columnDefinitions": .list(columnDefinitions(for: resource).map(\.value)),
            "rows": .list(objects.map { row(for: resource, object: $0, includeObject: includeObject, now: now) }),
        ]
    }

    /// One Table row (`cells`, optional `conditions`, `object`).
    public static func row(for resource: ResourceInfo, object: Value, includeObject: IncludeObject = .metadata,
                           now: Int64) -> Value
    {
        let printed: PrintedRow
        let o = TObj(object)
        if resource.isCustomResource {
            printed = PrintedRow(cells: CustomColumns.cells(for: resource, object: o, now: now))
        } else if let p = Printers.printer(for: resource) {
            printed = p.cells(o, now)
        } else {
            let created = TableTime.parse(o["metadata", "creationTimestamp"].string).map { Value.string(TableTime.format($0)) }
            printed = PrintedRow(cells: [o.nameCell, created ?? .null])
        }
        var m: [String: Value] = ["cells": .list(printed.cells)]
        if !printed.conditions.isEmpty { m["conditions"] = .list(printed.conditions) }
        switch includeObject {
        case .none: m["object"] = .null
        case .metadata:
            m["object"] = ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                           "metadata": object["metadata"] ?? [:]]
        case .object:
            var full = object
            if case .map(var fm) = full {
                if fm["kind"] == nil { fm["kind"] = .string(resource.kind) }
                if fm["apiVersion"] == nil { fm["apiVersion"] = .string(resource.apiVersion) }
                full = .map(fm)
            }
            m["object"] = full
        }
        return .map(m)
    }
}

/// The cells (and row conditions) one printer produced.
struct PrintedRow {
    var cells: [Value]
    var conditions: [Value] = []
}

/// One kind's columns and the function that fills them.
struct Printer: Sendable {
    let columns: [TableColumn]
    let cells: @Sendable (TObj, Int64) -> PrintedRow

    init(_ columns: [TableColumn], _ cells: @escaping @Sendable (TObj, Int64) -> [Value]) {
        self.columns = columns
        self.cells = { PrintedRow(cells: cells($0, $1)) }
    }

    init(columns: [TableColumn], rows: @escaping @Sendable (TObj, Int64) -> PrintedRow) {
        self.columns = columns
        self.cells = rows
    }
}

/// A read-only path view over an object, so printers can say `o["spec", "replicas"].int`.
struct TObj {
    let value: Value?

    init(_ value: Value?) { self.value = value }

    subscript(_ keys: String...) -> TObj {
        var cur = value
        for k in keys { cur = cur?[k] }
        return TObj(cur)
    }

    var exists: Bool { value != nil && value != .null }
    /// The string, or `""` when absent or not a string.
    var string: String { value?.stringValue ?? "" }
    var optionalString: String? { value?.stringValue }
    var int: Int64? { ResourceValue.int(value) }
    var intOrZero: Int64 { int ?? 0 }
    var bool: Bool? {
        if case .bool(let b)? = value { return b }
        return nil
    }
    var list: [TObj] { (value?.listValue ?? []).map(TObj.init) }
    var map: [String: Value] { value?.mapValue ?? [:] }
    /// A string map (labels, selectors) with non-string values dropped.
    var stringMap: [String: String] {
        var out: [String: String] = [:]
        for (k, v) in map { if let s = v.stringValue { out[k] = s } }
        return out
    }

    /// An IntOrString rendered as Go's `intstr.String()`.
    var intOrString: String? {
        if let i = int { return String(i) }
        return optionalString
    }

    var nameCell: Value { .string(self["metadata", "name"].string) }

    func age(_ now: Int64) -> Value { .string(TableTime.since(self["metadata", "creationTimestamp"].optionalString, now: now)) }
}
