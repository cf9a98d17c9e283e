import ClusterAPI

/// A hand-written slice of the built-in schemas (the markers match upstream's generated.proto):
/// enough of Deployment, ConfigMap, Service and ObjectMeta for the apply tests.
enum ApplyTestSchemas {
    static let meta = "k8s.io.apimachinery.pkg.apis.meta.v1."
    static let core = "k8s.io.api.core.v1."
    static let apps = "k8s.io.api.apps.v1."

    static func m(_ name: String, _ fields: [FieldSchema]) -> (String, MessageSchema) {
        (name, MessageSchema(name: name, fields: fields))
    }

    static let set: SchemaSet = {
        let messages: [(String, MessageSchema)] = [
            m(meta + "ObjectMeta", [
                FieldSchema(name: "name", number: 1, type: .string),
                FieldSchema(name: "generateName", number: 2, type: .string),
                FieldSchema(name: "namespace", number: 3, type: .string),
                FieldSchema(name: "selfLink", number: 4, type: .string),
                FieldSchema(name: "uid", number: 5, type: .string),
                FieldSchema(name: "resourceVersion", number: 6, type: .string),
                FieldSchema(name: "generation", number: 7, type: .int64),
                FieldSchema(name: "creationTimestamp", number: 8, type: .message(WellKnownMessage.time)),
                FieldSchema(name: "deletionTimestamp", number: 9, type: .message(WellKnownMessage.time)),
                FieldSchema(name: "labels", number: 11, type: .map(key: .string, value: .string)),
                FieldSchema(name: "annotations", number: 12, type: .map(key: .string, value: .string)),
                FieldSchema(name: "finalizers", number: 14, type: .string, repeated: true, patchStrategy: "merge",
                            listType: "set"),
                FieldSchema(name: "managedFields", number: 17, type: .message(meta + "ManagedFieldsEntry"),
                            repeated: true, listType: "atomic"),
            ]),
            m(meta + "LabelSelector", [
                FieldSchema(name: "matchLabels", number: 1, type: .map(key: .string, value: .string)),
            ]),
            m(apps + "Deployment", [
                FieldSchema(name: "metadata", number: 1, type: .message(meta + "ObjectMeta")),
                FieldSchema(name: "spec", number: 2, type: .message(apps + "DeploymentSpec")),
                FieldSchema(name: "status", number: 3, type: .message(apps + "DeploymentStatus")),
            ]),
            m(apps + "DeploymentSpec", [
                FieldSchema(name: "replicas", number: 1, type: .int32),
                FieldSchema(name: "selector", number: 2, type: .message(meta + "LabelSelector")),
                FieldSchema(name: "template", number: 3, type: .message(core + "PodTemplateSpec")),
                FieldSchema(name: "strategy", number: 4, type: .message(apps + "DeploymentStrategy")),
            ]),
            m(apps + "DeploymentStrategy", [
                FieldSchema(name: "type", number: 1, type: .string),
            ]),
            m(apps + "DeploymentStatus", [
                FieldSchema(name: "replicas", number: 2, type: .int32),
                FieldSchema(name: "readyReplicas", number: 7, type: .int32),
            ]),
            m(core + "PodTemplateSpec", [
                FieldSchema(name: "metadata", number: 1, type: .message(meta + "ObjectMeta")),
                FieldSchema(name: "spec", number: 2, type: .message(core + "PodSpec")),
            ]),
            m(core + "PodSpec", [
                FieldSchema(name: "containers", number: 2, type: .message(core + "Container"), repeated: true,
                            patchStrategy: "merge", patchMergeKey: "name", listType: "map", listMapKeys: ["name"]),
                FieldSchema(name: "tolerations", number: 22, type: .message(core + "Toleration"), repeated: true,
                            listType: "atomic"),
                FieldSchema(name: "nodeSelector", number: 7, type: .map(key: .string, value: .string)),
            ]),
            m(core + "Toleration", [
                FieldSchema(name: "key", number: 1, type: .string),
                FieldSchema(name: "operator", number: 2, type: .string),
            ]),
            m(core + "Container", [
                FieldSchema(name: "name", number: 1, type: .string),
                FieldSchema(name: "image", number: 2, type: .string),
                FieldSchema(name: "args", number: 4, type: .string, repeated: true, listType: "atomic"),
                FieldSchema(name: "ports", number: 6, type: .message(core + "ContainerPort"), repeated: true,
                            patchStrategy: "merge", patchMergeKey: "containerPort", listType: "map",
                            listMapKeys: ["containerPort", "protocol"]),
                // Older marker style on purpose: merge key only, no +listType.
                FieldSchema(name: "env", number: 7, type: .message(core + "EnvVar"), repeated: true,
                            patchStrategy: "merge", patchMergeKey: "name"),
                FieldSchema(name: "resources", number: 8, type: .message(core + "ResourceRequirements")),
            ]),
            m(core + "ContainerPort", [
                FieldSchema(name: "name", number: 1, type: .string),
                FieldSchema(name: "containerPort", number: 3, type: .int32),
                FieldSchema(name: "protocol", number: 4, type: .string),
            ]),
            m(core + "EnvVar", [
                FieldSchema(name: "name", number: 1, type: .string),
                FieldSchema(name: "value", number: 2, type: .string),
            ]),
            m(core + "ResourceRequirements", [
                FieldSchema(name: "limits", number: 1,
                            type: .map(key: .string, value: .message(WellKnownMessage.quantity))),
                FieldSchema(name: "requests", number: 2,
                            type: .map(key: .string, value: .message(WellKnownMessage.quantity))),
            ]),
            m(core + "ConfigMap", [
                FieldSchema(name: "metadata", number: 1, type: .message(meta + "ObjectMeta")),
                FieldSchema(name: "data", number: 2, type: .map(key: .string, value: .string)),
            ]),
            m(core + "Service", [
                FieldSchema(name: "metadata", number: 1, type: .message(meta + "ObjectMeta")),
                FieldSchema(name: "spec", number: 2, type: .message(core + "ServiceSpec")),
            ]),
            m(core + "ServiceSpec", [
                FieldSchema(name: "ports", number: 1, type: .message(core + "ServicePort"), repeated: true,
                            patchStrategy: "merge", patchMergeKey: "port", listType: "map",
                            listMapKeys: ["port", "protocol"]),
                FieldSchema(name: "selector", number: 2, type: .map(key: .string, value: .string)),
                FieldSchema(name: "type", number: 4, type: .string),
            ]),
            m(core + "ServicePort", [
                FieldSchema(name: "name", number: 1, type: .string),
                FieldSchema(name: "protocol", number: 2, type: .string),
                FieldSchema(name: "port", number: 3, type: .int32),
            ]),
        ]
        return SchemaSet(
            messages: Dictionary(messages, uniquingKeysWith: { a, _ in a }),
            kinds: [
                GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"): apps + "Deployment",
                GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"): core + "ConfigMap",
                GroupVersionKind(group: "", version: "v1", kind: "Service"): core + "Service",
            ])
    }()
}
