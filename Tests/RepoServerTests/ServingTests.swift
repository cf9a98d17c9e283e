import Foundation
import RepoServer
import Testing

@Suite("Serving index.yaml, archives and provenance files")
struct ServingTests {
    @Test func indexListsChartsWithURLsFromTheHostHeader() async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        try repo.addChart("alpha", "0.2.0")
        try repo.addChart("beta", "1.0.0", subdir: "team")
        try await withServer(repo) { server, _ async throws in
            let r = try fetch(server, "/index.yaml", host: "127.0.0.1:\(server.port)")
            #expect(r.status == 200)
            #expect(r.header("Content-Type") == "application/x-yaml")
            #expect(r.text.hasPrefix("apiVersion: v1\n"))
            #expect(r.text.contains("- http://127.0.0.1:\(server.port)/alpha-0.1.0.tgz\n"))
            #expect(r.text.contains("- http://127.0.0.1:\(server.port)/team/beta-1.0.0.tgz\n"))
            // Newest first, as Helm sorts entries.
            let v2 = try #require(r.text.range(of: "version: 0.2.0"))
            let v1 = try #require(r.text.range(of: "version: 0.1.0"))
            #expect(v2.lowerBound < v1.lowerBound)
        }
    }

    @Test func urlFlagOverridesTheHostAndNoHostGivesRelativeURLs() async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        try await withServer(repo, configure: { $0.baseURL = "https://charts.example.com/stable/" }) { server, _ async throws in
            let r = try fetch(server, "/index.yaml", host: "evil.example")
            #expect(r.text.contains("- https://charts.example.com/stable/alpha-0.1.0.tgz\n"))
            #expect(!r.text.contains("evil"))
        }
        try await withServer(repo) { server, _ async throws in
            let client = try RawClient(port: server.port)
            client.send(Array("GET /index.yaml HTTP/1.0\r\n\r\n".utf8))
            let r = try client.readResponse()
            #expect(r.status == 200)
            #expect(r.text.contains("  - alpha-0.1.0.tgz\n"))
            // A Host header that is not a plain host[:port] is not echoed into the index.
            let odd = try fetch(server, "/index.yaml", host: "a b\"<x>")
            #expect(odd.text.contains("  - alpha-0.1.0.tgz\n"))
        }
    }

    @Test func archivesAndProvenanceFilesWithContentTypes() async throws {
        let repo = try TempRepo()
        let rel = try repo.addChart("alpha", "0.1.0")
        try repo.write(rel + ".prov", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nfake\n")
        try await withServer(repo) { server, _ async throws in
            let r = try fetch(server, "/" + rel)
            #expect(r.status == 200)
            #expect(r.header("Content-Type") == "application/x-tar")
            #expect(r.body == repo.read(rel))
            #expect(r.header("Content-Encoding") == nil)
            #expect(r.header("ETag")?.hasPrefix("\"") == true)
            #expect(r.header("Last-Modified")?.hasSuffix(" GMT") == true)
            let p = try fetch(server, "/" + rel + ".prov")
            #expect(p.status == 200)
            #expect(p.header("Content-Type") == "application/pgp-signature")
            #expect(p.text.hasPrefix("-----BEGIN PGP SIGNED MESSAGE-----"))
            // Archives are never recompressed, even when the client accepts gzip.
            let g = try fetch(server, "/" + rel, headers: ["Accept-Encoding": "gzip"])
            #expect(g.header("Content-Encoding") == nil)
            #expect(g.body == repo.read(rel))
        }
    }

    @Test func largeFilesAreStreamedIntact() async throws {
        let repo = try TempRepo()
        // Past the 1 MiB cache limit, and more than one 256 KiB read chunk.
        let rel = try repo.addChart("big", "1.0.0", padding: 3 << 19)
        let expected = try #require(repo.read(rel))
        #expect(expected.count > 3 << 19)
        try await withServer(repo) { server, _ async throws in
            // Twice: the second request must not be served from a (size-limited) cache either.
            for _ in 0..<2 {
                let r = try fetch(server, "/" + rel)
                #expect(r.status == 200)
                #expect(r.header("Content-Length") == String(expected.count))
                #expect(r.body == expected)
            }
            let h = try fetch(server, "HEAD", "/" + rel)
            #expect(h.status == 200)
            #expect(h.header("Content-Length") == String(expected.count))
        }
    }

    @Test func headSendsHeadersOnly() async throws {
        let repo = try TempRepo()
        let rel = try repo.addChart("alpha", "0.1.0")
        try await withServer(repo) { server, _ async throws in
            let client = try RawClient(port: server.port)
            let h = try client.request("HEAD", "/index.yaml")
            let g = try client.request("GET", "/index.yaml")
            #expect(h.status == 200)
            #expect(h.body.isEmpty)
            #expect(h.header("Content-Length") == String(g.body.count))
            #expect(h.header("ETag") == g.header("ETag"))
            // The keep-alive connection is still in sync: a HEAD left no stray body behind.
            let a = try client.request("HEAD", "/" + rel)
            #expect(a.header("Content-Length") == String(repo.read(rel)?.count ?? -1))
            #expect(try client.request("GET", "/" + rel).body == repo.read(rel))
        }
    }

    @Test func conditionalRequests() async throws {
        let repo = try TempRepo()
        let rel = try repo.addChart("alpha", "0.1.0")
        try await withServer(repo) { server, _ async throws in
            for target in ["/index.yaml", "/" + rel] {
                let first = try fetch(server, target)
                let etag = try #require(first.header("ETag"))
                let modified = try #require(first.header("Last-Modified"))
                let same = try fetch(server, target, headers: ["If-None-Match": etag])
                #expect(same.status == 304)
                #expect(same.body.isEmpty)
                #expect(same.header("ETag") == etag)
                #expect(try fetch(server, target, headers: ["If-None-Match": "W/" + etag]).status == 304)
                #expect(try fetch(server, target, headers: ["If-None-Match": "\"other\", " + etag]).status == 304)
                #expect(try fetch(server, target, headers: ["If-None-Match": "*"]).status == 304)
                #expect(try fetch(server, target, headers: ["If-None-Match": "\"other\""]).status == 200)
                #expect(try fetch(server, target, headers: ["If-Modified-Since": modified]).status == 304)
                #expect(try fetch(server, target, headers: ["If-Modified-Since": "Thu, 01 Jan 1970 00:00:01 GMT"]).status == 200)
                #expect(try fetch(server, target, headers: ["If-Modified-Since": "not a date"]).status == 200)
                // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
                #expect(try fetch(server, target, headers: ["If-None-Match": "\"other\"", "If-Modified-Since": modified]).status == 200)
                #expect(try fetch(server, "HEAD", target, headers: ["If-None-Match": etag]).status == 304)
                // A 304 has no body, so a keep-alive connection stays in step.
                let client = try RawClient(port: server.port)
                #expect(try client.request("GET", target, headers: ["If-None-Match": etag]).status == 304)
                #expect(try client.request("GET", target).body == first.body)
            }
        }
    }

    @Test(arguments: [
        ("gzip", true), ("gzip, deflate, br", true), ("deflate", false), ("gzip;q=0", false), ("*", true),
        ("*, gzip;q=0", false), ("identity", false), ("GZIP;q=0.5", true),
    ])
    func gzipOnRequest(acceptEncoding: String, expectGzip: Bool) async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        try await withServer(repo) { server, _ async throws in
            let plain = try fetch(server, "/index.yaml")
            let r = try fetch(server, "/index.yaml", headers: ["Accept-Encoding": acceptEncoding])
            #expect(r.header("Vary") == "Accept-Encoding")
            if expectGzip {
                #expect(r.header("Content-Encoding") == "gzip")
                #expect(r.body.count < plain.body.count)
                #expect(try gunzip(r.body) == plain.body)
                #expect(r.header("ETag") != plain.header("ETag"))
                let etag = try #require(r.header("ETag"))
                #expect(try fetch(server, "/index.yaml", headers: ["If-None-Match": etag, "Accept-Encoding": "gzip"]).status == 304)
            } else {
                #expect(r.header("Content-Encoding") == nil)
                #expect(r.body == plain.body)
            }
        }
    }

    @Test func unknownFilesMethodsAndHealth() async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        try repo.write("notes.txt", "not a chart file\n")
        try await withServer(repo) { server, _ async throws in
            #expect(try fetch(server, "/notes.txt").status == 404)
            #expect(try fetch(server, "/missing-1.0.0.tgz").status == 404)
            #expect(try fetch(server, "/").status == 404)
            let del = try fetch(server, "DELETE", "/alpha-0.1.0.tgz")
            #expect(del.status == 405)
            #expect(del.header("Allow") == "GET, HEAD")
            let h = try fetch(server, "/health")
            #expect(h.status == 200)
            #expect(h.text == #"{"healthy":true}"#)
        }
    }

    @Test func accessLogLinePerRequest() async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        try await withServer(repo) { server, sink async throws in
            let r = try fetch(server, "/index.yaml", headers: ["User-Agent": "Helm/4.2.3", "Referer": "x\"y"])
            _ = try fetch(server, "/nope.tgz")
            let lines = sink.lines
            #expect(lines.count == 2)
            let first = try #require(lines.first)
            let pattern = #/^127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET /index\.yaml HTTP/1\.1" 200 (\d+) "x\\"y" "Helm/4\.2\.3"$/#
            let m = try #require(first.wholeMatch(of: pattern))
            #expect(Int(m.1) == r.body.count)
            #expect(lines.last?.contains("\"GET /nope.tgz HTTP/1.1\" 404 ") == true)
        }
    }
}
