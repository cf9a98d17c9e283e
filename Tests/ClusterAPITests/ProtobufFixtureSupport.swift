import Foundation
import StructuredData

/// Loads the protobuf fixtures (`Fixtures/protobuf/<name>.pb` with the expected `<name>.json`).
enum ProtobufFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/protobuf")

    /// Every fixture name (a `.pb` with a matching `.json`), sorted.
    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".pb") }.map { String($0.dropLast(3)) }
            .filter { files.contains($0 + ".json") }.sorted()
    }()

    static func body(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name + ".pb")))
    }

    static func expected(_ name: String) throws -> Value {
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".json"))
        return dropNulls(try JSON.decodeKeepingIntegers([UInt8](data)))
    }

    /// `kubectl -o json` prints Go's `null` for unset value structs (`creationTimestamp: null`); an absent key
    /// means the same to the API, so nulls are removed before comparing.
    static func dropNulls(_ v: Value) -> Value {
        switch v {
        case .map(let m): return .map(m.filter { $0.value != .null }.mapValues(dropNulls))
        case .list(let l): return .list(l.map(dropNulls))
        default: return v
        }
    }

    /// Paths where two values differ, for readable failures.
    static func differences(_ a: Value, _ b: Value, path: String = "") -> [String] {
        switch (a, b) {
        case (.map(let x), .map(let y)):
            return Set(x.keys).union(y.keys).sorted().flatMap { key -> [String] in
                guard let l = x[key] else { return ["\(path).\(key): missing in decoded"] }
                guard let r = y[key] else { return ["\(path).\(key): unexpected \(l)"] }
                return differences(l, r, path: "\(path).\(key)")
            }
        case (.list(let x), .list(let y)) where x.count == y.count:
            return zip(x, y).enumerated().flatMap { differences($1.0, $1.1, path: "\(path)[\($0)]") }
        default:
            return a == b ? [] : ["\(path): decoded \(a), expected \(b)"]
        }
    }
}
