import Foundation
import RepoServer
import ServiceLifecycle
import Testing

@Suite("Graceful shutdown in a ServiceGroup")
struct LifecycleTests {
    @Test func gracefulShutdownDrainsConnectionsAndStopsListening() async throws {
        let repo = try TempRepo()
        try repo.addChart("alpha", "0.1.0")
        let (started, startedIn) = AsyncStream.makeStream(of: RepoHTTPServer.self)
        let config = RepoServerConfiguration(repoDirectory: repo.dir, host: "127.0.0.1", port: 0)
        let group = ServiceGroup(services: [RepoServerService(config: config, onStart: { startedIn.yield($0) })])
        let running = Task { try await group.run() }
        var it = started.makeAsyncIterator()
        let server = try #require(await it.next())

        let idle = try RawClient(port: server.port)
        #expect(try idle.request("GET", "/index.yaml").status == 200)

        await group.triggerGracefulShutdown()
        try await running.value
        // The idle keep-alive connection was closed by the server, and nothing listens any more.
        #expect(idle.isClosedByPeer())
        #expect(throws: (any Error).self) { _ = try RawClient(port: server.port) }
    }
}
