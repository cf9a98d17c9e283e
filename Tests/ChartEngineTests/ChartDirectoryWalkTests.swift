@testable import ChartEngine
import Foundation
import Testing

/// The listed walk with parallel reads (`helm package`'s) visits exactly what the sequential walk
/// (the loader's) visits, in the same order with the same bytes and times, and stops with the same
/// error, for ordinary and hostile trees.
struct ChartDirectoryWalkTests {
    struct Visit: Equatable {
        var relative: String
        var data: [UInt8]
        var fullPath: String
        var modTime: FileTime?
    }

    static func walk(_ dir: String, readers: Int) -> (visits: [Visit], error: String?) {
        var visits: [Visit] = []
        let error = Fixtures.errorMessage {
            try ChartDirectoryWalk(directory: dir).run(readers: readers) { rel, data, full, modTime in
                visits.append(Visit(relative: rel, data: data, fullPath: full, modTime: modTime))
            }
        }
        return (visits, error)
    }

    /// A chart with more files than one read chunk, nested directories, a BOM, an ignored file.
    static func tree() -> [String: String] {
        var files = ["Chart.yaml": Fixtures.chartYAML("walk"), "values.yaml": "\u{FEFF}a: 1\n",
                     ".helmignore": "ignored.txt\n", "ignored.txt": "x", "templates/.hidden": "h",
                     "files/deep/er/f.txt": "deep", "charts/sub/Chart.yaml": Fixtures.chartYAML("sub")]
        for i in 0..<70 { files["templates/t\(i).yaml"] = "k: \(i)\n" + String(repeating: "x", count: i * 37) }
        return files
    }

    @Test func parallelReadsVisitAsTheSequentialWalk() throws {
        let dir = try Fixtures.directory(Self.tree())
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sequential = Self.walk(dir, readers: 1)
        let parallel = Self.walk(dir, readers: 2)
        #expect(sequential.error == nil)
        #expect(sequential.visits.count == 75)  // all but ignored.txt and templates/.hidden
        #expect(parallel.visits == sequential.visits)
        #expect(parallel.error == sequential.error)
        #expect(parallel.visits.first { $0.relative == "values.yaml" }?.data == Array("a: 1\n".utf8))
    }

    /// More directories than the listed walk keeps open: the rest are read by full path, same result.
    @Test func manyDirectoriesReadAlike() throws {
        var files = ["Chart.yaml": Fixtures.chartYAML("dirs")]
        for i in 0..<(ChartDirectoryWalk.maxOpenDirectories + 40) { files["files/d\(i)/f.txt"] = "file \(i)" }
        let dir = try Fixtures.directory(files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sequential = Self.walk(dir, readers: 1)
        let parallel = Self.walk(dir, readers: 2)
        #expect(sequential.error == nil && parallel.error == nil)
        #expect(parallel.visits.count == files.count)
        #expect(parallel.visits == sequential.visits)
    }

    /// Each hostile entry, placed in the middle of the walk: both walks visit the same files before
    /// it and stop with the same error.
    @Test(arguments: ["fifo", "large", "loop", "dangling"])
    func hostileEntriesStopBothWalksAlike(_ kind: String) throws {
        let dir = try Fixtures.directory(Self.tree())
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/templates/t3x"
        switch kind {
        case "fifo":
            #expect(mkfifo(path, 0o600) == 0)
        case "large":
            try Data(count: ChartLoader.maxFileSize + 1).write(to: URL(fileURLWithPath: path))
        case "loop":
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: dir + "/templates")
        default:
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: dir + "/nowhere")
        }
        let sequential = Self.walk(dir, readers: 1)
        let parallel = Self.walk(dir, readers: 2)
        #expect(sequential.error != nil)
        #expect(parallel.error == sequential.error)
        #expect(parallel.visits == sequential.visits)
        #expect(parallel.visits.count > 3)
    }

    /// Directory entries come back in byte order (Go's `os.ReadDir`), with and without non-ASCII names.
    @Test(arguments: [false, true])
    func entriesAreInByteOrder(_ withNonASCII: Bool) throws {
        var names = ["b", "B", "_x", "a-b", "a.b", "a", "Z", "e", "10", "9", "a~", "A_"]
        if withNonASCII { names += ["é", "z\u{301}", "ß"] }
        let dir = try Fixtures.directory(Dictionary(uniqueKeysWithValues: names.map { ($0, "x") }))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let listed = try FileSystem.entries(dir).map(\.name)
        #expect(listed.map { Array($0.utf8) } == names.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
    }
}
