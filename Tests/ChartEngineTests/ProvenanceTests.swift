@testable import ChartEngine
import Foundation
import Testing
import TestSupport

/// Chart provenance (`package --sign`, `verify`, `pull --verify`) through gpg with throwaway keys
/// made by the test in its own GNUPGHOME.
@Suite("Provenance", .enabled(if: ProvenanceFixtures.gpgAvailable, "needs gpg"))
struct ProvenanceTests {
    /// A signed chart in a fresh directory, with secret and public keyrings exported from a new key.
    struct Signed {
        let dir: String
        let archive: String
        let secring: String
        let pubring: String
    }

    static func signed(name: String = "signme", version: String = "0.2.0") async throws -> Signed {
        let dir = try ArchiveFixtures.tempDir()
        let (sec, pub) = try await ProvenanceFixtures.keyrings(in: dir + "/keys", user: "Prov Test <prov@example.com>")
        let chart = try RepoFixtures.chart(in: dir, name: name, version: version)
        let archive = try ChartPackager.package(directory: chart, destination: dir)
        let prov = try Provenance.sign(archivePath: archive, key: "Prov Test", keyring: sec)
        try prov.write(toFile: archive + ".prov", atomically: true, encoding: .utf8)
        return Signed(dir: dir, archive: archive, secring: sec, pubring: pub)
    }

