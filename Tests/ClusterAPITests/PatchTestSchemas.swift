import ClusterAPI

/// A hand-written slice of the built-in schemas (the field metadata strategic merge patch reads), so the
/// patch tests do not depend on the generated table. Names mirror the real proto messages.
enum PatchTestSchemas {
    static func f(_ name: String, _ number: Int, _ type: FieldType, repeated: Bool = false, strategy: String? = nil,
                  key: String? = nil) -> FieldSchema
    {
        FieldSchema(name: name, number: number, type: type, repeated: repeated, patchStrategy: strategy, patchMergeKey: key)
    }

    static let core = "k8s.io.api.core.v1."
    static let apps = "k8s.io.api.apps.v1."
    static let meta = "k8s.io.apimachinery.pkg.apis.meta.v1."

    static let messages: [MessageSchema] = [
        MessageSchema(name: meta + "ObjectMeta", fields: [
            f("name", 1, .string), f("namespace", 3, .string), f("resourceVersion", 6, .string),
            f("labels", 11, .map(key: .string, value: .string)),
            f("annotations", 12, .map(key: .string, value: .string)),
            f("finalizers", 14, .string, repeated: true, strategy: "merge"),
        ]),
        MessageSchema(name: meta + "LabelSelector", fields: [
            f("matchLabels", 1, .map(key: .string, value: .string)),
        ]),
        MessageSchema(name: core + "Pod", fields: [
            f("apiVersion", 90, .string), f("kind", 91, .string),
            f("metadata", 1, .message(meta + "ObjectMeta")), f("spec", 2, .message(core + "PodSpec")),
        ]),
        MessageSchema(name: core + "PodTemplateSpec", fields: [
            f("metadata", 1, .message(meta + "ObjectMeta")), f("spec", 2, .message(core + "PodSpec")),
        ]),
        MessageSchema(name: core + "PodSpec", fields: [
            f("volumes", 1, .message(core + "Volume"), repeated: true, strategy: "merge,retainKeys", key: "name"),
            f("initContainers", 20, .message(core + "Container"), repeated: true, strategy: "merge", key: "name"),
            f("containers", 2, .message(core + "Container"), repeated: true, strategy: "merge", key: "name"),
            f("nodeSelector", 7, .map(key: .string, value: .string)),
            f("tolerations", 22, .message(core + "Toleration"), repeated: true),
            f("imagePullSecrets", 15, .message(core + "LocalObjectReference"), repeated: true, strategy: "merge", key: "name"),
            // Test-only: a map field whose strategy is replace.
            f("replacedMap", 900, .map(key: .string, value: .string), strategy: "replace"),
        ]),
        MessageSchema(name: core + "LocalObjectReference", fields: [f("name", 1, .string)]),
        MessageSchema(name: core + "Toleration", fields: [
            f("key", 1, .string), f("operator", 2, .string), f("value", 3, .string), f("effect", 4, .string),
        ]),
        MessageSchema(name: core + "Container", fields: [
            f("name", 1, .string), f("image", 2, .string),
            f("command", 3, .string, repeated: true), f("args", 4, .string, repeated: true),
            f("ports", 6, .message(core + "ContainerPort"), repeated: true, strategy: "merge", key: "containerPort"),
            f("env", 7, .message(core + "EnvVar"), repeated: true, strategy: "merge", key: "name"),
            f("resources", 8, .message(core + "ResourceRequirements")),
            f("volumeMounts", 9, .message(core + "VolumeMount"), repeated: true, strategy: "merge", key: "mountPath"),
        ]),
        MessageSchema(name: core + "ContainerPort", fields: [
            f("name", 1, .string), f("hostPort", 2, .int32), f("containerPort", 3, .int32), f("protocol", 4, .string),
        ]),
        MessageSchema(name: core + "EnvVar", fields: [
            f("name", 1, .string), f("value", 2, .string), f("valueFrom", 3, .message(core + "EnvVarSource")),
        ]),
        MessageSchema(name: core + "EnvVarSource", fields: [
            f("fieldRef", 1, .message(core + "ObjectFieldSelector")),
        ]),
        MessageSchema(name: core + "ObjectFieldSelector", fields: [f("fieldPath", 2, .string)]),
        MessageSchema(name: core + "ResourceRequirements", fields: [
            f("limits", 1, .map(key: .string, value: .message("k8s.io.apimachinery.pkg.api.resource.Quantity"))),
            f("requests", 2, .map(key: .string, value: .message("k8s.io.apimachinery.pkg.api.resource.Quantity"))),
        ]),
        MessageSchema(name: core + "VolumeMount", fields: [
            f("name", 1, .string), f("readOnly", 2, .bool), f("mountPath", 3, .string),
        ]),
        MessageSchema(name: core + "Volume", fields: [
            f("name", 1, .string), f("hostPath", 2, .message(core + "HostPathVolumeSource")),
            f("emptyDir", 3, .message(core + "EmptyDirVolumeSource")),
            f("configMap", 19, .message(core + "ConfigMapVolumeSource")),
        ]),
        MessageSchema(name: core + "HostPathVolumeSource", fields: [f("path", 1, .string), f("type", 2, .string)]),
        MessageSchema(name: core + "EmptyDirVolumeSource", fields: [f("medium", 1, .string)]),
        MessageSchema(name: core + "ConfigMapVolumeSource", fields: [
            f("name", 1, .string), f("defaultMode", 3, .int32),
        ]),
        MessageSchema(name: core + "ConfigMap", fields: [
            f("apiVersion", 90, .string), f("kind", 91, .string),
            f("metadata", 1, .message(meta + "ObjectMeta")), f("data", 2, .map(key: .string, value: .string)),
        ]),
        MessageSchema(name: apps + "Deployment", fields: [
            f("apiVersion", 90, .string), f("kind", 91, .string),
            f("metadata", 1, .message(meta + "ObjectMeta")), f("spec", 2, .message(apps + "DeploymentSpec")),
        ]),
        MessageSchema(name: apps + "DeploymentSpec", fields: [
            f("replicas", 1, .int32), f("selector", 2, .message(meta + "LabelSelector")),
            f("template", 3, .message(core + "PodTemplateSpec")),
            f("strategy", 4, .message(apps + "DeploymentStrategy"), strategy: "retainKeys"),
        ]),
        MessageSchema(name: apps + "DeploymentStrategy", fields: [
            f("type", 1, .string), f("rollingUpdate", 2, .message(apps + "RollingUpdateDeployment")),
        ]),
        MessageSchema(name: apps + "RollingUpdateDeployment", fields: [
            f("maxUnavailable", 1, .message("k8s.io.apimachinery.pkg.util.intstr.IntOrString")),
            f("maxSurge", 2, .message("k8s.io.apimachinery.pkg.util.intstr.IntOrString")),
        ]),
        // The test type of apimachinery's strategicpatch tests (MergeItem), for the upstream-derived cases.
        MessageSchema(name: "test.MergeItem", fields: [
            f("name", 1, .string), f("value", 2, .string), f("other", 3, .string),
            f("mergingList", 4, .message("test.MergeItem"), repeated: true, strategy: "merge", key: "name"),
            f("nonMergingList", 5, .message("test.MergeItem"), repeated: true),
            f("mergingIntList", 6, .int64, repeated: true, strategy: "merge"),
            f("nonMergingIntList", 7, .int64, repeated: true),
            f("simpleMap", 9, .map(key: .string, value: .string)),
            f("replacingItem", 10, .message("k8s.io.apimachinery.pkg.runtime.RawExtension"), strategy: "replace"),
            f("retainKeysMap", 11, .message("test.RetainKeysMergeItem"), strategy: "retainKeys"),
            f("retainKeysMergingList", 12, .message("test.MergeItem"), repeated: true, strategy: "merge,retainKeys",
              key: "name"),
        ]),
        MessageSchema(name: "test.RetainKeysMergeItem", fields: [
            f("name", 1, .string), f("value", 2, .string), f("other", 3, .string),
            f("simpleMap", 4, .map(key: .string, value: .string)),
            f("mergingIntList", 5, .int64, repeated: true, strategy: "merge"),
            f("mergingList", 6, .message("test.MergeItem"), repeated: true, strategy: "merge", key: "name"),
            f("nonMergingList", 7, .message("test.MergeItem"), repeated: true),
        ]),
    ]

    static let set = SchemaSet(
        messages: Dictionary(messages.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }),
        kinds: [
            GroupVersionKind(group: "", version: "v1", kind: "Pod"): core + "Pod",
            GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"): core + "ConfigMap",
            GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"): apps + "Deployment",
            GroupVersionKind(group: "test.example", version: "v1", kind: "MergeItem"): "test.MergeItem",
        ])
}
