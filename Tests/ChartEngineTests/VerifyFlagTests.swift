@testable import ChartEngine
import Foundation
import Testing
import TestSupport

/// `--verify`/`--keyring` on the commands that locate a chart (install, upgrade, template, show) and
/// on `dependency update|build`, with keys made by gpg in throwaway homes. gpg runs block, so every
/// call that verifies runs off the cooperative pool.
@Suite("VerifyFlag", .enabled(if: ProvenanceFixtures.gpgAvailable, "needs gpg"))
struct VerifyFlagTests {
    /// A repository with `signed` (good .prov), `plain` (no .prov), `tampered` (.prov body edited)
    /// and `renamed` (a .prov listing another file name), plus the keyrings.
    struct Repo {
        let home: RepoFixtures.Home
        let secring: String
        let pubring: String
        let server: RepoServer
    }

    static func repo() async throws -> Repo {
        let home = try RepoFixtures.home()
        let (sec, pub) = try await ProvenanceFixtures.keyrings(in: home.dir + "/keys", user: "Repo Signer <repo@example.com>")
        for name in ["signed", "plain", "tampered", "renamed"] {
            let chart = try RepoFixtures.chart(in: home.dir + "/work", name: name, version: "1.0.0")
            let archive = try ChartPackager.package(directory: chart, destination: home.srv)
            guard name != "plain" else { continue }
            var prov = try await offCooperativePool { try Provenance.sign(archivePath: archive, key: "Repo Signer", keyring: sec) }
            if name == "tampered" { prov = prov.replacingOccurrences(of: "description: A test chart", with: "description: A test chars") }
            try prov.write(toFile: archive + ".prov", atomically: true, encoding: .utf8)
        }
        // `renamed` carries the signature made for `signed`.
        try FileManager.default.removeItem(atPath: home.srv + "/renamed-1.0.0.tgz.prov")
        try FileManager.default.copyItem(atPath: home.srv + "/signed-1.0.0.tgz.prov", toPath: home.srv + "/renamed-1.0.0.tgz.prov")
        _ = try RepoIndexAction.run(directory: home.srv)
        return Repo(home: home, secring: sec, pubring: pub, server: try RepoServer(root: home.srv))
    }

    static func locate(_ name: String, _ o: ChartReference.Options, _ paths: HelmPaths) async -> (ChartReference.Location?, String?) {
        let r = try? await offCooperativePool { () -> Result<ChartReference.Location, ChartEngineError> in
            do throws(ChartEngineError) {
                return .success(try ChartReference.locate(name, options: o, paths: paths))
            } catch {
                return .failure(error)
            }
        }
        switch r {
        case .success(let l)?: return (l, nil)
        case .failure(let e)?: return (nil, e.message)
        case nil: return (nil, "no result")
        }
    }

