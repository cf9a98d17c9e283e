import Testing
import ClusterAPI
import StructuredData

@Suite struct ProtobufDecodeTests {
    @Test func fixturesExist() {
        // 24 kubectl captures + 9 hand-encoded bodies; guards against an empty glob silently passing.
        #expect(ProtobufFixtures.names.count >= 33)
    }

    @Test(arguments: ProtobufFixtures.names)
    func decodesFixtureLikeTheJSONAPI(name: String) throws {
        let decoded = try KubeProtobuf.decode(try ProtobufFixtures.body(name))
        let expected = try ProtobufFixtures.expected(name)
        let diff = ProtobufFixtures.differences(decoded, expected)
        #expect(diff.isEmpty, "\(name): \(diff.joined(separator: "; "))")
    }

    @Test func keepsExplicitPointerZeros() throws {
        let deployment = try KubeProtobuf.decode(try ProtobufFixtures.body("deployment-zero"))
        #expect(deployment["spec"]?["replicas"] == .int(0))
        let pod = try KubeProtobuf.decode(try ProtobufFixtures.body("pod-special-types"))
        #expect(pod.lookup(["spec", "automountServiceAccountToken"]) == .bool(false))
        #expect(pod.lookup(["spec", "terminationGracePeriodSeconds"]) == .int(0))
        #expect(pod.lookup(["spec", "hostNetwork"]) == nil)  // non-pointer false: dropped like omitempty
    }

    @Test func secretDataIsBase64() throws {
        let secret = try KubeProtobuf.decode(try ProtobufFixtures.body("secret"))
        #expect(secret.lookup(["data", "username"]) == .string("YWRtaW4="))
        #expect(secret["apiVersion"] == .string("v1"))
        #expect(secret["kind"] == .string("Secret"))
    }

    @Test func specialTypesBecomeTheirJSONForms() throws {
        let event = try KubeProtobuf.decode(try ProtobufFixtures.body("event-microtime"))
        #expect(event["eventTime"] == .string("2024-01-02T03:04:05.500000Z"))
        #expect(event["deprecatedFirstTimestamp"] == .string("2000-01-01T00:00:00Z"))
        let service = try KubeProtobuf.decode(try ProtobufFixtures.body("service"))
        let ports = service.lookup(["spec", "ports"])?.listValue ?? []
        #expect(ports.map { $0["targetPort"] } == [.int(8080), .string("https")])
    }

    @Test func decodesAgainstACustomSchemaSet() throws {
        // A one-message schema set: decode uses what it is given, not the built-in table.
        let schema = MessageSchema(name: "t.Thing", fields: [
            FieldSchema(name: "count", number: 1, type: .sint64),
            FieldSchema(name: "ratio", number: 2, type: .double),
            FieldSchema(name: "flags", number: 3, type: .fixed32, repeated: true),
        ])
        let set = SchemaSet(messages: ["t.Thing": schema],
                            kinds: [GroupVersionKind(group: "t", version: "v1", kind: "Thing"): "t.Thing"])
        var raw: [UInt8] = [0x08, 0x03]  // count = zigzag(3) = -2
        raw += [0x11] + withUnsafeBytes(of: (0.5 as Double).bitPattern.littleEndian, Array.init)
        raw += [0x1a, 0x08, 1, 0, 0, 0, 2, 0, 0, 0]  // packed fixed32 [1, 2]
        let body = envelope(apiVersion: "t/v1", kind: "Thing", raw: raw)
        let v = try KubeProtobuf.decode(body, schemas: set)
        #expect(v == ["apiVersion": "t/v1", "kind": "Thing", "count": .int(-2), "ratio": .float(0.5),
                      "flags": [.int(1), .int(2)]])
    }
}

/// `k8s\0` + runtime.Unknown{typeMeta, raw}.
func envelope(apiVersion: String, kind: String, raw: [UInt8]) -> [UInt8] {
    func bytesField(_ n: UInt8, _ payload: [UInt8]) -> [UInt8] { [n << 3 | 2] + varint(payload.count) + payload }
    let typeMeta = bytesField(1, Array(apiVersion.utf8)) + bytesField(2, Array(kind.utf8))
    return [0x6b, 0x38, 0x73, 0x00] + bytesField(1, typeMeta) + bytesField(2, raw)
}

func varint(_ value: Int) -> [UInt8] {
    var v = UInt64(value)
    var out: [UInt8] = []
    repeat {
        let byte = UInt8(v & 0x7f)
        v >>= 7
        out.append(v == 0 ? byte : byte | 0x80)
    } while v != 0
    return out
}
