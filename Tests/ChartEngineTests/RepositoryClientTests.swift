@testable import ChartEngine
import Foundation
import StructuredData
import Testing

/// Chart-repository client: Helm locations, repositories.yaml, repo add/list/update/remove, search,
/// pull and chart references, against a real HTTP server started by the tests.
struct RepositoryClientTests {
    // MARK: Locations and files

    @Test(arguments: [
        ([String: String](), "/home/u/.config/helm/repositories.yaml", "/home/u/.cache/helm/repository"),
        (["XDG_CONFIG_HOME": "/x/c", "XDG_CACHE_HOME": "/x/k"], "/x/c/helm/repositories.yaml", "/x/k/helm/repository"),
        (["HELM_CONFIG_HOME": "/h/c", "HELM_CACHE_HOME": "/h/k", "XDG_CONFIG_HOME": "/x"],
         "/h/c/repositories.yaml", "/h/k/repository"),
        (["HELM_REPOSITORY_CONFIG": "/r.yaml", "HELM_REPOSITORY_CACHE": "/rc"], "/r.yaml", "/rc"),
    ])
    func pathsFollowHelmsEnvironment(_ env: [String: String], _ config: String, _ cache: String) {
        var all = env
        all["HOME"] = "/home/u"
        let p = HelmPaths.fromEnvironment { all[$0] }
        #expect(p.repositoryConfig == config)
        #expect(p.repositoryCache == cache)
        #expect(p.indexFile("r") == cache + "/r-index.yaml")
        #expect(p.chartsFile("r") == cache + "/r-charts.txt")
    }

