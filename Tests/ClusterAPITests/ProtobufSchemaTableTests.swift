import Foundation
import Testing
import ClusterAPI
import StructuredData

@Suite struct ProtobufSchemaTableTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The committed Swift table is exactly what `scripts/proto-gen/generate.py` produces from its inputs.
    @Test func generatedSwiftMatchesTheGenerator() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.root.appendingPathComponent("scripts/proto-gen/generate.py").path,
                             "--check"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = Pipe()
        try process.run()
        let stderr = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
    }

    @Test(arguments: [
        ("", "v1", "Pod", "k8s.io.api.core.v1.Pod"),
        ("", "v1", "PodList", "k8s.io.api.core.v1.PodList"),
        ("", "v1", "Status", "k8s.io.apimachinery.pkg.apis.meta.v1.Status"),
        ("", "v1", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"),
        ("apps", "v1", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"),
        ("meta.k8s.io", "v1", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"),
        ("autoscaling", "v1", "Scale", "k8s.io.api.autoscaling.v1.Scale"),
        ("apps", "v1", "Deployment", "k8s.io.api.apps.v1.Deployment"),
        ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "k8s.io.api.rbac.v1.ClusterRoleBinding"),
        ("apiextensions.k8s.io", "v1", "CustomResourceDefinition",
         "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition"),
        ("policy", "v1", "Eviction", "k8s.io.api.policy.v1.Eviction"),
    ])
    func kindsMapToTheirMessages(group: String, version: String, kind: String, message: String) {
        #expect(BuiltinSchemas.all.kinds[GroupVersionKind(group: group, version: version, kind: kind)] == message)
    }

    @Test func templatesAreNotKinds() {
        let kinds = Set(BuiltinSchemas.all.kinds.keys.map(\.kind))
        #expect(!kinds.contains("PodTemplateSpec"))
        #expect(!kinds.contains("JobTemplateSpec"))
        #expect(kinds.contains("PodTemplate"))
    }

    @Test func everyReferencedMessageExists() {
        let set = BuiltinSchemas.all
        var missing: [String] = []
        func check(_ t: FieldType, _ where_: String) {
            switch t {
            case .message(let name): if set.message(name) == nil { missing.append("\(where_) -> \(name)") }
            case .map(let k, let v): check(k, where_); check(v, where_)
            default: break
            }
        }
        for message in set.messages.values {
            for field in message.fields { check(field.type, "\(message.name).\(field.name)") }
        }
        for (gvk, name) in set.kinds where set.message(name) == nil { missing.append("\(gvk) -> \(name)") }
        #expect(missing.isEmpty, "\(missing)")
    }

    @Test func carriesPatchAndListMarkers() throws {
        let spec = try #require(BuiltinSchemas.all.message("k8s.io.api.core.v1.PodSpec"))
        let containers = try #require(spec.field(named: "containers"))
        #expect(containers.patchStrategy == "merge" && containers.patchMergeKey == "name")
        #expect(containers.listType == "map" && containers.listMapKeys == ["name"])
        #expect(spec.field(named: "volumes")?.patchStrategy == "merge,retainKeys")
        #expect(spec.field(named: "nodeSelector")?.mapType == "atomic")
        #expect(spec.field(named: "terminationGracePeriodSeconds")?.pointer == true)
        let ports = try #require(BuiltinSchemas.all.message("k8s.io.api.core.v1.Container")?.field(named: "ports"))
        #expect(ports.listMapKeys == ["containerPort", "protocol"])
        #expect(BuiltinSchemas.all.message("k8s.io.api.core.v1.LocalObjectReference")?.structType == "atomic")
        #expect(BuiltinSchemas.all.message("k8s.io.api.apps.v1.DeploymentSpec")?.field(named: "strategy")?
                    .patchStrategy == "retainKeys")
    }

    @Test func inlineStructsAreFlattenedInTheJSONView() throws {
        let probe = try #require(BuiltinSchemas.all.message("k8s.io.api.core.v1.Probe"))
        #expect(probe.field(named: "httpGet")?.type == .message("k8s.io.api.core.v1.HTTPGetAction"))
        #expect(probe.field(named: "handler") == nil)
        #expect(probe.field(number: 1)?.inline == true)
        let selector = try #require(BuiltinSchemas.all.message("k8s.io.api.core.v1.SecretKeySelector"))
        #expect(selector.jsonFields.map(\.name) == ["name", "key", "optional"])
        let schemaProps = try #require(BuiltinSchemas.all.message(WellKnownMessage.jsonSchemaProps))
        #expect(schemaProps.field(named: "$ref")?.number == 3)
        #expect(schemaProps.field(named: "x-kubernetes-preserve-unknown-fields")?.number == 38)
    }
}

@Suite struct WellKnownFormatTests {
    @Test(arguments: [
        (Int64(0), "0s"), (1, "1ns"), (1500, "1.5µs"), (2_000_000, "2ms"), (1_500_000_000, "1.5s"),
        (60_000_000_000, "1m0s"), (3_723_000_000_000, "1h2m3s"), (-5_000_000_000, "-5s"),
        (90_000_000_001, "1m30.000000001s"),
    ])
    func durationsPrintLikeGo(ns: Int64, text: String) throws {
        // metav1.Duration has no kind of its own; decode it through a one-message schema set.
        let set = SchemaSet(
            messages: [
                "t.D": MessageSchema(name: "t.D", fields: [FieldSchema(name: "d", number: 1,
                                                                          type: .message(WellKnownMessage.duration))]),
                WellKnownMessage.duration: MessageSchema(name: WellKnownMessage.duration, fields: [
                    FieldSchema(name: "duration", number: 1, type: .int64),
                ]),
            ],
            kinds: [GroupVersionKind(group: "t", version: "v1", kind: "D"): "t.D"])
        var inner: [UInt8] = [0x08]
        var v = UInt64(bitPattern: ns)
        repeat {
            let b = UInt8(v & 0x7f)
            v >>= 7
            inner.append(v == 0 ? b : b | 0x80)
        } while v != 0
        let raw: [UInt8] = [0x0a] + varint(inner.count) + inner
        let decoded = try KubeProtobuf.decode(envelope(apiVersion: "t/v1", kind: "D", raw: raw), schemas: set)
        #expect(decoded["d"] == .string(text))
    }
}