    @Test func signedBodyIsHelmsMessageBlock() async throws {
        let s = try await Self.signed()
        let prov = try String(contentsOfFile: s.archive + ".prov", encoding: .utf8)
        let sum = ProvenanceFixtures.sha256(s.archive)
        // The layout of Helm's pkg/provenance/testdata/hashtest-1.2.3.tgz.prov: metadata YAML with
        // sorted keys, a blank line, `...`, `files:`, a blank line, then the signature; no final newline.
        let expectedHead = """
            -----BEGIN PGP SIGNED MESSAGE-----
            Hash: SHA512

            apiVersion: v2
            appVersion: "1.0"
            description: A test chart
            name: signme
            version: 0.2.0

            ...
            files:
              signme-0.2.0.tgz: sha256:\(sum)

            -----BEGIN PGP SIGNATURE-----

            """
        #expect(prov.hasPrefix(expectedHead))
        #expect(prov.hasSuffix("\n-----END PGP SIGNATURE-----"))
        #expect(try Provenance.messageBlock(archivePath: s.archive)
            == "apiVersion: v2\nappVersion: \"1.0\"\ndescription: A test chart\nname: signme\nversion: 0.2.0\n\n...\nfiles:\n  signme-0.2.0.tgz: sha256:\(sum)\n")
    }

    @Test func verifiesWithPublicOrSecretKeyring() async throws {
        let s = try await Self.signed()
        for ring in [s.pubring, s.secring] {
            let v = try Provenance.verifyChart(s.archive, keyring: ring)
            #expect(v.signedBy == ["Prov Test <prov@example.com>"])
            #expect(v.fileHash == "sha256:" + ProvenanceFixtures.sha256(s.archive))
            #expect(v.fileName == "signme-0.2.0.tgz")
            #expect(v.fingerprint.count == 40 && v.fingerprint == v.fingerprint.uppercased())
            #expect(v.report == "Signed by: Prov Test <prov@example.com>\nUsing Key With Fingerprint: \(v.fingerprint)\nChart Hash Verified: \(v.fileHash)\n")
        }
    }

    @Test func tamperedArchiveIsAHashMismatch() async throws {
        let s = try await Self.signed()
        let before = ProvenanceFixtures.sha256(s.archive)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: s.archive))
        bytes[bytes.count - 1] ^= 0xff
        try bytes.write(to: URL(fileURLWithPath: s.archive))
        let after = ProvenanceFixtures.sha256(s.archive)
        #expect(RepoFixtures.error { _ = try Provenance.verifyChart(s.archive, keyring: s.pubring) }
            == "sha256 sum does not match for signme-0.2.0.tgz: \"sha256:\(before)\" != \"sha256:\(after)\"")
    }

    @Test func tamperedBodyIsABadSignature() async throws {
        let s = try await Self.signed()
        let prov = try String(contentsOfFile: s.archive + ".prov", encoding: .utf8)
        try prov.replacingOccurrences(of: "description: A test chart", with: "description: A test chars")
            .write(toFile: s.archive + ".prov", atomically: true, encoding: .utf8)
        #expect(RepoFixtures.error { _ = try Provenance.verifyChart(s.archive, keyring: s.pubring) }
            == "openpgp: invalid signature: RSA verification failure")
    }

    @Test func otherKeyringIsAnUnknownEntity() async throws {
        let s = try await Self.signed()
        let (_, otherPub) = try await ProvenanceFixtures.keyrings(in: s.dir + "/other", user: "Someone Else <else@example.com>")
        #expect(RepoFixtures.error { _ = try Provenance.verifyChart(s.archive, keyring: otherPub) }
            == "openpgp: signature made by unknown entity")
        let empty = s.dir + "/empty.gpg"
        FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(RepoFixtures.error { _ = try Provenance.verifyChart(s.archive, keyring: empty) }
            == "openpgp: signature made by unknown entity")
    }

    @Test func helmsPreconditionErrors() async throws {
        let s = try await Self.signed()
        let lone = s.dir + "/lone.tgz"
        try FileManager.default.copyItem(atPath: s.archive, toPath: lone)
        #expect(RepoFixtures.error { _ = try Provenance.verifyChart(lone, keyring: s.pubring) }
            == "could not load provenance file \(lone).prov: stat \(lone).prov: no such file or directory")
        #expect(RepoFixtures.error { _ = try Provenance.verifyChart(s.dir + "/signme", keyring: s.pubring) }
            == "unpacked charts cannot be verified")
        #expect(RepoFixtures.error { _ = try Provenance.verifyChart(s.secring, keyring: s.pubring) }
            == "chart must be a tgz file")
        #expect(RepoFixtures.error { _ = try Provenance.verifyChart(s.archive, keyring: s.dir + "/nope.gpg") }
            == "failed to load keyring: open \(s.dir)/nope.gpg: no such file or directory")
        #expect(RepoFixtures.error { _ = try Provenance.verifyChart(s.archive, keyring: s.archive) }
            == "failed to load keyring: openpgp: invalid data: tag byte does not have MSB set")
        try "not signed\n".write(toFile: lone + ".prov", atomically: true, encoding: .utf8)
        #expect(RepoFixtures.error { _ = try Provenance.verifyChart(lone, keyring: s.pubring) }
            == "signature block not found")
        #expect(RepoFixtures.error { _ = try Provenance.sign(archivePath: s.archive, key: "nobody", keyring: s.secring) }
            == "private key not found")
        // A public keyring holds no private key to sign with.
        #expect(RepoFixtures.error { _ = try Provenance.sign(archivePath: s.archive, key: "Prov Test", keyring: s.pubring) }
            == "private key not found")
    }

    @Test func passphraseProtectedKeySignsWithPassphraseFile() async throws {
        let dir = try ArchiveFixtures.tempDir()
        let (sec, pub) = try await ProvenanceFixtures.keyrings(in: dir + "/keys", user: "Locked <locked@example.com>",
                                                         passphrase: "s3cret")
        let chart = try RepoFixtures.chart(in: dir, name: "locked", version: "1.0.0")
        let archive = try ChartPackager.package(directory: chart, destination: dir)
        try "s3cret\nignored\n".write(toFile: dir + "/pass", atomically: true, encoding: .utf8)
        try "wrong\n".write(toFile: dir + "/bad", atomically: true, encoding: .utf8)
        #expect(RepoFixtures.error { _ = try Provenance.sign(archivePath: archive, key: "Locked", keyring: sec, passphraseFile: dir + "/bad") } != nil)
        let prov = try Provenance.sign(archivePath: archive, key: "Locked", keyring: sec, passphraseFile: dir + "/pass")
        try prov.write(toFile: archive + ".prov", atomically: true, encoding: .utf8)
        #expect(try Provenance.verifyChart(archive, keyring: pub).signedBy == ["Locked <locked@example.com>"])
    }

    @Test func pullVerifyFetchesProvAndVerifies() async throws {
        let home = try RepoFixtures.home()
        let (sec, pub) = try await ProvenanceFixtures.keyrings(in: home.dir + "/keys", user: "Repo Signer <repo@example.com>")
        let chart = try RepoFixtures.chart(in: home.dir + "/work", name: "pulled", version: "1.0.0")
        let archive = try ChartPackager.package(directory: chart, destination: home.srv)
        try Provenance.sign(archivePath: archive, key: "Repo Signer", keyring: sec)
            .write(toFile: archive + ".prov", atomically: true, encoding: .utf8)
        let unsigned = try RepoFixtures.chart(in: home.dir + "/work", name: "plain", version: "1.0.0")
        _ = try ChartPackager.package(directory: unsigned, destination: home.srv)
        _ = try RepoIndexAction.run(directory: home.srv)
        let server = try RepoServer(root: home.srv)
        defer { server.stop() }

        let out = home.dir + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var o = PullAction.Options()
        o.repoURL = server.url
        o.destination = out
        o.verify = true
        o.keyring = pub
        let printed = try PullAction.run("pulled", options: o, paths: home.paths)
        let sum = ProvenanceFixtures.sha256(out + "/pulled-1.0.0.tgz")
        #expect(printed.hasPrefix("Signed by: Repo Signer <repo@example.com>\nUsing Key With Fingerprint: "))
        #expect(printed.hasSuffix("Chart Hash Verified: sha256:\(sum)\n"))
        #expect(FileManager.default.fileExists(atPath: out + "/pulled-1.0.0.tgz.prov"))

        #expect(RepoFixtures.error { _ = try PullAction.run("plain", options: o, paths: home.paths) }
            == "failed to fetch provenance \"\(server.url)/plain-1.0.0.tgz.prov\"")
        o.verify = false
        o.prov = true
        let warned = try PullAction.run("plain", options: o, paths: home.paths)
        #expect(warned.hasPrefix("WARNING: Verification not found for plain: "))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: RepositoryCLITests.binary)))
    func commandLinePackageSignAndVerify() async throws {
        let home = try RepoFixtures.home()
        let (sec, pub) = try await ProvenanceFixtures.keyrings(in: home.dir + "/keys", user: "CLI Signer <cli@example.com>")
        try RepoFixtures.chart(in: home.dir, name: "clichart", version: "3.0.0")
        let packaged = try RepositoryCLITests.run(["package", "--sign", "--key", "CLI Signer", "--keyring", sec,
                                                   "clichart"], home: home, cwd: home.dir)
        #expect(packaged == .init(status: 0, stdout: "Successfully packaged chart and saved it to: \(home.dir)/clichart-3.0.0.tgz\n", stderr: ""))
        let verified = try RepositoryCLITests.run(["verify", "clichart-3.0.0.tgz", "--keyring", pub], home: home, cwd: home.dir)
        #expect(verified.status == 0)
        #expect(verified.stdout.hasPrefix("Signed by: CLI Signer <cli@example.com>\nUsing Key With Fingerprint: "))
        #expect(verified.stdout.hasSuffix("Chart Hash Verified: sha256:\(ProvenanceFixtures.sha256(home.dir + "/clichart-3.0.0.tgz"))\n"))
        #expect(try RepositoryCLITests.run(["package", "--sign", "clichart"], home: home, cwd: home.dir)
            == .init(status: 1, stdout: "", stderr: "Error: --key is required for signing a package\n"))
        #expect(try RepositoryCLITests.run(["verify", "nope.tgz", "--keyring", pub], home: home, cwd: home.dir)
            == .init(status: 1, stdout: "", stderr: "Error: stat nope.tgz: no such file or directory\n"))
    }

    // MARK: Interoperability with the real Helm (skipped without the oracle venv)

    @Test(.enabled(if: ProvenanceFixtures.python != nil, "needs helm-python-sdk"))
    func realHelmVerifiesOursAndWeVerifyHelms() async throws {
        let s = try await Self.signed()
        let ours = try await ProvenanceFixtures.helm("""
            import json, helm_python as h
            print(json.dumps(h.verify("\(s.archive)", "\(s.pubring)")["signed_by"]))
            """)
        #expect(ours == #"["Prov Test <prov@example.com>"]"# + "\n")

        let theirs = s.dir + "/theirs"
        try FileManager.default.createDirectory(atPath: theirs, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: s.archive, toPath: theirs + "/signme-0.2.0.tgz")
        _ = try await ProvenanceFixtures.helm("""
            import helm_python as h
            print(h.sign("\(theirs)/signme-0.2.0.tgz", key="Prov Test", keyring="\(s.secring)"))
            """)
        let helmProv = try String(contentsOfFile: theirs + "/signme-0.2.0.tgz.prov", encoding: .utf8)
        let ourProv = try String(contentsOfFile: s.archive + ".prov", encoding: .utf8)
        // Same signed body byte for byte (signatures differ by timestamp).
        func body(_ p: String) -> String { p.components(separatedBy: "-----BEGIN PGP SIGNATURE-----")[0] }
        #expect(body(helmProv) == body(ourProv))
        #expect(helmProv.hasSuffix("\n-----END PGP SIGNATURE-----"))
        let v = try Provenance.verifyChart(theirs + "/signme-0.2.0.tgz", keyring: s.pubring)
        #expect(v.signedBy == ["Prov Test <prov@example.com>"])
    }
}

