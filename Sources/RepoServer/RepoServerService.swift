import NIOCore
import NIOPosix
public import ServiceLifecycle
import UnixSignals

/// `helmctl serve` as a swift-service-lifecycle `Service`: starts the server, polls the directory
/// until a graceful shutdown (SIGINT/SIGTERM through the `ServiceGroup`), then drains connections.
public struct RepoServerService: Service {
    let config: RepoServerConfiguration
    let onStart: @Sendable (RepoHTTPServer) -> Void

    /// A service for `config`; `onStart` receives the running server (its bound port, for example).
    public init(config: RepoServerConfiguration, onStart: @escaping @Sendable (RepoHTTPServer) -> Void = { _ in }) {
        self.config = config
        self.onStart = onStart
    }

    public func run() async throws {
        let ownGroup = config.eventLoopThreads.map { MultiThreadedEventLoopGroup(numberOfThreads: max(1, $0)) }
        let group: any EventLoopGroup = ownGroup ?? MultiThreadedEventLoopGroup.singleton
        do {
            let server = try await RepoHTTPServer.start(config, group: group)
            onStart(server)
            let interval = config.pollInterval
            await cancelWhenGracefulShutdown {
                await server.poll(sleep: { try await Task.sleep(for: interval) })
            }
            await server.shutdown()
        } catch {
            try? await ownGroup?.shutdownGracefully()
            throw error
        }
        try? await ownGroup?.shutdownGracefully()
    }
}

extension RepoServerService {
    /// Runs the service in a `ServiceGroup` that shuts down gracefully on SIGINT and SIGTERM;
    /// returns once the server has drained.
    public static func runUntilSignalled(config: RepoServerConfiguration,
                                         onStart: @escaping @Sendable (RepoHTTPServer) -> Void) async throws
    {
        let group = ServiceGroup(services: [RepoServerService(config: config, onStart: onStart)],
                                 gracefulShutdownSignals: [.sigint, .sigterm])
        try await group.run()
    }
}
