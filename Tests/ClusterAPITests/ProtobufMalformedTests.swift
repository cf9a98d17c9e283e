import Testing
import ClusterAPI
import StructuredData

@Suite struct ProtobufMalformedTests {
    /// A valid ConfigMap body to corrupt.
    static let configMap: [UInt8] = {
        let name: [UInt8] = [0x0a, 0x02] + Array("cm".utf8)  // metadata.name
        let meta: [UInt8] = [0x0a, UInt8(name.count)] + name
        return envelope(apiVersion: "v1", kind: "ConfigMap", raw: meta)
    }()

    static func expectError(_ body: [UInt8], contains text: String, path: String? = nil,
                            sourceLocation: SourceLocation = #_sourceLocation)
    {
        do {
            let v = try KubeProtobuf.decode(body)
            Issue.record("expected an error containing \"\(text)\", decoded \(v)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.contains(text), "\(error)", sourceLocation: sourceLocation)
            if let path { #expect(error.path == path, sourceLocation: sourceLocation) }
        }
    }

    @Test func validBaseDecodes() throws {
        #expect(try KubeProtobuf.decode(Self.configMap)
                    == ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "cm"]])
    }

    @Test func rejectsBadMagic() {
        Self.expectError(Array("{\"kind\":\"ConfigMap\"}".utf8), contains: "magic")
        Self.expectError([0x6b, 0x38, 0x73], contains: "magic")
        Self.expectError([], contains: "magic")
    }

    @Test func rejectsTruncatedVarint() {
        // metadata.generation (7) with a varint whose continuation bit never ends.
        let meta: [UInt8] = [0x38, 0xff, 0xff]
        Self.expectError(envelope(apiVersion: "v1", kind: "ConfigMap", raw: [0x0a, 3] + meta),
                         contains: "truncated varint", path: ".metadata.generation")
    }

    @Test func rejectsLengthPastTheEnd() {
        // metadata claims 50 bytes but only 4 follow.
        Self.expectError(envelope(apiVersion: "v1", kind: "ConfigMap", raw: [0x0a, 50, 0x0a, 0x02, 0x63, 0x6d]),
                         contains: "runs past the end", path: ".metadata")
        // The envelope itself claims more bytes than the body has.
        Self.expectError(Array(Self.configMap.dropLast(2)), contains: "runs past the end")
    }

    @Test func rejectsWrongWireType() {
        // metadata (a message) sent as a varint.
        Self.expectError(envelope(apiVersion: "v1", kind: "ConfigMap", raw: [0x08, 0x01]),
                         contains: "wire type 0, expected 2", path: ".metadata")
        // metadata.name (a string) sent as fixed32.
        Self.expectError(envelope(apiVersion: "v1", kind: "ConfigMap", raw: [0x0a, 5, 0x0d, 1, 2, 3, 4]),
                         contains: "wire type 5", path: ".metadata.name")
    }

    @Test func rejectsUnknownKindAndMissingTypeMeta() {
        Self.expectError(envelope(apiVersion: "v1", kind: "Gizmo", raw: []),
                         contains: "no kind \"Gizmo\" is registered for version \"v1\"")
        Self.expectError([0x6b, 0x38, 0x73, 0x00, 0x12, 0x00], contains: "no apiVersion/kind")
    }

    @Test func rejectsInvalidEmbeddedJSON() {
        // ControllerRevision.data (RawExtension) holding broken JSON.
        let raw: [UInt8] = [0x12, 5, 0x0a, 3] + Array("{x:".utf8)
        Self.expectError(envelope(apiVersion: "apps/v1", kind: "ControllerRevision", raw: raw),
                         contains: "embedded JSON is invalid", path: ".data")
    }

    @Test func rejectsDeepNesting() {
        // JSONSchemaProps.not (28) nested 200 times inside a CRD's openAPIV3Schema.
        var props: [UInt8] = []
        for _ in 0..<200 { props = [0xe2, 0x01] + varint(props.count) + props }
        let validation: [UInt8] = [0x0a] + varint(props.count) + props
        let version: [UInt8] = [0x22] + varint(validation.count) + validation
        let spec: [UInt8] = [0x3a] + varint(version.count) + version
        let raw: [UInt8] = [0x12] + varint(spec.count) + spec
        Self.expectError(envelope(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", raw: raw),
                         contains: "nested deeper than")
    }

    @Test func skipsUnknownFieldNumbers() throws {
        // Unknown fields of every wire type at the top level and inside metadata are ignored.
        let unknown: [UInt8] = [0xf8, 0x07, 0x05] + [0xf9, 0x07] + [UInt8](repeating: 1, count: 8)
            + [0xfd, 0x07, 1, 2, 3, 4] + [0xfa, 0x07, 0x02, 0x41, 0x42]
        let name: [UInt8] = [0x0a, 0x02] + Array("cm".utf8) + unknown
        let raw: [UInt8] = [0x0a, UInt8(name.count)] + name + unknown
        #expect(try KubeProtobuf.decode(envelope(apiVersion: "v1", kind: "ConfigMap", raw: raw))
                    == ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "cm"]])
    }

    @Test func rejectsGroupsAndOverlongVarints() {
        Self.expectError(envelope(apiVersion: "v1", kind: "ConfigMap", raw: [0xfb, 0x07]), contains: "groups")
        let overlong: [UInt8] = [0x38] + [UInt8](repeating: 0xff, count: 10) + [0x01]
        Self.expectError(envelope(apiVersion: "v1", kind: "ConfigMap", raw: [0x0a, UInt8(overlong.count)] + overlong),
                         contains: "varint")
    }
}
