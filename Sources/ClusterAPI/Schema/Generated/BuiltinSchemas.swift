/// The schema table of Kubernetes' built-in kinds (core/v1, apps/v1, batch/v1, networking.k8s.io/v1,
/// rbac.authorization.k8s.io/v1, storage.k8s.io/v1, policy/v1, scheduling.k8s.io/v1, autoscaling/v1 and v2,
/// coordination.k8s.io/v1, discovery.k8s.io/v1, events.k8s.io/v1, apiextensions.k8s.io/v1 and meta/v1),
/// generated from the upstream `generated.proto` files by `scripts/proto-gen/generate.py`.
///
/// `kinds` maps every served top-level kind, its List kind, `DeleteOptions` (and the other option types)
/// in every group version and in `meta.k8s.io/v1`, `v1 Status` and `autoscaling/v1 Scale` to its message.
public enum BuiltinSchemas {
    /// The whole table, built once on first use.
    public static let all: SchemaSet = build()

    private static func build() -> SchemaSet {
        var messages: [String: MessageSchema] = [:]
        messages.reserveCapacity(512)
        for builder in builders {
            builder { name, structType, fields in
                messages[name] = MessageSchema(name: name, structType: structType, fields: fields)
            }
        }
        var kinds: [GroupVersionKind: String] = [:]
        kinds.reserveCapacity(kindTable.count)
        for (group, version, kind, message) in kindTable {
            kinds[GroupVersionKind(group: group, version: version, kind: kind)] = message
        }
        return SchemaSet(messages: messages, kinds: kinds)
    }
}
