import Foundation
import RepoServer
import Testing

/// Drives the poll loop by hand: each `tick()` ends one "sleep", and `nextScan()` waits for the rescan
/// that follows it — no real time passes.
final class ManualTicker: Sendable {
    let ticks: AsyncStream<Void>
    private let tickIn: AsyncStream<Void>.Continuation
    let scans: AsyncStream<Bool>
    private let scanIn: AsyncStream<Bool>.Continuation

    init() {
        (ticks, tickIn) = AsyncStream.makeStream()
        (scans, scanIn) = AsyncStream.makeStream()
    }

    func sleep() async throws {
        for await _ in ticks { return }
        throw CancellationError()
    }

    func tick() { tickIn.yield() }
    func scanned(_ changed: Bool) { scanIn.yield(changed) }
    func stop() { tickIn.finish() }
}

@Suite("Reindexing when archives are added or removed")
struct ReindexTests {
    @Test func pollingPicksUpAddedAndRemovedArchives() async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        try await withServer(repo) { server, _ async throws in
            let ticker = ManualTicker()
            let poller = Task { await server.poll(sleep: { try await ticker.sleep() }, onScan: { ticker.scanned($0) }) }
            var scans = ticker.scans.makeAsyncIterator()

            ticker.tick()
            #expect(await scans.next() == false)
            let first = try fetch(server, "/index.yaml")

            try repo.addChart("beta", "1.0.0")
            ticker.tick()
            #expect(await scans.next() == true)
            let added = try fetch(server, "/index.yaml")
            #expect(added.text.contains("name: beta"))
            #expect(try fetch(server, "/index.yaml", headers: ["If-None-Match": first.header("ETag") ?? ""]).status == 200)
            #expect(try fetch(server, "/beta-1.0.0.tgz").status == 200)

            try FileManager.default.removeItem(atPath: repo.dir + "/beta-1.0.0.tgz")
            ticker.tick()
            #expect(await scans.next() == true)
            #expect(!(try fetch(server, "/index.yaml").text.contains("name: beta")))
            #expect(try fetch(server, "/beta-1.0.0.tgz").status == 404)

            // A provenance file appearing does not change the index but becomes servable.
            try repo.write("alpha-0.1.0.tgz.prov", "sig\n")
            ticker.tick()
            #expect(await scans.next() == false)
            #expect(try fetch(server, "/alpha-0.1.0.tgz.prov").status == 200)

            ticker.stop()
            await poller.value
        }
    }

    @Test func unchangedArchivesKeepTheirCreatedTime() async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        try await withServer(repo) { server, _ async throws in
            let created = { (text: String) in text.split(separator: "\n").first { $0.contains("created:") }.map(String.init) }
            let before = created(try fetch(server, "/index.yaml").text)
            try repo.addChart("beta", "1.0.0")
            #expect(try await server.rescan())
            let text = try fetch(server, "/index.yaml").text
            #expect(text.contains("name: beta"))
            let alphaSection = try #require(text.range(of: "  alpha:\n"))
            #expect(created(String(text[alphaSection.lowerBound...])) == before)
        }
    }

    @Test func anInvalidArchiveKeepsThePreviousIndex() async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        try await withServer(repo) { server, sink async throws in
            // Not a chart at all: `repo index` skips such files, so the index is unchanged.
            try repo.write("junk.tgz", "not gzip")
            _ = try await server.rescan()
            #expect(try fetch(server, "/index.yaml").text.contains("name: alpha"))
            #expect(sink.lines.allSatisfy { !$0.contains("reindex failed") })
        }
    }

    @Test func startFailsClearlyForAMissingDirectory() async throws {
        let config = RepoServerConfiguration(repoDirectory: "/nonexistent/helmctl-serve-test", port: 0)
        await #expect(throws: RepoServerError.self) { _ = try await RepoHTTPServer.start(config) }
        do {
            _ = try await RepoHTTPServer.start(config)
        } catch let e as RepoServerError {
            #expect(e.message.contains("/nonexistent/helmctl-serve-test"))
        }
    }
}
