import StructuredData

/// One field another manager owns with a different value than an apply sets.
public struct ApplyConflict: Sendable, Hashable {
    /// The owning manager's name (`kubectl-scale`).
    public let manager: String
    /// `Apply` or `Update`.
    public let operation: String
    /// The owner entry's `apiVersion`, printed for `Update` owners.
    public let apiVersion: String?
    /// The owner entry's subresource (`scale`, `status`), nil for the main resource.
    public let subresource: String?
    /// The field path as Kubernetes prints it: `.spec.replicas`, `.spec.containers[name="web"].image`.
    public let field: String

    public init(manager: String, operation: String, apiVersion: String?, subresource: String?, field: String) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.subresource = subresource
        self.field = field
    }

    /// How Kubernetes names the owner: `"kubectl-scale" using apps/v1`, `"helm"` for appliers,
    /// `"kubectl" with subresource "scale" using autoscaling/v1`.
    public var managerDescription: String {
        var s = goQuoted(manager)
        if let sub = subresource, !sub.isEmpty { s += " with subresource \(goQuoted(sub))" }
        if operation == "Update" { s += " using \(apiVersion ?? "")" }
        return s
    }

    /// The `details.causes[].message` of the 409 (`conflict with "kubectl-scale" using apps/v1`);
    /// the cause's `reason` is `FieldManagerConflict` and its `field` is ``field``.
    public var causeMessage: String { "conflict with \(managerDescription)" }

    /// Sort key matching Kubernetes, which orders owners by their JSON identifier.
    var ownerOrder: [String] { [manager, operation, apiVersion ?? "", subresource ?? ""] }
}

/// Why an apply was refused.
public enum ApplyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Fields owned by other managers would change (HTTP 409 `Conflict`). Not thrown with `force`.
    case conflicts([ApplyConflict])
    /// The configuration cannot be applied (HTTP 400/422 with this message).
    case invalid(String)

    /// The Status message, in Kubernetes' words: `Apply failed with 1 conflict: conflict with
    /// "kubectl-scale" using apps/v1: .spec.replicas`, or for several conflicts one
    /// `conflicts with <owner>:` line per owner followed by `- <field>` lines.
    public var message: String {
        switch self {
        case .invalid(let m):
            return m
        case .conflicts(let cs):
            if cs.count == 1, let c = cs.first {
                return "Apply failed with 1 conflict: \(c.causeMessage): \(c.field)"
            }
            var owners: [[String]: [ApplyConflict]] = [:]
            for c in cs { owners[c.ownerOrder, default: []].append(c) }
            var lines: [String] = []
            for key in owners.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                guard let group = owners[key], let first = group.first else { continue }
                lines.append("conflicts with \(first.managerDescription):")
                for c in group { lines.append("- \(c.field)") }
            }
            return "Apply failed with \(cs.count) conflicts: " + lines.joined(separator: "\n")
        }
    }

    public var description: String { message }
}

/// Go's `%q` for the plain strings manager names are.
func goQuoted(_ s: String) -> String {
    JSON.encode(.string(s), escapeHTML: false)
}
