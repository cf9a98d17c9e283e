public import StructuredData

/// Why a CustomResourceDefinition could not be registered.
public struct CatalogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, worded like apiextensions validation where it has a counterpart.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The set of resources the API server serves: the built-ins plus the served versions of every registered
/// CustomResourceDefinition. A value type; the API server keeps the current one and swaps it on CRD changes.
public struct ResourceCatalog: Sendable {
    /// All served resources: groups in `/apis` order (core first, built-in groups, then custom groups by name),
    /// the preferred version first within a group, resources by name within a version.
    public private(set) var resources: [ResourceInfo]
    private var byGVR: [GVRKey: Int] = [:]
    private var groupOrder: [String] = []

    private struct GVRKey: Hashable {
        var group: String
        var version: String
        var plural: String
    }

    /// Every built-in kind the bundled cluster serves.
    public static let builtIn = ResourceCatalog(resources: BuiltInResources.all)

    /// A catalog of exactly `resources`, in the given order (group order = first appearance).
    public init(resources: [ResourceInfo]) {
        self.resources = resources
        reindex()
    }

    private mutating func reindex() {
        byGVR = [:]
        groupOrder = []
        var seen = Set<String>()
        for (i, r) in resources.enumerated() {
            byGVR[GVRKey(group: r.group, version: r.version, plural: r.plural)] = i
            if seen.insert(r.group).inserted { groupOrder.append(r.group) }
        }
    }

    // MARK: Lookups

    /// The resource served at `/apis/<group>/<version>/<plural>` (or `/api/v1/<plural>` for group `""`).
    public func resource(group: String, version: String, plural: String) -> ResourceInfo? {
        byGVR[GVRKey(group: group, version: version, plural: plural)].map { resources[$0] }
    }

    /// The resource of an exact group, version and kind.
    public func resource(for gvk: GroupVersionKind) -> ResourceInfo? {
        resources.first { $0.group == gvk.group && $0.version == gvk.version && $0.kind == gvk.kind }
    }

    /// A kind in a group at the group's preferred version that serves it.
    public func resource(group: String, kind: String) -> ResourceInfo? {
        for v in versions(of: group) {
            if let r = resources.first(where: { $0.group == group && $0.version == v && $0.kind == kind }) {
                return r
            }
        }
        return nil
    }

    /// Resolves what a user types (`po`, `pod`, `pods`, `Pod`, `deployments.apps`, `deploy.apps`,
    /// `hpa.v1.autoscaling`) to a resource at its preferred version, searching groups in discovery order.
    public func resolve(_ name: String) -> ResourceInfo? {
        let lower = name.lowercased()
        if let r = match(lower, group: nil, version: nil) { return r }
        // `resource.group` or `resource.version.group`, as kubectl splits them.
        let parts = lower.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { return nil }
        let rest = lower.dropFirst(parts[0].count + 1)
        if parts.count == 3, let r = match(parts[0], group: parts[2], version: parts[1]) { return r }
        return match(parts[0], group: String(rest), version: nil)
    }

    private func match(_ name: String, group: String?, version: String?) -> ResourceInfo? {
        for g in groupOrder where group == nil || g == group {
            for v in versions(of: g) where version == nil || v == version {
                for r in resources where r.group == g && r.version == v {
                    if r.plural == name || r.singular == name || r.kind.lowercased() == name
                        || r.shortNames.contains(name)
                    {
                        return r
                    }
                }
            }
        }
        return nil
    }

    /// Every resource whose `categories` contains `category` (e.g. `all`), at preferred versions.
    public func resources(inCategory category: String) -> [ResourceInfo] {
        var out: [ResourceInfo] = []
        for g in groupOrder {
            guard let v = versions(of: g).first else { continue }
            out += resources.filter { $0.group == g && $0.version == v && $0.categories.contains(category) }
        }
        return out
    }

    /// Served groups in discovery order (`""` first when present).
    public var groups: [String] { groupOrder }

    /// A group's served versions, preferred first.
    public func versions(of group: String) -> [String] {
        var out: [String] = []
        for r in resources where r.group == group && !out.contains(r.version) { out.append(r.version) }
        return out
    }

