import Foundation
import Testing
import TestSupport
@testable import ClusterCore

/// `helmctl image load|ls|rm` through the built `helmctl` binary: what it prints, its exit status, and
/// the store it leaves in the data directory.
@Suite("helmctl image")
struct ImageCommandTests {
    /// The `helmctl` built beside this test bundle (`swift test` builds every product into the same
    /// directory, whatever `--scratch-path` says).
    static let binary: String = {
        let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("helmctl").path
    }()

    /// A fresh data directory for `body`, removed afterwards.
    static func withDataDirectory(_ body: (String) async throws -> Void) async throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("no helmctl binary at \(binary): build it first (swift build --product helmctl, same --scratch-path)")
            return
        }
        let dir = NSTemporaryDirectory() + "helmctl-image-cli-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await body(dir)
    }

    static func helmctl(_ arguments: [String]) async throws -> ChildProcessResult {
        try await offCooperativePool { try TestSupport.runChild(binary, arguments) }
    }

    /// A docker-save archive of a one-layer image tagged `tag`.
    static func savedImage(_ tag: String) throws -> [UInt8] {
        var layer = TarWriter()
        layer.add("hello.txt", .file(Array("hello".utf8)))
        let image = try TestImage.make(layers: [layer.archive], compress: false)
        return ImageStoreTests.dockerSave(image, tarLayers: [layer.archive], tags: [tag])
    }

    /// Every path under the store's root but its scratch directory: what a failed load must not change.
    static func storeFiles(_ data: String) -> [String] {
        let store = ClusterDataDirectory(path: data).imageStore
        let tmp = String(store.tmpDirectory.dropFirst(store.root.count + 1))
        let all = (FileManager.default.enumerator(atPath: store.root)?.allObjects as? [String]) ?? []
        return all.filter { $0 != tmp && !$0.hasPrefix(tmp + "/") }.sorted()
    }

    @Test("load prints what it loaded, ls lists it, rm untags it and ls no longer shows it")
    func loadListRemove() async throws {
        try await Self.withDataDirectory { data in
            let archive = data + "/saved.tar"
            try Data(Self.savedImage("cli/app:1")).write(to: URL(fileURLWithPath: archive))
            let loaded = try await Self.helmctl(["image", "load", archive, "--data-dir", data])
            let stored = try ClusterDataDirectory(path: data).imageStore.list()
            #expect(stored.map(\.reference) == ["docker.io/cli/app:1"])
            let image = try #require(stored.first)
            #expect(loaded.status == 0 && loaded.stderrText == "", "\(loaded.stderrText)")
            #expect(loaded.stdoutText == "Loaded image: docker.io/cli/app:1 (\(image.digest))\n")

            let listed = try await Self.helmctl(["image", "ls", "--data-dir", data])
            #expect(listed.status == 0, "\(listed.stderrText)")
            let rows = listed.stdoutText.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(rows.first == ["REFERENCE", "DIGEST", "IMAGE", "ID", "SIZE"])
            #expect(rows.dropFirst().map { Array($0.prefix(3)) }
                == [["docker.io/cli/app:1", String(image.digest.prefix(19)), String(image.configDigest.dropFirst(7).prefix(12))]])

            let removed = try await Self.helmctl(["image", "rm", "cli/app:1", "--data-dir", data])
            #expect(removed.status == 0 && removed.stderrText == "", "\(removed.stderrText)")
            #expect(removed.stdoutText == "Untagged: docker.io/cli/app:1\n")
            let after = try await Self.helmctl(["image", "ls", "--data-dir", data])
            #expect(after.status == 0)
            #expect(after.stdoutText.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) } == ["REFERENCE"])
            // Removing it again names what is missing.
            let again = try await Self.helmctl(["image", "rm", "cli/app:1", "--data-dir", data])
            #expect(again.status == 1 && again.stderrText.hasPrefix("Error: "), "\(again.stderrText)")
        }
    }

    @Test("a malformed archive fails with an Error: line and exit status 1, and leaves the store as it was", arguments: [
        ("not-a-tar", "cannot read image archive"),
        ("no-manifest", "is neither a docker-save archive (manifest.json) nor an OCI image layout (index.json)"),
        ("manifest-not-json", "manifest.json"),
        ("missing-layer", "layer.tar"),
    ])
    func malformedArchive(kind: String, message: String) async throws {
        try await Self.withDataDirectory { data in
            // A store with one image in it already.
            let good = data + "/good.tar"
            try Data(Self.savedImage("cli/kept:1")).write(to: URL(fileURLWithPath: good))
            #expect(try await Self.helmctl(["image", "load", good, "--data-dir", data]).status == 0)
            let before = Self.storeFiles(data)

            var bad = TarWriter()
            switch kind {
            case "not-a-tar": break
            case "no-manifest": bad.add("hello.txt", .file(Array("hello".utf8)))
            case "manifest-not-json": bad.add("manifest.json", .file(Array("[{\"Config\":".utf8)))
            default:
                let manifest = #"[{"Config":"c.json","RepoTags":["cli/broken:1"],"Layers":["0/layer.tar"]}]"#
                bad.add("c.json", .file(Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)))
                bad.add("manifest.json", .file(Array(manifest.utf8)))
            }
            let archive = data + "/bad.tar"
            try Data(kind == "not-a-tar" ? Array("this is not a tar archive\n".utf8) : bad.archive).write(to: URL(fileURLWithPath: archive))
            let result = try await Self.helmctl(["image", "load", archive, "--data-dir", data])
            #expect(result.status == 1)
            #expect(result.stdoutText == "")
            #expect(result.stderrText.hasPrefix("Error: ") && result.stderrText.contains(message), "\(result.stderrText)")
            #expect(Self.storeFiles(data) == before)
            #expect(try ClusterDataDirectory(path: data).imageStore.list().map(\.reference) == ["docker.io/cli/kept:1"])
        }
    }
}
