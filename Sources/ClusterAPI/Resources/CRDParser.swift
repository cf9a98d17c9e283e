import StructuredData

/// Reads the parts of an `apiextensions.k8s.io/v1` CustomResourceDefinition that discovery, routing and
/// tables need. Validation is limited to what would make the catalog inconsistent; full CRD validation
/// belongs to admission.
enum CRDParser {
    struct Parsed {
        var group: String
        var plural: String
        var resources: [ResourceInfo]
    }

    static func parse(_ crd: Value) throws(CatalogError) -> Parsed {
        guard case .map = crd else { throw CatalogError("CustomResourceDefinition must be an object") }
        guard let spec = crd["spec"], case .map = spec else {
            throw CatalogError("CustomResourceDefinition has no spec")
        }
        guard let group = spec["group"]?.stringValue, !group.isEmpty else {
            throw CatalogError("spec.group: Required value")
        }
        guard let names = spec["names"], case .map = names else { throw CatalogError("spec.names: Required value") }
        guard let plural = names["plural"]?.stringValue, !plural.isEmpty else {
            throw CatalogError("spec.names.plural: Required value")
        }
        guard let kind = names["kind"]?.stringValue, !kind.isEmpty else {
            throw CatalogError("spec.names.kind: Required value")
        }
        let singular = names["singular"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? kind.lowercased()
        let listKind = names["listKind"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? kind + "List"
        let shortNames = strings(names["shortNames"])
        let categories = strings(names["categories"])
        let namespaced: Bool
        switch spec["scope"]?.stringValue {
        case "Namespaced": namespaced = true
        case "Cluster": namespaced = false
        case let other:
            throw CatalogError("spec.scope: Unsupported value: \"\(other ?? "")\": supported values: \"Cluster\", \"Namespaced\"")
        }
        guard let versions = spec["versions"]?.listValue, !versions.isEmpty else {
            throw CatalogError("spec.versions: Invalid value: must have exactly one version marked as storage version")
        }
        var out: [ResourceInfo] = []
        for (i, v) in versions.enumerated() {
            guard let name = v["name"]?.stringValue, !name.isEmpty else {
                throw CatalogError("spec.versions[\(i)].name: Required value")
            }
            guard v["served"] == .bool(true) else { continue }
            var subs: [SubresourceInfo] = []
            if let sr = v["subresources"] {
                // Discovery lists subresources by name: scale sorts before status.
                if let scale = sr["scale"], !scale.isNull {
                    subs.append(.scale)
                }
                if let status = sr["status"], !status.isNull {
                    subs.append(.status(kind))
                }
            }
            var columns: [PrinterColumn] = []
            for (j, c) in (v["additionalPrinterColumns"]?.listValue ?? []).enumerated() {
                guard let cname = c["name"]?.stringValue, let path = c["jsonPath"]?.stringValue,
                      let type = c["type"]?.stringValue
                else {
                    throw CatalogError("spec.versions[\(i)].additionalPrinterColumns[\(j)]: name, type and jsonPath are required")
                }
                columns.append(PrinterColumn(name: cname, type: type, format: c["format"]?.stringValue ?? "",
                                             description: c["description"]?.stringValue ?? "",
                                             priority: Int(ResourceValue.int(c["priority"]) ?? 0), jsonPath: path))
            }
            out.append(ResourceInfo(group: group, version: name, kind: kind, listKind: listKind, plural: plural,
                                    singular: singular, namespaced: namespaced, shortNames: shortNames,
                                    categories: categories, subresources: subs, isCustomResource: true,
                                    printerColumns: columns))
        }
        return Parsed(group: group, plural: plural, resources: out)
    }

    private static func strings(_ v: Value?) -> [String] {
        (v?.listValue ?? []).compactMap(\.stringValue)
    }
}

/// Reading helpers shared by the catalog, selectors and tables.
enum ResourceValue {
    /// An integer from `.int` or an integral `.float` (JSON decoders may produce either).
    static func int(_ v: Value?) -> Int64? {
        switch v {
        case .int(let i)?: return i
        case .float(let d)? where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        default: return nil
        }
    }
}
