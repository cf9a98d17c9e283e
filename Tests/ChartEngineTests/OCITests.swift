@testable import ChartEngine
import Foundation
import StructuredData
import Testing
import TestSupport

/// OCI registries against a real `docker-registry` started by the tests (skipped only when the
/// Debian package is not installed: `apt-get install docker-registry`, see scripts/setup.sh).
@Suite(.serialized) struct OCITests {
    static let python: String? = [Fixtures.repoRoot + "/.venv/bin/python", "/tmp/hv-oci/bin/python"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Packages a chart and returns the archive path.
    static func archive(in dir: String, name: String, version: String, extra: String = "") throws -> String {
        let src = try RepoFixtures.chart(in: dir + "/src-\(version)", name: name, version: version, extra: extra)
        return try ChartPackager.package(directory: src, destination: dir + "/dist")
    }

    static func config(_ dir: String) -> RegistryConfig { RegistryConfig(path: dir + "/registry/config.json") }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    static let extra = """
        home: https://example.com/demo
        sources:
        - https://github.com/example/demo
        - https://github.com/example/other
        maintainers:
        - name: Ann
          email: ann@example.com
        - name: Bob
        annotations:
          org.opencontainers.image.title: ignored
          team: core

        """

    @Test(.enabled(if: TestRegistry.available, "docker-registry is not installed"))
    func pushThenPullRoundTripsWithHelmsManifest() throws {
        let registry = try TestRegistry()
        defer { registry.stop() }
        let dir = try ArchiveFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try Self.archive(in: dir, name: "demo", version: "1.2.3+build.1", extra: Self.extra)
        let older = try Self.archive(in: dir, name: "demo", version: "1.0.0")
        let cfg = Self.config(dir)
        let out = try OCIActions.push(archive: path, to: "oci://\(registry.host)/charts", plainHTTP: true,
                                      http: HTTPOptions(), config: cfg)
        _ = try OCIActions.push(archive: older, to: "oci://\(registry.host)/charts", plainHTTP: true,
                                http: HTTPOptions(), config: cfg)
        // `+` is not allowed in a tag: Helm pushes `_`.
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first == "Pushed: \(registry.host)/charts/demo:1.2.3_build.1")
        let digest = String(lines.last?.dropFirst("Digest: ".count) ?? "")
        #expect(lines.last?.hasPrefix("Digest: sha256:") == true && digest.count == 71)

        let pulled = try OCIActions.fetch("oci://\(registry.host)/charts/demo", version: "1.2.3+build.1",
                                          plainHTTP: true, http: HTTPOptions(), config: cfg)
        #expect(pulled.chart == (try Self.bytes(path)))
        #expect(pulled.digest == digest)
        #expect(pulled.reference == "\(registry.host)/charts/demo:1.2.3_build.1")

        // The manifest, as Helm writes it.
        let manifest = try #require(try JSON.decode(pulled.manifest).mapValue)
        #expect(manifest["schemaVersion"] == .float(2))
        #expect(manifest["mediaType"] == nil)
        #expect(manifest["config"]?.mapValue?["mediaType"] == .string("application/vnd.cncf.helm.config.v1+json"))
        let layers = manifest["layers"]?.listValue ?? []
        #expect(layers.count == 1)
        #expect(layers.first?.mapValue?["mediaType"] == .string("application/vnd.cncf.helm.chart.content.v1.tar+gzip"))
        #expect(layers.first?.mapValue?["size"] == .float(Double(pulled.chart.count)))
        var annotations = manifest["annotations"]?.mapValue ?? [:]
        let created = annotations.removeValue(forKey: "org.opencontainers.image.created")?.stringValue ?? ""
        #expect(created.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression) != nil)
        #expect(annotations == [
            "org.opencontainers.image.title": .string("demo"),
            "org.opencontainers.image.version": .string("1.2.3+build.1"),
            "org.opencontainers.image.description": .string("A test chart"),
            "org.opencontainers.image.url": .string("https://example.com/demo"),
            "org.opencontainers.image.source": .string("https://github.com/example/demo"),
            "org.opencontainers.image.authors": .string("Ann (ann@example.com), Bob"),
            "team": .string("core"),
        ])
        // The config blob: Chart.yaml's metadata as Go marshals it (struct order, omitempty).
        let md = try ChartArchive.load(bytes: pulled.chart).metadata
        #expect(HelmOCI.configJSON(md) == #"{"name":"demo","home":"https://example.com/demo","sources":["https://github.com/example/demo","https://github.com/example/other"],"version":"1.2.3+build.1","description":"A test chart","maintainers":[{"name":"Ann","email":"ann@example.com"},{"name":"Bob"}],"apiVersion":"v2","appVersion":"1.0","annotations":{"org.opencontainers.image.title":"ignored","team":"core"}}"#)

        // No version: the newest SemVer tag; a constraint: the newest match.
        #expect(try OCIActions.fetch("oci://\(registry.host)/charts/demo", version: "", plainHTTP: true,
                                     http: HTTPOptions(), config: cfg).reference.hasSuffix(":1.2.3_build.1"))
        #expect(try OCIActions.fetch("oci://\(registry.host)/charts/demo", version: "<1.1", plainHTTP: true,
                                     http: HTTPOptions(), config: cfg).chart == (try Self.bytes(older)))

        // A missing tag: Helm's (oras-go's) error text.
        #expect(RepoFixtures.error {
            _ = try OCIActions.fetch("oci://\(registry.host)/charts/demo", version: "9.9.9", plainHTTP: true,
                                     http: HTTPOptions(), config: cfg)
        } == "failed to perform \"FetchReference\" on source: \(registry.host)/charts/demo:9.9.9: not found")

        // A blob altered in storage behind the registry's back is refused.
        let layerDigest = layers.first?.mapValue?["digest"]?.stringValue ?? ""
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: registry.blobPath(layerDigest)))
        let err = RepoFixtures.error {
            _ = try OCIActions.fetch("oci://\(registry.host)/charts/demo", version: "1.2.3+build.1", plainHTTP: true,
                                     http: HTTPOptions(), config: cfg)
        } ?? ""
        #expect(err.hasPrefix("blob \(layerDigest): digest mismatch"), "\(err)")
    }

    @Test(.enabled(if: TestRegistry.available, "docker-registry is not installed"))
    func commandsTemplateShowAndPullOCIReferences() throws {
        let binary = RepositoryCLITests.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build helmctl first")
        let registry = try TestRegistry()
        defer { registry.stop() }
        let home = try RepoFixtures.home()
        defer { try? FileManager.default.removeItem(atPath: home.dir) }
        let path = try Self.archive(in: home.dir, name: "web", version: "0.3.0")
        let pushed = try RepositoryCLITests.run(["push", path, "oci://\(registry.host)/apps", "--plain-http"], home: home)
        #expect(pushed.status == 0 && pushed.stderr.hasPrefix("Pushed: \(registry.host)/apps/web:0.3.0\nDigest: sha256:"),
                "\(pushed)")
        let ref = "oci://\(registry.host)/apps/web"
        let rendered = try RepositoryCLITests.run(["template", "rel", ref, "--version", "0.3.0", "--plain-http"], home: home)
        #expect(rendered.status == 0 && rendered.stdout.contains("name: rel-web"), "\(rendered.stderr)")
        let shown = try RepositoryCLITests.run(["show", "chart", ref, "--plain-http"], home: home)
        #expect(shown.stdout.contains("name: web\n") && shown.stdout.contains("version: 0.3.0\n"), "\(shown.stderr)")
        let work = home.dir + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let pulled = try RepositoryCLITests.run(["pull", ref, "--version", "0.3.0", "--plain-http", "-d", work], home: home)
        #expect(pulled.status == 0 && pulled.stderr.hasPrefix("Pulled: \(registry.host)/apps/web:0.3.0\nDigest: sha256:"))
        #expect(try Self.bytes(work + "/web-0.3.0.tgz") == (try Self.bytes(path)))
        // template and show report the pull on stderr as Helm's registry client does.
        #expect(rendered.stderr == pulled.stderr && shown.stderr == pulled.stderr, "\(rendered) \(shown)")
        #expect(pulled.stderr.split(separator: "\n").count == 2)
        let missing = try RepositoryCLITests.run(["pull", ref, "--version", "0.4.0", "--plain-http", "-d", work], home: home)
        #expect(missing == RepositoryCLITests.Result(
            status: 1, stdout: "",
            stderr: "Error: failed to perform \"FetchReference\" on source: \(registry.host)/apps/web:0.4.0: not found\n"))
    }

    @Test(.enabled(if: TestRegistry.available, "docker-registry is not installed"))
    func loginAndLogoutKeepDockersConfigFormat() throws {
        let registry = try TestRegistry()
        defer { registry.stop() }
        let dir = try ArchiveFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = Self.config(dir)
        #expect(try OCIActions.login(host: registry.host, username: "user", password: "pa:ss", plainHTTP: true,
                                     http: HTTPOptions(), config: cfg) == "Login Succeeded\n")
        let text = try String(contentsOfFile: cfg.path, encoding: .utf8)
        #expect(text == "{\n\t\"auths\": {\n\t\t\"\(registry.host)\": {\n\t\t\t\"auth\": \"dXNlcjpwYTpzcw==\"\n\t\t}\n\t}\n}\n")
        let mode = try FileManager.default.attributesOfItem(atPath: cfg.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let creds = try cfg.credentials(for: registry.host)
        #expect(creds?.0 == "user" && creds?.1 == "pa:ss")
        #expect(try OCIActions.logout(host: registry.host, config: cfg) == "Removing login credentials for \(registry.host)\n")
        #expect(try String(contentsOfFile: cfg.path, encoding: .utf8) == "{\n\t\"auths\": {}\n}\n")
        #expect(RepoFixtures.error { _ = try OCIActions.logout(host: registry.host, config: cfg) } == "not logged in")
        // Unreachable registries fail the login and store nothing.
        let other = Self.config(dir + "/other")
        #expect(RepoFixtures.error {
            _ = try OCIActions.login(host: "127.0.0.1:1", username: "u", password: "p", plainHTTP: true,
                                     http: HTTPOptions(), config: other)
        } != nil)
        #expect(!FileManager.default.fileExists(atPath: other.path))
    }

    @Test func challengesParseAsTheDistributionSpecWritesThem() {
        let (scheme, params) = OCIClient.parseChallenge(
            #"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull""#)
        #expect(scheme == "bearer")
        #expect(params == ["realm": "https://auth.example.com/token", "service": "registry.example.com",
                           "scope": "repository:a/b:pull"])
        #expect(OCIClient.parseChallenge(#"Basic realm="Registry Realm""#).0 == "basic")
        #expect(HelmOCI.tag(forVersion: "1.0.0+a.b") == "1.0.0_a.b")
    }

    @Test(arguments: [
        ("oci://reg.example.com/charts/web:1.0", "reg.example.com", "charts/web", "1.0", nil),
        ("oci://localhost:5000/a", "localhost:5000", "a", "", nil),
        ("oci://reg.example.com", "", "", "", "invalid reference: missing repository in \"oci://reg.example.com\""),
        ("oci://reg.example.com/Upper/x", "", "", "", "invalid reference: invalid repository \"Upper/x\" in \"oci://reg.example.com/Upper/x\""),
        ("oci://reg.example.com/a/../b", "", "", "", "invalid reference: invalid repository \"a/../b\" in \"oci://reg.example.com/a/../b\""),
    ] as [(String, String, String, String, String?)])
    func referencesParse(ref: String, host: String, repo: String, tag: String, error: String?) {
        if let error {
            #expect(RepoFixtures.error { _ = try OCIReference(ref) } == error)
        } else {
            let r = try? OCIReference(ref)
            #expect(r?.host == host && r?.repository == repo && r?.tag == tag)
        }
    }

    @Test func hostileRegistryResponsesAreRefused() throws {
        let dir = try ArchiveFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let oci = "application/vnd.oci.image.manifest.v1+json"
        let config = "{}"
        let configDigest = "sha256:" + SHA256.hex(Array(config.utf8))
        let claimed = "sha256:" + SHA256.hex(Array("the real chart".utf8))
        func manifest(configType: String = HelmOCI.configMediaType, layers: String) -> String {
            #"{"schemaVersion":2,"config":{"mediaType":"\#(configType)","digest":"\#(configDigest)","size":2},"layers":[\#(layers)]}"#
        }
        let chartLayer = #"{"mediaType":"\#(HelmOCI.chartLayerMediaType)","digest":"\#(claimed)","size":14}"#
        let fake = try FakeRegistry(routes: [
            "/v2/json/c/manifests/1.0.0": (200, oci, "{not json"),
            "/v2/type/c/manifests/1.0.0": (200, "application/vnd.docker.distribution.manifest.v2+json", manifest(layers: chartLayer)),
            "/v2/config/c/manifests/1.0.0": (200, oci, manifest(configType: "application/vnd.oci.image.config.v1+json", layers: chartLayer)),
            "/v2/nolayer/c/manifests/1.0.0": (200, oci, manifest(layers: "")),
            "/v2/digest/c/manifests/1.0.0": (200, oci, manifest(layers: chartLayer)),
            "/v2/digest/c/blobs/\(claimed)": (200, "application/octet-stream", "something else"),
            "/v2/size/c/manifests/1.0.0": (200, oci, manifest(layers: #"{"mediaType":"\#(HelmOCI.chartLayerMediaType)","digest":"\#(claimed)","size":99}"#)),
            "/v2/size/c/blobs/\(claimed)": (200, "application/octet-stream", "the real chart"),
            "/v2/baddigest/c/manifests/1.0.0": (200, oci, manifest(layers: #"{"mediaType":"\#(HelmOCI.chartLayerMediaType)","digest":"sha256:../../x","size":1}"#)),
            "/v2/server/c/manifests/1.0.0": (500, "application/json", #"{"errors":[{"code":"UNKNOWN","message":"boom"}]}"#),
            "/v2/tags/c/tags/list": (200, "application/json", "[1,2"),
        ], dir: dir)
        defer { fake.stop() }
        func pull(_ repo: String, _ version: String = "1.0.0") -> String {
            RepoFixtures.error {
                _ = try OCIActions.fetch("oci://\(fake.host)/\(repo)/c", version: version, plainHTTP: true,
                                         http: HTTPOptions(), config: Self.config(dir))
            } ?? "no error"
        }
        let h = fake.host
        #expect(pull("json") == "\(h)/json/c:1.0.0: invalid manifest: not a JSON object")
        #expect(pull("type") == "\(h)/type/c:1.0.0: unsupported manifest media type \"application/vnd.docker.distribution.manifest.v2+json\" (want \(oci))")
        #expect(pull("config") == "\(h)/config/c:1.0.0: config media type \"application/vnd.oci.image.config.v1+json\" is not a Helm chart's (\(HelmOCI.configMediaType))")
        #expect(pull("nolayer") == "manifest does not contain a layer with mediatype \(HelmOCI.chartLayerMediaType)")
        #expect(pull("digest") == "blob \(claimed): digest mismatch: content is sha256:\(SHA256.hex(Array("something else".utf8)))")
        #expect(pull("size") == "blob \(claimed): size mismatch: manifest says 99, got 14")
        #expect(pull("baddigest") == "invalid blob digest \"sha256:../../x\"")
        #expect(pull("server") == "GET \"http://\(h)/v2/server/c/manifests/1.0.0\": response status code 500: boom")
        #expect(pull("tags", "") == "GET \"http://\(h)/v2/tags/c/tags/list\": invalid tag list")
    }

    /// A registry serving one real chart at `private/c:1.0.0`, behind `auth`.
    static func guardedRegistry(dir: String, auth: (String, String), protected: [String: String] = [:],
                                extraRoutes: [String: (Int, String, String)] = [:]) throws -> (FakeRegistry, [UInt8]) {
        let path = try archive(in: dir, name: "c", version: "1.0.0")
        let chart = try bytes(path)
        let config = Array(HelmOCI.configJSON(try ChartArchive.load(bytes: chart).metadata).utf8)
        let manifest = HelmOCI.manifestJSON(config: config, chart: chart, annotations: [:])
        func latin1(_ b: [UInt8]) -> String { String(decoding: b.map { UInt16($0) }, as: UTF16.self) }
        var routes = extraRoutes
        routes["/v2/private/c/manifests/1.0.0"] = (200, HelmOCI.manifestMediaType, latin1(manifest))
        routes["/v2/private/c/blobs/sha256:\(SHA256.hex(chart))"] = (200, "application/octet-stream", latin1(chart))
        return (try FakeRegistry(routes: routes, dir: dir, auth: auth, protected: protected), chart)
    }

    @Test func bearerTokenChallengeIsAnsweredWithStoredCredentials() throws {
        let dir = try ArchiveFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tokenPath = "/token?service=fake&scope=repository%3Aprivate%2Fc%3Apull"
        let (fake, chart) = try Self.guardedRegistry(
            dir: dir, auth: ("Bearer tok123", #"Bearer realm="http://127.0.0.1:{port}/token",service="fake""#),
            protected: [tokenPath: "Basic dXNlcjpwYXNz"],
            extraRoutes: [tokenPath: (200, "application/json", #"{"token":"tok123"}"#)])
        defer { fake.stop() }
        let cfg = Self.config(dir)
        let ref = "oci://\(fake.host)/private/c"
        #expect(RepoFixtures.error {
            _ = try OCIActions.fetch(ref, version: "1.0.0", plainHTTP: true, http: HTTPOptions(), config: cfg)
        } == "GET \"http://\(fake.host)\(tokenPath)\": response status code 401: unauthorized")
        // `registry login` stored credentials are used for the token request.
        try cfg.store(host: fake.host, username: "user", password: "pass")
        #expect(try OCIActions.fetch(ref, version: "1.0.0", plainHTTP: true, http: HTTPOptions(), config: cfg).chart == chart)
    }

    @Test func basicChallengeIsAnsweredWithFlagCredentials() throws {
        let dir = try ArchiveFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (fake, chart) = try Self.guardedRegistry(dir: dir, auth: ("Basic dXNlcjpwYXNz", #"Basic realm="fake""#))
        defer { fake.stop() }
        let ref = "oci://\(fake.host)/private/c"
        #expect(RepoFixtures.error {
            _ = try OCIActions.fetch(ref, version: "1.0.0", plainHTTP: true, http: HTTPOptions(), config: Self.config(dir))
        } == "\(fake.host): basic credential not found")
        var http = HTTPOptions()
        http.username = "user"
        http.password = "pass"
        #expect(try OCIActions.fetch(ref, version: "1.0.0", plainHTTP: true, http: http, config: Self.config(dir)).chart == chart)
    }

    // MARK: Interoperability with the real Helm (PyPI helm-python-sdk; skipped when its venv is absent)

    static func helm(_ code: String) async throws -> (Int32, String) {
        try await offCooperativePool { try helmBlocking(code) }
    }

    static func helmBlocking(_ code: String) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python ?? "/bin/false")
        p.arguments = ["-c", code]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: TestRegistry.available && python != nil, "needs docker-registry and the Helm SDK venv"))
    func helmAndHelmctlPullWhatTheOtherPushed() async throws {
        let registry = try TestRegistry()
        defer { registry.stop() }
        let dir = try ArchiveFixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try Self.archive(in: dir, name: "interop", version: "2.0.0+x", extra: Self.extra)
        let cfg = Self.config(dir)
        // Helm pushes to /helm, helmctl to /ours: the same file gives the same manifest digest.
        let (status, output) = try await Self.helm("""
            from helm_python import registry as r
            c = r.RegistryClient(plain_http=True, credentials_file="\(dir)/helm-creds.json")
            r.push("\(path)", "oci://\(registry.host)/helm", client=c, plain_http=True)
            print(c.resolve("oci://\(registry.host)/helm/interop:2.0.0_x")["digest"])
            """)
        #expect(status == 0, "\(output)")
        let ours = try OCIActions.push(archive: path, to: "oci://\(registry.host)/ours", plainHTTP: true,
                                       http: HTTPOptions(), config: cfg)
        let helmDigest = output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(ours.hasSuffix("Digest: \(helmDigest)\n"), "helm: \(output) helmctl: \(ours)")

        let fromHelm = try OCIActions.fetch("oci://\(registry.host)/helm/interop", version: "2.0.0+x", plainHTTP: true,
                                            http: HTTPOptions(), config: cfg)
        #expect(fromHelm.chart == (try Self.bytes(path)))
        try FileManager.default.createDirectory(atPath: dir + "/helm-out", withIntermediateDirectories: true)
        let (pullStatus, pullOutput) = try await Self.helm("""
            from helm_python import registry as r
            c = r.RegistryClient(plain_http=True, credentials_file="\(dir)/helm-creds.json")
            r.pull("oci://\(registry.host)/ours/interop", version="2.0.0+x", destination="\(dir)/helm-out", client=c, plain_http=True)
            """)
        #expect(pullStatus == 0, "\(pullOutput)")
        #expect(try Self.bytes(dir + "/helm-out/interop-2.0.0+x.tgz") == (try Self.bytes(path)))
    }
}
