import Foundation
import RepoServer
import Testing

@Suite("Basic and bearer authentication")
struct AuthTests {
    static func basic(_ s: String) -> String { "Basic " + Data(s.utf8).base64EncodedString() }

    @Test func basicAuth() async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        try await withServer(repo, configure: { $0.auth = .basic(user: "admin", password: "s3cr:et") }) { server, sink async throws in
            let none = try fetch(server, "/index.yaml")
            #expect(none.status == 401)
            #expect(none.header("WWW-Authenticate") == #"Basic realm="helmctl""#)
            #expect(!none.text.contains("alpha"))
            for bad in [Self.basic("admin:wrong"), Self.basic("admin:s3cr:etX"), "Basic", "Bearer s3cr:et", "Basic !!!"] {
                #expect(try fetch(server, "/index.yaml", headers: ["Authorization": bad]).status == 401)
            }
            #expect(try fetch(server, "/alpha-0.1.0.tgz").status == 401)
            let ok = try fetch(server, "/index.yaml", headers: ["Authorization": Self.basic("admin:s3cr:et")])
            #expect(ok.status == 200)
            #expect(ok.text.contains("alpha"))
            #expect(try fetch(server, "/index.yaml", headers: ["Authorization": "basic " + Self.basic("admin:s3cr:et").dropFirst(6)]).status == 200)
            #expect(sink.lines.last?.hasPrefix("127.0.0.1 - admin [") == true)
        }
    }

    @Test func bearerToken() async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        try await withServer(repo, configure: { $0.auth = .bearer(token: "tok-123") }) { server, _ async throws in
            let none = try fetch(server, "/index.yaml")
            #expect(none.status == 401)
            #expect(none.header("WWW-Authenticate") == #"Bearer realm="helmctl""#)
            #expect(try fetch(server, "/index.yaml", headers: ["Authorization": "Bearer tok-12"]).status == 401)
            #expect(try fetch(server, "/index.yaml", headers: ["Authorization": "Bearer tok-1234"]).status == 401)
            #expect(try fetch(server, "/index.yaml", headers: ["Authorization": "Bearer tok-123"]).status == 200)
            #expect(try fetch(server, "HEAD", "/alpha-0.1.0.tgz", headers: ["Authorization": "Bearer tok-123"]).status == 200)
        }
    }

    @Test func anonymousGetStillProtectsUploads() async throws {
        let repo = try TempRepo()
        let chart = try repo.chartBytes("gamma", "1.0.0")
        try await withServer(repo, configure: { (c: inout RepoServerConfiguration) in
            c.auth = .bearer(token: "tok")
            c.anonymousGet = true
            c.enableUpload = true
        }) { server, _ async throws in
            #expect(try fetch(server, "/index.yaml").status == 200)
            #expect(try fetch(server, "POST", "/api/charts", body: chart).status == 401)
            #expect(try fetch(server, "POST", "/api/charts", headers: ["Authorization": "Bearer tok"], body: chart).status == 201)
        }
    }
}