    @Test func repositoryChartsMustVerify() async throws {
        let r = try await Self.repo()
        defer { r.server.stop() }
        var o = ChartReference.Options()
        o.repoURL = r.server.url
        o.verify = true
        o.keyring = r.pubring
        let (signed, error) = await Self.locate("signed", o, r.home.paths)
        #expect(error == nil)
        if case .archive(let url, let bytes)? = signed {
            #expect(url == r.server.url + "/signed-1.0.0.tgz")
            #expect(try ChartArchive.load(bytes: bytes).metadata.name == "signed")
        } else {
            Issue.record("signed chart not located: \(String(describing: signed))")
        }
        #expect(await Self.locate("plain", o, r.home.paths).1 == "failed to fetch provenance \"\(r.server.url)/plain-1.0.0.tgz.prov\"")
        #expect(await Self.locate("tampered", o, r.home.paths).1 == "openpgp: invalid signature: RSA verification failure")
        #expect(await Self.locate("renamed", o, r.home.paths).1
            == "provenance does not contain a SHA for a file named \"renamed-1.0.0.tgz\"")
        let (_, otherPub) = try await ProvenanceFixtures.keyrings(in: r.home.dir + "/other", user: "Else <else@example.com>")
        o.keyring = otherPub
        #expect(await Self.locate("signed", o, r.home.paths).1 == "openpgp: signature made by unknown entity")
        o.keyring = r.home.dir + "/missing.gpg"
        #expect(await Self.locate("signed", o, r.home.paths).1
            == "failed to load keyring: open \(r.home.dir)/missing.gpg: no such file or directory")
        o.keyring = r.home.srv + "/index.yaml"
        #expect(await Self.locate("signed", o, r.home.paths).1
            == "failed to load keyring: openpgp: invalid data: tag byte does not have MSB set")
        // Without --verify nothing is checked.
        o.verify = false
        #expect(await Self.locate("tampered", o, r.home.paths).1 == nil)
    }

    @Test func localChartsMustBeSignedArchives() async throws {
        let r = try await Self.repo()
        r.server.stop()
        var o = ChartReference.Options()
        o.verify = true
        o.keyring = r.pubring
        let signed = r.home.srv + "/signed-1.0.0.tgz"
        let located = await Self.locate(signed, o, r.home.paths)
        #expect(located.0 == .path(signed) && located.1 == nil)
        let lone = r.home.dir + "/lone-1.0.0.tgz"
        try FileManager.default.copyItem(atPath: signed, toPath: lone)
        #expect(await Self.locate(lone, o, r.home.paths).1
            == "could not load provenance file \(lone).prov: stat \(lone).prov: no such file or directory")
        #expect(await Self.locate(r.home.dir + "/work/signed", o, r.home.paths).1 == "unpacked charts cannot be verified")
        #expect(await Self.locate(r.pubring, o, r.home.paths).1 == "chart must be a tgz file")
        // Hostile provenance files: binary garbage, an empty file, a PGP message that is not
        // clear-signed, a clear-signed block whose body has no `files:` part.
        let hostile: [(String, [UInt8])] = [
            ("garbage", [0x8c, 0x0d, 0x04, 0x09, 0x03, 0x02] + [UInt8](repeating: 0xff, count: 4096)),
            ("empty", []),
            ("armored", Array("-----BEGIN PGP MESSAGE-----\n\nowGbwMvMwCE=\n-----END PGP MESSAGE-----\n".utf8)),
            ("unsigned-block", Array("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nname: x\n".utf8)),
        ]
        for (name, bytes) in hostile {
            let path = r.home.dir + "/\(name)-1.0.0.tgz"
            try FileManager.default.copyItem(atPath: signed, toPath: path)
            try Data(bytes).write(to: URL(fileURLWithPath: path + ".prov"))
            #expect(await Self.locate(path, o, r.home.paths).1 == "signature block not found", "\(name)")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: RepositoryCLITests.binary)))
    func commandsVerifyBeforeUsingTheChart() async throws {
        let r = try await Self.repo()
        defer { r.server.stop() }
        let home = r.home
        func run(_ args: [String]) async throws -> RepositoryCLITests.Result {
            try await offCooperativePool { try RepositoryCLITests.run(args, home: home, cwd: home.dir) }
        }
        let keyring = ["--keyring", r.pubring]
        let ok = try await run(["template", "rel", "signed", "--repo", r.server.url, "--verify"] + keyring)
        #expect(ok.status == 0 && ok.stdout.contains("name: rel-signed"), "\(ok)")
        let shown = try await run(["show", "chart", "signed", "--repo", r.server.url, "--verify"] + keyring)
        #expect(shown.status == 0 && shown.stdout.contains("name: signed"), "\(shown)")
        let local = try await run(["template", "rel", "srv/signed-1.0.0.tgz", "--verify"] + keyring)
        #expect(local.status == 0, "\(local)")
        let unsigned = "Error: failed to fetch provenance \"\(r.server.url)/plain-1.0.0.tgz.prov\"\n"
        #expect(try await run(["template", "rel", "plain", "--repo", r.server.url, "--verify"] + keyring)
            == .init(status: 1, stdout: "", stderr: unsigned))
        #expect(try await run(["show", "values", "plain", "--repo", r.server.url, "--verify"] + keyring)
            == .init(status: 1, stdout: "", stderr: unsigned))
        #expect(try await run(["template", "rel", "work/plain", "--verify"] + keyring)
            == .init(status: 1, stdout: "", stderr: "Error: unpacked charts cannot be verified\n"))
        // install and upgrade verify before they touch a cluster (none is reachable here).
        let kubeconfig = ["--kubeconfig", home.dir + "/no-such-kubeconfig"]
        #expect(try await run(["install", "rel", "work/plain", "--verify"] + keyring + kubeconfig)
            == .init(status: 1, stdout: "", stderr: "Error: unpacked charts cannot be verified\n"))
        #expect(try await run(["upgrade", "rel", "tampered", "--repo", r.server.url, "--verify"] + keyring + kubeconfig)
            == .init(status: 1, stdout: "", stderr: "Error: openpgp: invalid signature: RSA verification failure\n"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: RepositoryCLITests.binary)))
    func dependencyUpdateVerifiesEachDownload() async throws {
        let r = try await Self.repo()
        defer { r.server.stop() }
        let home = r.home
        func parent(_ name: String, _ deps: [String]) throws -> String {
            let list = deps.map { "- name: \($0)\n  version: 1.0.0\n  repository: \(r.server.url)\n" }.joined()
            return try RepoFixtures.chart(in: home.dir + "/parents", name: name, version: "1.0.0", extra: "dependencies:\n" + list)
        }
        func run(_ args: [String]) async throws -> RepositoryCLITests.Result {
            try await offCooperativePool { try RepositoryCLITests.run(args, home: home, cwd: home.dir) }
        }
        let good = try parent("good", ["signed"])
        let updated = try await run(["dependency", "update", good, "--verify", "--keyring", r.pubring])
        #expect(updated.status == 0, "\(updated)")
        #expect(FileManager.default.fileExists(atPath: good + "/charts/signed-1.0.0.tgz"))
        // As in Helm, the downloaded .prov is left behind in the temporary folder: safeMoveDeps
        // reports it as not a chart.
        #expect(updated.stdout.contains("signed-1.0.0.tgz.prov for moving: file '"), "\(updated)")
        #expect(!FileManager.default.fileExists(atPath: good + "/charts/signed-1.0.0.tgz.prov"))

        for (name, dep, message) in [
            ("bad1", "plain", "failed to fetch provenance \"\(r.server.url)/plain-1.0.0.tgz.prov\""),
            ("bad2", "tampered", "openpgp: invalid signature: RSA verification failure"),
        ] {
            let p = try parent(name, ["signed", dep])
            let failed = try await run(["dependency", "update", p, "--verify", "--keyring", r.pubring])
            let expected = "could not download \(r.server.url)/\(dep)-1.0.0.tgz: \(message)"
            #expect(failed.status == 1 && failed.stderr == "Error: \(expected)\n", "\(failed)")
            #expect(failed.stdout.contains("Save error occurred:  \(expected)\n"), "\(failed)")
            // Nothing was moved into charts/ and no lock was written.
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: p + "/charts")) ?? []).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: p + "/Chart.lock"))
        }
        // build verifies from the lock file too; without --verify the tampered chart is taken.
        let bad = try parent("bad3", ["tampered"])
        #expect(try await run(["dependency", "update", bad]).status == 0)
        try FileManager.default.removeItem(atPath: bad + "/charts")
        // build needs the repository configured (Helm's hasAllRepos).
        #expect(try await run(["repo", "add", "r", r.server.url]).status == 0)
        let built = try await run(["dependency", "build", bad, "--verify", "--keyring", r.pubring])
        #expect(built.status == 1 && built.stderr.hasSuffix("openpgp: invalid signature: RSA verification failure\n"), "\(built)")
    }

    @Test(.enabled(if: TestRegistry.available && FileManager.default.isExecutableFile(atPath: RepositoryCLITests.binary),
                   "needs docker-registry and helmctl"))
    func ociChartsVerifyTheirProvenanceLayer() async throws {
        let r = try await Self.repo()
        r.server.stop()
        let registry = try TestRegistry()
        defer { registry.stop() }
        let home = r.home
        func run(_ args: [String]) async throws -> RepositoryCLITests.Result {
            try await offCooperativePool { try RepositoryCLITests.run(args, home: home, cwd: home.dir) }
        }
        // push sends `CHART.tgz.prov` along as a provenance layer when it sits next to the archive.
        for name in ["signed", "plain", "tampered"] {
            let pushed = try await run(["push", "srv/\(name)-1.0.0.tgz", "oci://\(registry.host)/charts", "--plain-http"])
            #expect(pushed.status == 0, "\(pushed)")
        }
        let keyring = ["--keyring", r.pubring, "--plain-http"]
        let ok = try await run(["template", "rel", "oci://\(registry.host)/charts/signed", "--version", "1.0.0", "--verify"] + keyring)
        #expect(ok.status == 0 && ok.stdout.contains("name: rel-signed"), "\(ok)")
        // Helm pulls chart and provenance in two registry pulls, each reported on stderr.
        let report = "Pulled: \(registry.host)/charts/signed:1.0.0\nDigest: sha256:"
        #expect(ok.stderr.hasPrefix(report) && ok.stderr.components(separatedBy: report).count == 3, "\(ok)")
        let plain = try await run(["show", "chart", "oci://\(registry.host)/charts/plain", "--version", "1.0.0", "--verify"] + keyring)
        #expect(plain.status == 1 && plain.stderr.hasPrefix("Pulled: \(registry.host)/charts/plain:1.0.0\nDigest: sha256:")
            && plain.stderr.hasSuffix("\nError: failed to fetch provenance \"oci://\(registry.host)/charts/plain:1.0.0.prov\"\n"),
            "\(plain)")
        let tampered = try await run(["template", "oci://\(registry.host)/charts/tampered", "--verify"] + keyring)
        #expect(tampered.status == 1 && tampered.stderr.hasSuffix("openpgp: invalid signature: RSA verification failure\n"), "\(tampered)")
        // pull --verify: the report on stdout, both registry pulls on stderr, the .prov kept.
        let work = home.dir + "/pulled"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let pulledV = try await run(["pull", "oci://\(registry.host)/charts/signed", "--version", "1.0.0", "--verify",
                                     "-d", work] + keyring)
        #expect(pulledV.status == 0 && pulledV.stdout.hasPrefix("Signed by: Repo Signer <repo@example.com>\n")
            && pulledV.stderr.components(separatedBy: report).count == 3, "\(pulledV)")
        #expect(FileManager.default.fileExists(atPath: work + "/signed-1.0.0.tgz.prov"))
        let provOnly = try await run(["pull", "oci://\(registry.host)/charts/plain", "--version", "1.0.0", "--prov",
                                      "-d", work, "--plain-http"])
        #expect(provOnly.status == 0 && provOnly.stdout == "WARNING: Verification not found for oci://\(registry.host)/charts/plain: "
            + "manifest does not contain a layer with mediatype application/vnd.cncf.helm.chart.provenance.v1.prov\n", "\(provOnly)")
        // dependency update --verify with oci:// dependencies uses the provenance layer too.
        func parent(_ name: String, _ dep: String) throws -> String {
            try RepoFixtures.chart(in: home.dir + "/oci-parents", name: name, version: "1.0.0", extra: """
                dependencies:
                - name: \(dep)
                  version: 1.0.0
                  repository: oci://\(registry.host)/charts

                """)
        }
        let good = try parent("good", "signed")
        let depOK = try await run(["dependency", "update", good, "--verify", "--keyring", r.pubring, "--plain-http"])
        #expect(depOK.status == 0 && FileManager.default.fileExists(atPath: good + "/charts/signed-1.0.0.tgz"), "\(depOK)")
        let bad = try parent("bad", "plain")
        let depBad = try await run(["dependency", "update", bad, "--verify", "--keyring", r.pubring, "--plain-http"])
        #expect(depBad.status == 1 && depBad.stderr == "Error: could not download oci://\(registry.host)/charts/plain: "
            + "failed to fetch provenance \"oci://\(registry.host)/charts/plain:1.0.0.prov\"\n", "\(depBad)")
        // The pulled provenance is the file that was pushed.
        let pulled = try await offCooperativePool {
            try OCIActions.fetch("oci://\(registry.host)/charts/signed", version: "1.0.0", plainHTTP: true, http: HTTPOptions(),
                                 config: OCITests.config(home.dir), withProvenance: true)
        }
        #expect(pulled.provenance == [UInt8](try Data(contentsOf: URL(fileURLWithPath: home.srv + "/signed-1.0.0.tgz.prov"))))
    }
}
