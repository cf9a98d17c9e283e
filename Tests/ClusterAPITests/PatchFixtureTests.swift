import ClusterAPI
import Foundation
import StructuredData
import Testing

/// One patch case from `Fixtures/patch/<type>/<name>.yaml`: `original`, `patch`, and either `expected`
/// or `error` (a substring of the message) with an optional `status`; strategic cases name the
/// object's `kind` as `<apiVersion> <Kind>`.
struct PatchFixture: CustomTestStringConvertible, Sendable {
    let name: String
    let doc: Value
    var testDescription: String { name }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/patch")

    /// Every case in one folder, sorted by file name; a folder that cannot be read yields no cases
    /// (and `fixtureFoldersAreNotEmpty` fails).
    static func load(_ folder: String) -> [PatchFixture] {
        let dir = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { name in
            let path = dir.appendingPathComponent(name).path
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            // Kubernetes reads integer literals as int64; the fixtures do the same.
            let doc = (try? YAML.decode(text, numbersAsFloat: false)) ?? .string("unreadable fixture \(path)")
            return PatchFixture(name: "\(folder)/\(name.dropLast(5))", doc: doc)
        }
    }

    func run(_ apply: (Value, Value) throws(PatchError) -> Value) {
        guard case .map = doc, let patch = doc["patch"] else {
            Issue.record("\(name): fixture needs a map with `patch` (got \(JSON.encode(doc)))")
            return
        }
        let original = doc["original"] ?? .null
        if let wanted = doc["error"]?.stringValue {
            do {
                let result = try apply(patch, original)
                Issue.record("\(name): expected an error containing \"\(wanted)\", got \(JSON.encode(result))")
            } catch {
                #expect(error.message.contains(wanted), "\(name): message was \"\(error.message)\"")
                if case .int(let status)? = doc["status"] {
                    #expect(error.httpStatus == Int(status), "\(name): status \(error.httpStatus)")
                }
            }
            return
        }
        guard let expected = doc["expected"] else {
            Issue.record("\(name): fixture needs `expected` or `error`")
            return
        }
        do {
            let result = try apply(patch, original)
            #expect(result == expected,
                    "\(name):\n got      \(JSON.encode(result))\n expected \(JSON.encode(expected))")
        } catch {
            Issue.record("\(name): unexpected error: \(error.message)")
        }
    }

    /// The root schema named by `kind` (`apps/v1 Deployment`).
    func rootSchema(in schemas: SchemaSet) -> MessageSchema? {
        guard let kind = doc["kind"]?.stringValue else { return nil }
        let parts = kind.split(separator: " ")
        guard parts.count == 2 else { return nil }
        return schemas.root(for: GroupVersionKind(apiVersion: String(parts[0]), kind: String(parts[1])))
    }
}

@Suite struct PatchFixtureTests {
    @Test(arguments: PatchFixture.load("json"))
    func jsonPatch(_ c: PatchFixture) {
        c.run { (patch: Value, original: Value) throws(PatchError) -> Value in try JSONPatch.apply(patch, to: original) }
    }

    @Test(arguments: PatchFixture.load("merge"))
    func mergePatch(_ c: PatchFixture) {
        c.run { (patch: Value, original: Value) throws(PatchError) -> Value in MergePatch.apply(patch, to: original) }
    }

    @Test(arguments: PatchFixture.load("strategic"))
    func strategicMergePatch(_ c: PatchFixture) {
        let schemas = PatchTestSchemas.set
        guard let schema = c.rootSchema(in: schemas) else {
            Issue.record("\(c.name): `kind` must name a test schema kind (`v1 Pod`, `apps/v1 Deployment`)")
            return
        }
        c.run { (patch: Value, original: Value) throws(PatchError) -> Value in
            try StrategicMergePatch.apply(patch, to: original, schema: schema, schemas: schemas)
        }
    }

    @Test(arguments: PatchFixture.load("strategic-builtin"))
    func strategicMergePatchOnBuiltinKinds(_ c: PatchFixture) {
        let schemas = BuiltinSchemas.all
        guard let schema = c.rootSchema(in: schemas) else {
            Issue.record("\(c.name): `kind` must name a built-in kind (`apps/v1 Deployment`)")
            return
        }
        c.run { (patch: Value, original: Value) throws(PatchError) -> Value in
            try StrategicMergePatch.apply(patch, to: original, schema: schema, schemas: schemas)
        }
    }

    @Test(arguments: ["json", "merge", "strategic", "strategic-builtin"])
    func fixtureFoldersAreNotEmpty(_ folder: String) {
        #expect(PatchFixture.load(folder).count >= 10, "Fixtures/patch/\(folder) has too few cases")
    }
}