enum ProvenanceFixtures {
    static let gpgAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/gpg")

    static let python: String? = {
        let candidates = [ProcessInfo.processInfo.environment["HELM_PYTHON"], Fixtures.repoRoot + "/.venv/bin/python",
                          "/tmp/hv-prov/bin/python"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs `argv` with `GNUPGHOME=home`; returns stdout, throwing on a non-zero exit.
    @discardableResult
    static func run(_ argv: [String], gnupgHome: String? = nil, stdoutTo file: String? = nil) async throws -> String {
        try await offCooperativePool { try runBlocking(argv, gnupgHome: gnupgHome, stdoutTo: file) }
    }

    @discardableResult
    static func runBlocking(_ argv: [String], gnupgHome: String? = nil, stdoutTo file: String? = nil) throws -> String {
        var env = ProcessInfo.processInfo.environment
        if let gnupgHome { env["GNUPGHOME"] = gnupgHome }
        let r = try TestSupport.runChild(argv[0], Array(argv.dropFirst()), environment: env, discardingStderr: true)
        guard r.status == 0 else {
            throw ChartEngineError(.io, "\(argv.joined(separator: " ")) exited \(r.status)")
        }
        let data = r.stdout
        if let file { try data.write(to: URL(fileURLWithPath: file)) }
        return String(decoding: data, as: UTF8.self)
    }

    /// A new RSA 2048 key in a fresh GNUPGHOME under `dir`, exported as binary secret and public
    /// keyrings (`secring.gpg`, `pubring.gpg`, as Helm users make them).
    static func keyrings(in dir: String, user: String, passphrase: String? = nil) async throws -> (secret: String, public: String) {
        let home = dir + "/gnupg"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { _ = try? runBlocking(["/usr/bin/gpgconf", "--kill", "all"], gnupgHome: home) }
        var pass = ["--passphrase", ""]
        if let passphrase { pass = ["--passphrase", passphrase] }
        try await run(["/usr/bin/gpg", "--batch", "--pinentry-mode", "loopback"] + pass
                + ["--quick-gen-key", user, "rsa2048", "sign", "never"], gnupgHome: home)
        let sec = dir + "/secring.gpg", pub = dir + "/pubring.gpg"
        try await run(["/usr/bin/gpg", "--batch", "--pinentry-mode", "loopback"] + pass + ["--export-secret-keys"],
                gnupgHome: home, stdoutTo: sec)
        try await run(["/usr/bin/gpg", "--batch", "--export"], gnupgHome: home, stdoutTo: pub)
        return (sec, pub)
    }

    static func sha256(_ path: String) -> String {
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))).map { [UInt8]($0) } ?? []
        return SHA256.hex(bytes)
    }

    /// Runs a Python snippet with the Helm SDK; returns its standard output.
    static func helm(_ code: String) async throws -> String {
        try await run([python ?? "/bin/false", "-c", code])
    }
}
