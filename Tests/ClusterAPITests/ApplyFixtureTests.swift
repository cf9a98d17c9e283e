import ClusterAPI
import Foundation
import StructuredData
import Testing

/// Server-side apply scenarios from `Fixtures/apply/*.json`. Each case is a sequence of steps on one
/// object — `apply` (a configuration, optionally `force`/`ignoreStatus`, optionally
/// `expectConflict` with the exact 409 message), `create` (an object written by a non-apply
/// manager) or `update` (a JSON merge patch written by a non-apply manager, optionally on a
/// `subresource`), or `live` (sets the stored object as is) — and the object `expected` at the end (managedFields included).
/// `UPDATE_GOLDEN=1` rewrites `expected` from the current output and fails, so a regenerated golden
/// is always reviewed.
struct ApplyFixtureTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/apply")

    static let cases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }()

    @Test func fixturesExist() {
        #expect(Self.cases.count >= 12)
    }

    @Test(arguments: cases)
    func scenario(_ name: String) throws {
        let url = Self.dir.appendingPathComponent(name + ".json")
        let fixture = try JSON.decodeKeepingIntegers(Array(try Data(contentsOf: url)))
        guard case .list(let steps) = fixture["steps"] ?? .null else {
            Issue.record("\(name): no steps")
            return
        }
        var live: Value? = nil
        for (i, step) in steps.enumerated() {
            let manager = step["manager"]?.stringValue ?? "python"
            let time = step["time"]?.stringValue ?? "2026-01-01T00:00:0\(i)Z"
            if let config = step["apply"] {
                let schema = Self.schema(for: config)
                do {
                    let out = try ServerSideApply.apply(
                        live: live, config: config, manager: manager, force: step["force"] == .bool(true),
                        time: time, schema: schema, schemas: ApplyTestSchemas.set,
                        ignoreStatus: step["ignoreStatus"] == .bool(true))
                    if let want = step["expectConflict"]?.stringValue {
                        Issue.record("\(name) step \(i): expected conflict \(want), got success")
                    }
                    live = out
                } catch {
                    guard let want = step["expectConflict"]?.stringValue else {
                        Issue.record("\(name) step \(i): unexpected error \(error.message)")
                        return
                    }
                    #expect(error.message == want, "\(name) step \(i)")
                }
            } else if let object = step["live"] {
                live = object
            } else if let object = step["create"] {
                live = ServerSideApply.recordUpdate(
                    old: nil, new: object, manager: manager, subresource: nil, time: time,
                    schema: Self.schema(for: object), schemas: ApplyTestSchemas.set)
            } else if let patch = step["update"] {
                guard let old = live else {
                    Issue.record("\(name) step \(i): update before create")
                    return
                }
                let new = Self.mergePatch(old, patch)
                live = ServerSideApply.recordUpdate(
                    old: old, new: new, manager: manager, subresource: step["subresource"]?.stringValue,
                    time: time, schema: Self.schema(for: new), schemas: ApplyTestSchemas.set)
            } else {
                Issue.record("\(name) step \(i): unknown step")
            }
        }
        let got = live ?? .null
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            guard case .map(var m) = fixture else { return }
            m["expected"] = got
            try Data((JSON.encode(.map(m), escapeHTML: false, indent: "  ") + "\n").utf8).write(to: url)
            Issue.record("\(name): golden rewritten; review the diff")
            return
        }
        let want = fixture["expected"] ?? .null
        #expect(got == want, "\(name):\ngot  \(JSON.encode(got, escapeHTML: false))\nwant \(JSON.encode(want, escapeHTML: false))")
    }

    static func schema(for object: Value) -> MessageSchema? {
        guard let av = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue else { return nil }
        return ApplyTestSchemas.set.root(for: GroupVersionKind(apiVersion: av, kind: kind))
    }

    /// RFC 7386.
    static func mergePatch(_ target: Value, _ patch: Value) -> Value {
        guard case .map(let p) = patch else { return patch }
        var t = target.mapValue ?? [:]
        for (k, v) in p {
            if v.isNull { t[k] = nil } else { t[k] = mergePatch(t[k] ?? .null, v) }
        }
        return .map(t)
    }
}
