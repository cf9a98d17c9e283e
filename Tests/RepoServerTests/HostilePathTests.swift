import Foundation
import RepoServer
import Testing

@Suite("Nothing outside the repository directory is ever served")
struct HostilePathTests {
    static let secret = "TOP-SECRET-\(UUID().uuidString)"

    /// A repository next to a directory holding a secret, a symlink out, a symlinked directory out,
    /// a symlink inside, and dot-files.
    func makeRepo() throws -> TempRepo {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        let outside = repo.root + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Self.secret.write(toFile: outside + "/secret.tgz", atomically: true, encoding: .utf8)
        try Self.secret.write(toFile: outside + "/secret.tgz.prov", atomically: true, encoding: .utf8)
        try Self.secret.write(toFile: repo.root + "/passwd", atomically: true, encoding: .utf8)
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: repo.dir + "/out.tgz", withDestinationPath: outside + "/secret.tgz")
        try fm.createSymbolicLink(atPath: repo.dir + "/rel-out.tgz", withDestinationPath: "../outside/secret.tgz")
        try fm.createSymbolicLink(atPath: repo.dir + "/linkdir", withDestinationPath: outside)
        try fm.createSymbolicLink(atPath: repo.dir + "/inside.tgz", withDestinationPath: "alpha-0.1.0.tgz")
        try Self.secret.write(toFile: repo.dir + "/.hidden.tgz", atomically: true, encoding: .utf8)
        try fm.createDirectory(atPath: repo.dir + "/.git", withIntermediateDirectories: true)
        try Self.secret.write(toFile: repo.dir + "/.git/x.tgz", atomically: true, encoding: .utf8)
        return repo
    }

    @Test(arguments: [
        ("/../passwd", 400), ("/..%2fpasswd", 400), ("/%2e%2e/passwd", 400), ("/%2E%2E/%2e%2E/passwd", 400),
        ("/%2e%2e%2fpasswd", 400), ("/alpha-0.1.0.tgz/../../passwd", 400), ("/./alpha-0.1.0.tgz", 400),
        ("//passwd", 400), ("/linkdir//secret.tgz", 400), ("/%2fetc%2fpasswd", 400), ("/%2Fpasswd", 400),
        ("/alpha%00.tgz", 400), ("/alpha-0.1.0.tgz%00", 400), ("/%5c..%5cpasswd", 400), ("/..\\passwd", 400),
        ("/%zz", 400), ("/%", 400), ("/%c0%ae%c0%ae/passwd", 400), ("passwd", 400), ("*", 400),
        ("http://127.0.0.1/../passwd", 400),
        ("/.hidden.tgz", 404), ("/%2ehidden.tgz", 404), ("/.git/x.tgz", 404), ("/out.tgz", 404),
        ("/rel-out.tgz", 404), ("/linkdir/secret.tgz", 404), ("/linkdir/secret.tgz.prov", 404),
        ("/passwd", 404), ("/index.yaml/..", 400),
    ])
    func refused(target: String, status: Int) async throws {
        let repo = try makeRepo()
        try await withServer(repo) { server, _ async throws in
            let r = try fetch(server, target)
            #expect(r.status == status)
            #expect(!r.text.contains(Self.secret))
        }
    }

    @Test func symlinksOutAndDotFilesAreNotIndexedButInsideLinksWork() async throws {
        let repo = try makeRepo()
        try await withServer(repo) { server, _ async throws in
            let index = try fetch(server, "/index.yaml").text
            #expect(!index.contains("out.tgz"))
            #expect(!index.contains("secret"))
            #expect(!index.contains(".hidden"))
            #expect(index.contains("alpha-0.1.0.tgz"))
            let inside = try fetch(server, "/inside.tgz")
            #expect(inside.status == 200)
            #expect(inside.body == repo.read("alpha-0.1.0.tgz"))
        }
    }

    @Test func symlinkSwappedOutAfterTheScanIsRefused() async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        try Self.secret.write(toFile: repo.root + "/secret.tgz", atomically: true, encoding: .utf8)
        try await withServer(repo) { server, _ async throws in
            // Replace the scanned archive with a link out between scans: the open refuses it.
            try FileManager.default.removeItem(atPath: repo.dir + "/alpha-0.1.0.tgz")
            try FileManager.default.createSymbolicLink(atPath: repo.dir + "/alpha-0.1.0.tgz",
                                                       withDestinationPath: repo.root + "/secret.tgz")
            let r = try fetch(server, "/alpha-0.1.0.tgz")
            #expect(r.status == 404)
            #expect(!r.text.contains(Self.secret))
        }
    }
}