    /// The preferred version of a group, nil when the group is not served.
    public func preferredVersion(of group: String) -> String? { versions(of: group).first }

    /// The resources of one group-version, in discovery order (by name).
    public func resources(group: String, version: String) -> [ResourceInfo] {
        resources.filter { $0.group == group && $0.version == version }
    }

    // MARK: CustomResourceDefinitions

    /// Registers the served versions of an `apiextensions.k8s.io/v1` CustomResourceDefinition object,
    /// replacing an earlier registration of the same CRD (`<plural>.<group>`).
    public mutating func add(crd: Value) throws(CatalogError) {
        let parsed = try CRDParser.parse(crd)
        if BuiltInResources.all.contains(where: { $0.group == parsed.group && $0.plural == parsed.plural }) {
            throw CatalogError("CustomResourceDefinition \(parsed.plural).\(parsed.group) collides with a built-in resource")
        }
        removeCustomResource(group: parsed.group, plural: parsed.plural)
        var kept = resources.filter { !$0.isCustomResource }
        var custom = resources.filter(\.isCustomResource) + parsed.resources
        custom.sort { a, b in
            if a.group != b.group { return a.group < b.group }
            if a.version != b.version { return KubeVersion.isHigherPriority(a.version, than: b.version) }
            return a.plural < b.plural
        }
        kept += custom
        resources = kept
        reindex()
    }

    /// Removes the custom resource registered by a CRD object (by its `spec.group` and `spec.names.plural`,
    /// falling back to its `metadata.name`). Returns false when nothing was registered.
    @discardableResult
    public mutating func remove(crd: Value) -> Bool {
        if let group = crd["spec"]?["group"]?.stringValue, let plural = crd["spec"]?["names"]?["plural"]?.stringValue {
            return remove(crdNamed: "\(plural).\(group)")
        }
        guard let name = crd["metadata"]?["name"]?.stringValue else { return false }
        return remove(crdNamed: name)
    }

    /// Removes the custom resource registered by the CRD called `<plural>.<group>`.
    @discardableResult
    public mutating func remove(crdNamed name: String) -> Bool {
        guard let dot = name.firstIndex(of: ".") else { return false }
        let plural = String(name[..<dot])
        let group = String(name[name.index(after: dot)...])
        let before = resources.count
        removeCustomResource(group: group, plural: plural)
        reindex()
        return resources.count != before
    }

    private mutating func removeCustomResource(group: String, plural: String) {
        resources.removeAll { $0.isCustomResource && $0.group == group && $0.plural == plural }
    }
}

/// Kubernetes' version priority (`v2` > `v1` > `v1beta2` > `v1beta1` > `v1alpha1` > other strings), the order
/// in which discovery lists a group's versions.
enum KubeVersion {
    /// (major, stage 3=GA 2=beta 1=alpha, minor) for kube-like versions.
    static func parse(_ v: String) -> (Int, Int, Int)? {
        guard v.hasPrefix("v") else { return nil }
        let body = Array(v.utf8.dropFirst())
        var i = 0
        var major = 0
        while i < body.count, body[i] >= 48, body[i] <= 57 {
            major = major &* 10 &+ Int(body[i] - 48)
            i += 1
        }
        guard i > 0, body[0] != 48 || i == 1 else { return nil }
        if i == body.count { return (major, 3, 0) }
        let rest = String(decoding: body[i...], as: UTF8.self)
        for (word, stage) in [("alpha", 1), ("beta", 2)] where rest.hasPrefix(word) {
            let digits = rest.dropFirst(word.count)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let minor = Int(digits) else {
                return nil
            }
            return (major, stage, minor)
        }
        return nil
    }

    static func isHigherPriority(_ a: String, than b: String) -> Bool {
        switch (parse(a), parse(b)) {
        case let (x?, y?):
            if x.1 != y.1 { return x.1 > y.1 }
            if x.0 != y.0 { return x.0 > y.0 }
            return x.2 > y.2
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a < b
        }
    }
}
