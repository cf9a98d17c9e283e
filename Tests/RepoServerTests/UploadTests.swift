import Foundation
import RepoServer
import Testing

@Suite("ChartMuseum-style upload: POST /api/charts")
struct UploadTests {
    func multipart(_ fields: [(String, String, [UInt8])], boundary: String = "----helmctl-test-boundary") -> ([UInt8], String) {
        var body: [UInt8] = []
        for (name, file, content) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(file)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += content + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    @Test func rawBodyUploadIsStoredIndexedAndRefusedTwice() async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        let chart = try repo.chartBytes("gamma", "1.2.3")
        try await withServer(repo, configure: { $0.enableUpload = true }) { server, _ async throws in
            let before = try fetch(server, "/index.yaml")
            let r = try fetch(server, "POST", "/api/charts", headers: ["Content-Type": "application/octet-stream"], body: chart)
            #expect(r.status == 201)
            #expect(r.text == #"{"saved":true}"#)
            #expect(r.header("Content-Type") == "application/json")
            #expect(repo.read("gamma-1.2.3.tgz") == chart)
            let after = try fetch(server, "/index.yaml")
            #expect(after.text.contains("name: gamma"))
            #expect(after.header("ETag") != before.header("ETag"))
            #expect(try fetch(server, "/gamma-1.2.3.tgz").body == chart)
            let again = try fetch(server, "POST", "/api/charts", body: chart)
            #expect(again.status == 409)
            #expect(again.text == #"{"error":"chart already exists"}"#)
        }
    }

    @Test func overwriteWhenAllowed() async throws {
        let repo = try TempRepo()
        let first = try repo.chartBytes("gamma", "1.0.0")
        try await withServer(repo, configure: { (c: inout RepoServerConfiguration) in
            c.enableUpload = true
            c.allowOverwrite = true
        }) { server, _ async throws in
            #expect(try fetch(server, "POST", "/api/charts", body: first).status == 201)
            #expect(try fetch(server, "POST", "/api/charts", body: first).status == 201)
            #expect(repo.read("gamma-1.0.0.tgz") == first)
        }
    }

    @Test func multipartChartAndProv() async throws {
        let repo = try TempRepo()
        let chart = try repo.chartBytes("delta", "2.0.0")
        let prov = Array("-----BEGIN PGP SIGNED MESSAGE-----\nfake\n".utf8)
        try await withServer(repo, configure: { $0.enableUpload = true }) { server, _ async throws in
            let (body, type) = multipart([("chart", "delta-2.0.0.tgz", chart), ("prov", "delta-2.0.0.tgz.prov", prov)])
            let r = try fetch(server, "POST", "/api/charts", headers: ["Content-Type": type], body: body)
            #expect(r.status == 201)
            #expect(repo.read("delta-2.0.0.tgz") == chart)
            #expect(repo.read("delta-2.0.0.tgz.prov") == prov)
            #expect(try fetch(server, "/delta-2.0.0.tgz.prov").body == prov)
            let (noChart, type2) = multipart([("other", "x", chart)])
            let bad = try fetch(server, "POST", "/api/charts", headers: ["Content-Type": type2], body: noChart)
            #expect(bad.status == 400)
            #expect(bad.text.contains("chart"))
        }
    }

    @Test(arguments: [
        ("not a gzip archive", "invalid chart package"),
        ("", "empty chart package"),
    ])
    func invalidArchivesAreRefused(body: String, message: String) async throws {
        let repo = try TempRepo()
        try await withServer(repo, configure: { $0.enableUpload = true }) { server, _ async throws in
            let r = try fetch(server, "POST", "/api/charts", body: Array(body.utf8))
            #expect(r.status == 400)
            #expect(r.text.contains(message))
            #expect(try FileManager.default.contentsOfDirectory(atPath: repo.dir).isEmpty)
        }
    }

    @Test func tooLargeDisabledAndWrongMethod() async throws {
        let repo = try TempRepo()
        let chart = try repo.chartBytes("gamma", "1.0.0")
        try await withServer(repo, configure: { (c: inout RepoServerConfiguration) in
            c.enableUpload = true
            c.maxUploadBytes = 64
        }) { server, _ async throws in
            #expect(try fetch(server, "POST", "/api/charts", body: chart).status == 413)
            #expect(try fetch(server, "GET", "/api/charts").status == 405)
        }
        try await withServer(repo) { server, _ async throws in
            #expect(try fetch(server, "POST", "/api/charts", body: chart).status == 404)
            #expect(repo.read("gamma-1.0.0.tgz") == nil)
        }
    }
}