    @Test func repositoriesFileIsWrittenAsHelmWritesIt() throws {
        var f = RepositoryFile()
        var e = RepositoryEntry(name: "stable", url: "https://charts.example.com")
        e.username = "u"
        e.password = "p"
        e.insecureSkipTLSVerify = true
        f.update(e)
        f.update(RepositoryEntry(name: "other", url: "http://o"))
        #expect(f.yaml() == """
            apiVersion: ""
            generated: "0001-01-01T00:00:00Z"
            repositories:
            - caFile: ""
              certFile: ""
              insecure_skip_tls_verify: true
              keyFile: ""
              name: stable
              pass_credentials_all: false
              password: p
              url: https://charts.example.com
              username: u
            - caFile: ""
              certFile: ""
              insecure_skip_tls_verify: false
              keyFile: ""
              name: other
              pass_credentials_all: false
              password: ""
              url: http://o
              username: ""

            """)
        let back = try RepositoryFile.parse(Array(f.yaml().utf8))
        #expect(back == f)
        var g = back
        let first = g.remove("stable")
        let second = g.remove("stable")
        #expect(first && !second)
        #expect(g.repositories.map(\.name) == ["other"])
    }

    @Test(arguments: [
        ("repositories: 3\n", "cannot unmarshal number into Go struct field File.repositories of type []*repo.Entry"),
        ("- a\n", "cannot unmarshal array into Go value of type repo.File"),
        ("repositories:\n- name: [x]\n", "cannot unmarshal array into Go struct field Entry.repositories.name of type string"),
        ("repositories:\n- insecure_skip_tls_verify: yes please\n", "of type bool"),
        ("generated: yesterday\n", "parsing time"),
        ("repositories: [\n", "error converting YAML to JSON"),
    ])
    func malformedRepositoriesFilesAreRefused(_ text: String, _ fragment: String) {
        let msg = RepoFixtures.error { _ = try RepositoryFile.parse(Array(text.utf8)) }
        #expect(msg?.contains(fragment) == true, "\(msg ?? "no error")")
    }

    @Test func unknownFieldsInRepositoriesFileAreIgnored() throws {
        let f = try RepositoryFile.parse(Array("apiVersion: v1\nextra: 1\nrepositories:\n- name: a\n  url: u\n  other: 2\n".utf8))
        #expect(f.repositories == [RepositoryEntry(name: "a", url: "u")])
        #expect(f.apiVersion == "v1")
    }

    // MARK: URLs

    @Test(arguments: [
        ("http://h/charts", "index.yaml", "http://h/charts/index.yaml"),
        ("http://h/charts/", "index.yaml", "http://h/charts/index.yaml"),
        ("http://h", "index.yaml", "http://h/index.yaml"),
        ("http://h/a?token=1", "x-1.0.0.tgz", "http://h/a/x-1.0.0.tgz?token=1"),
        ("http://h/a/b", "../c/x.tgz", "http://h/a/c/x.tgz"),
        ("http://h/a", "/abs/x.tgz", "http://h/abs/x.tgz"),
        ("http://h/a", "https://other/x.tgz", "https://other/x.tgz"),
        ("http://h:8080/a", "//cdn/x.tgz", "http://cdn/x.tgz"),
    ])
    func referenceURLsResolveAsHelms(_ base: String, _ ref: String, _ want: String) throws {
        #expect(try ChartRepository.resolveReferenceURL(base, ref) == want)
    }

    @Test(arguments: [
        ("", "2.0.0"), ("1.0.0", "1.0.0"), ("~1.0", "1.0.1"), ("^1", "1.5.0"), (">=2.0.0-0", "2.1.0-rc.1"),
        ("v1.5.0", "1.5.0"),
    ])
    func indexLookupPrefersExactThenNewestSatisfying(_ version: String, _ want: String) throws {
        var index = RepoIndex(generated: "")
        for v in ["1.0.0", "1.0.1", "v1.5.0", "2.0.0", "2.1.0-rc.1"] {
            index.entries["c", default: []].append(IndexEntry(metadata: ChartMetadata(name: "c", version: v), urls: ["c.tgz"],
                                                              created: "", digest: ""))
        }
        index.sortEntries()
        let e = try index.get("c", version: version)
        #expect(e.metadata.version.drop { $0 == "v" } == want)
        #expect(RepoFixtures.error { _ = try index.get("nope", version: "") } == "no chart name found")
        #expect(RepoFixtures.error { _ = try index.get("c", version: "9.x") } == "no chart version found for c-9.x")
    }

    @Test func tablesPadAndTruncateAsUitable() {
        var t = TextTable(maxColumnWidth: 10)
        t.addRow(["NAME", "DESCRIPTION"])
        t.addRow(["a", "exactly 10"])
        t.addRow(["bb", "this one is far too long"])
        #expect(t.render() == "NAME\tDESCRIP...\na   \texactly 10\nbb  \tthis on...")
    }

    // MARK: repo add / list / update / remove

    @Test func repoLifecycleMatchesHelmsMessages() throws {
        let home = try RepoFixtures.home()
        try RepoFixtures.publish(home, name: "alpha", versions: ["1.0.0", "1.1.0"])
        let server = try RepoServer(root: home.srv)
        defer { server.stop() }
        let paths = home.paths
        var out = ""
        try RepoActions.add(RepositoryEntry(name: "r1", url: server.url), forceUpdate: false, paths: paths) { out += $0 }
        #expect(out == "\"r1\" has been added to your repositories\n")
        #expect(FileManager.default.fileExists(atPath: paths.indexFile("r1")))
        #expect(try String(contentsOfFile: paths.chartsFile("r1"), encoding: .utf8) == "alpha\n")
        // The index is cached byte for byte.
        #expect(try ArchiveFixtures.read(paths.indexFile("r1")) == ArchiveFixtures.read(home.srv + "/index.yaml"))
        let attrs = try FileManager.default.attributesOfItem(atPath: paths.repositoryConfig)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        #expect(FileManager.default.fileExists(atPath: home.dir + "/config/repositories.lock"))

        out = ""
        try RepoActions.add(RepositoryEntry(name: "r1", url: server.url), forceUpdate: false, paths: paths) { out += $0 }
        #expect(out == "\"r1\" already exists with the same configuration, skipping\n")
        #expect(RepoFixtures.error {
            try RepoActions.add(RepositoryEntry(name: "r1", url: server.url + "/x"), forceUpdate: false, paths: paths) { _ in }
        } == "repository name (r1) already exists, please specify a different name")
        #expect(RepoFixtures.error {
            try RepoActions.add(RepositoryEntry(name: "a/b", url: server.url), forceUpdate: false, paths: paths) { _ in }
        } == "repository name (a/b) contains '/', please specify a different name without '/'")

        try RepoActions.add(RepositoryEntry(name: "second", url: server.url + "/"), forceUpdate: false, paths: paths) { _ in }
        #expect(try RepoActions.list(paths: paths, format: .table)
            == "NAME  \tURL                    \nr1    \t\(server.url) \nsecond\t\(server.url)/\n")
        #expect(try RepoActions.list(paths: paths, format: .json)
            == "[{\"name\":\"r1\",\"url\":\"\(server.url)\"},{\"name\":\"second\",\"url\":\"\(server.url)/\"}]\n")
        #expect(try RepoActions.list(paths: paths, format: .yaml)
            == "- name: r1\n  url: \(server.url)\n- name: second\n  url: \(server.url)/\n")

        out = ""
        try RepoActions.update(names: ["second"], paths: paths) { out += $0 }
        #expect(out == "Hang tight while we grab the latest from your chart repositories...\n"
            + "...Successfully got an update from the \"second\" chart repository\nUpdate Complete. ⎈Happy Helming!⎈\n")
        #expect(RepoFixtures.error { try RepoActions.update(names: ["nope"], paths: paths) { _ in } }
            == "no repositories found matching 'nope'.  Nothing will be updated")

        out = ""
        try RepoActions.remove(names: ["r1"], paths: paths) { out += $0 }
        #expect(out == "\"r1\" has been removed from your repositories\n")
        #expect(!FileManager.default.fileExists(atPath: paths.indexFile("r1")))
        #expect(!FileManager.default.fileExists(atPath: paths.chartsFile("r1")))
        #expect(RepoFixtures.error { try RepoActions.remove(names: ["r1"], paths: paths) { _ in } } == "no repo named \"r1\" found")
        try RepoActions.remove(names: ["second"], paths: paths) { _ in }
        #expect(RepoFixtures.error { _ = try RepoActions.list(paths: paths, format: .table) } == "no repositories to show")
        #expect(try RepoActions.list(paths: paths, format: .json) == "[]\n")
        #expect(RepoFixtures.error { try RepoActions.remove(names: ["x"], paths: paths) { _ in } } == "no repositories configured")
    }

    @Test func updateReportsFailingRepositories() throws {
        let home = try RepoFixtures.home()
        try RepoFixtures.publish(home, name: "alpha", versions: ["1.0.0"])
        let server = try RepoServer(root: home.srv)
        defer { server.stop() }
        try RepoActions.add(RepositoryEntry(name: "ok", url: server.url), forceUpdate: false, paths: home.paths) { _ in }
        var f = try RepositoryFile.load(home.paths.repositoryConfig)
        f.update(RepositoryEntry(name: "gone", url: server.url + "/status/404"))
        try f.write(home.paths.repositoryConfig)
        var out = ""
        let msg = RepoFixtures.error { try RepoActions.update(names: [], paths: home.paths) { out += $0 } }
        #expect(msg == "failed to update the following repositories: [\(server.url)/status/404]")
        #expect(out.contains("...Unable to get an update from the \"gone\" chart repository (\(server.url)/status/404):\n\t"
            + "failed to fetch \(server.url)/status/404/index.yaml : 404 Not Found\n"))
        #expect(out.contains("...Successfully got an update from the \"ok\" chart repository\n"))
    }

    @Test(arguments: [
        ("/status/404", "failed to fetch URL/status/404/index.yaml : 404 Not Found"),
        ("/status/500", "failed to fetch URL/status/500/index.yaml : 500 Internal Server Error"),
        ("/loop", "stopped after 10 redirects"),
        ("/bad-yaml", "error converting YAML to JSON"),
        ("/empty", "empty index.yaml file"),
        ("/no-api", "no API version specified"),
        ("/unknown-field", "json: unknown field \"surprise\""),
    ])
    func addRefusesBrokenRepositories(_ path: String, _ fragment: String) throws {
        let home = try RepoFixtures.home()
        for (dir, text) in [("bad-yaml", "entries: [\n"), ("empty", ""), ("no-api", "entries: {}\n"),
                            ("unknown-field", "apiVersion: v1\nsurprise: 1\n")] {
            try FileManager.default.createDirectory(atPath: home.srv + "/" + dir, withIntermediateDirectories: true)
            try text.write(toFile: home.srv + "/" + dir + "/index.yaml", atomically: true, encoding: .utf8)
        }
        let server = try RepoServer(root: home.srv)
        defer { server.stop() }
        let url = server.url + path
        let msg = RepoFixtures.error {
            try RepoActions.add(RepositoryEntry(name: "x", url: url), forceUpdate: false, paths: home.paths) { _ in }
        } ?? ""
        #expect(msg.hasPrefix("looks like \"\(url)\" is not a valid chart repository or cannot be reached: "), "\(msg)")
        #expect(msg.contains(fragment.replacingOccurrences(of: "URL", with: server.url)), "\(msg)")
        #expect(!FileManager.default.fileExists(atPath: home.paths.repositoryConfig))
        #expect(!FileManager.default.fileExists(atPath: home.paths.indexFile("x")))
    }

    @Test func hugeBodiesAreCapped() throws {
        let home = try RepoFixtures.home()
        let server = try RepoServer(root: home.srv)
        defer { server.stop() }
        var o = HTTPOptions()
        o.maxBodyBytes = 1 << 20
        let msg = RepoFixtures.error { _ = try HTTPClient.get(server.url + "/huge/index.yaml", options: o) }
        #expect(msg == "Get \"\(server.url)/huge/index.yaml\": response body exceeds the limit of 1048576 bytes")
        #expect(RepoFixtures.error { _ = try HTTPClient.get("http://127.0.0.1:1/index.yaml", options: HTTPOptions()) }?
            .hasPrefix("Get \"http://127.0.0.1:1/index.yaml\": ") == true)
        #expect(RepoFixtures.error { _ = try HTTPClient.get("file:///etc/passwd", options: HTTPOptions()) } != nil)
    }

    @Test func basicAuthIsSentOnlyToTheRepositorysHost() throws {
        let home = try RepoFixtures.home()
        try RepoFixtures.publish(home, name: "alpha", versions: ["1.0.0"])
        let server = try RepoServer(root: home.srv, auth: "user:s3cret")
        defer { server.stop() }
        let paths = home.paths
        let denied = RepoFixtures.error {
            try RepoActions.add(RepositoryEntry(name: "r", url: server.url), forceUpdate: false, paths: paths) { _ in }
        }
        #expect(denied?.hasSuffix("failed to fetch \(server.url)/index.yaml : 401 Unauthorized") == true)
        var e = RepositoryEntry(name: "r", url: server.url)
        e.username = "user"
        e.password = "s3cret"
        try RepoActions.add(e, forceUpdate: false, paths: paths) { _ in }
        // A chart reference through the repository carries its credentials.
        let dest = home.dir + "/out"
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        _ = try PullAction.run("r/alpha", options: { var o = PullAction.Options(); o.destination = dest; return o }(), paths: paths)
        #expect(FileManager.default.fileExists(atPath: dest + "/alpha-1.0.0.tgz"))
        // A redirect to another host (localhost ≠ 127.0.0.1) must not carry them.
        var o = e.httpOptions
        o.credentialsURL = server.url
        let redirected = RepoFixtures.error { _ = try HTTPClient.get(server.url + "/redirect-other/index.yaml", options: o) }
        #expect(redirected == "failed to fetch \(server.url)/redirect-other/index.yaml : 401 Unauthorized")
        // Credentials bound to another URL are not sent at all unless pass-credentials is set.
        o.credentialsURL = "http://elsewhere"
        #expect(RepoFixtures.error { _ = try HTTPClient.get(server.url + "/index.yaml", options: o) }?.hasSuffix("401 Unauthorized") == true)
        o.passCredentialsAll = true
        #expect(try HTTPClient.get(server.url + "/index.yaml", options: o).count > 0)
    }

    @Test func tlsRepositoriesUseTheGivenCA() throws {
        let home = try RepoFixtures.home()
        try RepoFixtures.publish(home, name: "alpha", versions: ["1.0.0"])
        let pki = try RepoFixtures.certificates(in: home.dir)
        let server = try RepoServer(root: home.srv, cert: pki.cert, key: pki.key)
        defer { server.stop() }
        let paths = home.paths
        let untrusted = RepoFixtures.error {
            try RepoActions.add(RepositoryEntry(name: "t", url: server.url), forceUpdate: false, paths: paths) { _ in }
        }
        #expect(untrusted?.hasPrefix("looks like \"\(server.url)\" is not a valid chart repository or cannot be reached: Get ") == true)
        var e = RepositoryEntry(name: "t", url: server.url)
        e.caFile = pki.ca
        try RepoActions.add(e, forceUpdate: false, paths: paths) { _ in }
        var insecure = RepositoryEntry(name: "i", url: server.url)
        insecure.insecureSkipTLSVerify = true
        try RepoActions.add(insecure, forceUpdate: false, paths: paths) { _ in }
        let chart = try ChartReference.load("t/alpha", options: .init(), paths: paths)
        #expect(chart.metadata.version == "1.0.0")
    }

    // MARK: search repo

    static func searchHome() throws -> (RepoFixtures.Home, RepoServer) {
        let home = try RepoFixtures.home()
        try RepoFixtures.publish(home, name: "alpha", versions: ["1.0.0", "1.2.0", "2.0.0-beta.1"],
                                 description: "Alpha does things")
        try RepoFixtures.publish(home, name: "nginx-ish", versions: ["0.3.0"],
                                 description: "A web server chart whose description is longer than fifty characters")
        let server = try RepoServer(root: home.srv)
        try RepoActions.add(RepositoryEntry(name: "r", url: server.url), forceUpdate: false, paths: home.paths) { _ in }
        return (home, server)
    }

    @Test func searchPrintsHelmsTable() throws {
        let (home, server) = try Self.searchHome()
        defer { server.stop() }
        func search(_ terms: [String] = [], regexp: Bool = false, versions: Bool = false, devel: Bool = false,
                    version: String = "", format: RepoActions.Format = .table, fail: Bool = false) throws -> String {
            var o = SearchAction.Options()
            o.terms = terms
            o.regexp = regexp
            o.versions = versions
            o.devel = devel
            o.version = version
            o.format = format
            o.failOnNoResult = fail
            return try SearchAction.run(o, paths: home.paths, warn: { _ in })
        }
        #expect(try search() == """
            NAME       \tCHART VERSION\tAPP VERSION\tDESCRIPTION                                       
            r/alpha    \t1.2.0        \t1.0        \tAlpha does things                                 
            r/nginx-ish\t0.3.0        \t1.0        \tA web server chart whose description is longer ...

            """)
        #expect(try search(["ALPHA"], versions: true) == """
            NAME   \tCHART VERSION\tAPP VERSION\tDESCRIPTION      
            r/alpha\t1.2.0        \t1.0        \tAlpha does things
            r/alpha\t1.0.0        \t1.0        \tAlpha does things

            """)
        #expect(try search(["alpha"], devel: true, format: .json)
            == #"[{"name":"r/alpha","version":"2.0.0-beta.1","app_version":"1.0","description":"Alpha does things"}]"# + "\n")
        #expect(try search(["alpha"], version: "<1.1", format: .yaml)
            == "- app_version: \"1.0\"\n  description: Alpha does things\n  name: r/alpha\n  version: 1.0.0\n")
        #expect(try search(["web server"]).contains("r/nginx-ish"))
        #expect(try search(["^nginx-[a-z]+\\v"], regexp: true).contains("r/nginx-ish"))
        #expect(try search(["nothing-matches"]) == "No results found\n")
        #expect(try search(["nothing"], format: .json) == "[]\n")
        #expect(RepoFixtures.error { _ = try search(["nothing"], fail: true) } == "no results found")
        #expect(RepoFixtures.error { _ = try search(version: "not a constraint") }?
            .hasPrefix("an invalid version/constraint format: improper constraint") == true)
        #expect(RepoFixtures.error { _ = try search(["("], regexp: true) }?
            .hasPrefix("error parsing regexp: missing closing )") == true)
    }

    @Test func searchWarnsAboutCorruptCaches() throws {
        let (home, server) = try Self.searchHome()
        defer { server.stop() }
        try "entries: [".write(toFile: home.paths.indexFile("r"), atomically: true, encoding: .utf8)
        var warnings: [String] = []
        let out = try SearchAction.run(SearchAction.Options(), paths: home.paths) { warnings.append($0) }
        #expect(out == "No results found\n")
        #expect(warnings.count == 1 && warnings[0].hasPrefix("repo is corrupt or missing repo=r error="))
    }

    // MARK: pull and chart references

    @Test func pullSelectsVersionsAsHelm() throws {
        let (home, server) = try Self.searchHome()
        defer { server.stop() }
        let dest = home.dir + "/dl"
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        func pull(_ ref: String, version: String = "", devel: Bool = false, repo: String = "") throws {
            var o = PullAction.Options()
            o.destination = dest
            o.version = version
            o.devel = devel
            o.repoURL = repo
            _ = try PullAction.run(ref, options: o, paths: home.paths)
        }
        try pull("r/alpha")
        try pull("r/alpha", version: "~1.0")
        try pull("r/alpha", devel: true)
        try pull("alpha", version: "1.2.0", repo: server.url)
        try pull(server.url + "/nginx-ish-0.3.0.tgz")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dest))
            == ["alpha-1.2.0.tgz", "alpha-1.0.0.tgz", "alpha-2.0.0-beta.1.tgz", "nginx-ish-0.3.0.tgz"])
        #expect(RepoFixtures.error { try pull("r/alpha", version: "9.9.9") }
            == "chart \"alpha\" matching 9.9.9 not found in r index. (try 'helm repo update'): no chart version found for alpha-9.9.9")
        #expect(RepoFixtures.error { try pull("nope/alpha") } == "repo nope not found")
        #expect(RepoFixtures.error { try pull("alpha") }
            == "non-absolute URLs should be in form of repo_name/path_to_chart, got: alpha")
        #expect(RepoFixtures.error { try pull("zeta", repo: server.url) }
            == "chart \"zeta\" not found in \(server.url) repository")
        #expect(RepoFixtures.error { try pull(server.url + "/missing.tgz") }
            == "failed to fetch \(server.url)/missing.tgz : 404 File not found")
    }

    @Test func pullUntarsInsideTheDestinationOnly() throws {
        let (home, server) = try Self.searchHome()
        defer { server.stop() }
        let dest = home.dir + "/u"
        var o = PullAction.Options()
        o.destination = dest
        o.untar = true
        o.untarDir = "charts"
        _ = try PullAction.run("r/alpha", options: o, paths: home.paths)
        #expect(FileManager.default.fileExists(atPath: dest + "/charts/alpha/Chart.yaml"))
        #expect(FileManager.default.fileExists(atPath: dest + "/charts/alpha/templates/cm.yaml"))
        #expect(RepoFixtures.error { _ = try PullAction.run("r/alpha", options: o, paths: home.paths) }
            == "failed to untar: a file or directory with the name \(dest)/charts/alpha already exists")
        // A hostile chart name is re-rooted inside the directory.
        let evil = ArchiveFixtures.tgz([.file("x/Chart.yaml", "apiVersion: v2\nname: ../../escape\nversion: 1.0.0\n"),
                                        .file("x/values.yaml", "")])
        let archive = home.dir + "/evil.tgz"
        try ArchiveFixtures.write(evil, to: archive)
        let target = home.dir + "/expand"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try ChartExpander.expand(archive: archive, into: target)
        #expect(FileManager.default.fileExists(atPath: target + "/escape/Chart.yaml"))
        #expect(!FileManager.default.fileExists(atPath: home.dir + "/escape"))
        // An existing symlink inside the destination is never written through.
        let link = home.dir + "/linked"
        try FileManager.default.createDirectory(atPath: link, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link + "/escape", withDestinationPath: home.dir + "/outside")
        #expect(RepoFixtures.error { try ChartExpander.expand(archive: archive, into: link) }?
            .hasPrefix("refusing to write through symlink") == true)
    }

    @Test func archivesNotMatchingTheirDigestAreRefused() throws {
        let (home, server) = try Self.searchHome()
        defer { server.stop() }
        // Replace the published archive after indexing: the index digest no longer matches.
        try RepoFixtures.chart(in: home.dir + "/swap", name: "alpha", version: "1.2.0", description: "tampered")
        _ = try ChartPackager.package(directory: home.dir + "/swap/alpha", destination: home.srv)
        var o = PullAction.Options()
        o.destination = home.dir
        let msg = RepoFixtures.error { _ = try PullAction.run("r/alpha", options: o, paths: home.paths) }
        #expect(msg?.hasPrefix("digest mismatch for \(server.url)/alpha-1.2.0.tgz: expected sha256:") == true, "\(msg ?? "")")
        #expect(!FileManager.default.fileExists(atPath: home.dir + "/alpha-1.2.0.tgz"))
    }

    @Test func chartReferencesLoadLocalAndRemoteCharts() throws {
        let (home, server) = try Self.searchHome()
        defer { server.stop() }
        let local = try RepoFixtures.chart(in: home.dir + "/local", name: "loc", version: "0.0.1")
        #expect(try ChartReference.locate(local, options: .init(), paths: home.paths) == .path(local))
        #expect(try ChartReference.load("r/alpha", options: .init(), paths: home.paths).metadata.version == "1.2.0")
        var o = ChartReference.Options()
        o.repoURL = server.url
        o.version = "<1.1"
        #expect(try ChartReference.load("alpha", options: o, paths: home.paths).metadata.version == "1.0.0")
        #expect(RepoFixtures.error { _ = try ChartReference.load("./missing", options: .init(), paths: home.paths) }
            == "path \"./missing\" not found")
        // The temporary index of --repo is removed again.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: home.paths.repositoryCache)
        #expect(Set(leftovers) == ["r-index.yaml", "r-charts.txt"])
    }

    /// The real Helm (helm-python-sdk's `helm_pull` with `--repo`) and helmctl pick the same
    /// version and save byte-identical archives under the same name.
    @Test(.enabled(if: DependencyManagerTests.python != nil), arguments: ["", "~1.0", "<1.2", ">=1.0.0-0"])
    func helmPullsWhatHelmctlPulls(_ version: String) async throws {
        let (home, server) = try Self.searchHome()
        defer { server.stop() }
        let ours = home.dir + "/ours", theirs = home.dir + "/theirs"
        for d in [ours, theirs] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        var o = PullAction.Options()
        o.repoURL = server.url
        o.version = version
        o.destination = ours
        #expect(try PullAction.run("alpha", options: o, paths: home.paths) == "")
        let opts = JSON.encode(.map(["repo_url": .string(server.url), "version": .string(version), "dest_dir": .string(theirs)]))
        let printed = try await DependencyManagerTests.helm("""
            from helm_python import _native
            from helm_python.registry import RegistryClient
            rc = RegistryClient()
            print(_native.call_string("helm_pull", rc._raw(), "alpha", \(JSON.encode(.string(opts)))))
            """, env: ["HELM_CONFIG_HOME": home.dir + "/hc", "HELM_CACHE_HOME": home.dir + "/hk"])
        #expect(printed == "{\"output\":\"\"}\n")
        let names = try FileManager.default.contentsOfDirectory(atPath: ours)
        #expect(names.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: theirs) == names)
        for n in names { #expect(try ArchiveFixtures.read(ours + "/" + n) == ArchiveFixtures.read(theirs + "/" + n)) }
    }
}
