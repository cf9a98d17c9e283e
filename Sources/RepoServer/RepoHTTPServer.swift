import NIOConcurrencyHelpers
public import NIOCore
import NIOHTTP1
public import NIOPosix

/// A running chart repository server (the engine of `helmctl serve`).
///
/// ``start(_:group:threadPool:)`` indexes the directory and binds; ``poll(sleep:onScan:)`` watches the
/// directory; ``shutdown()`` stops accepting, lets responses in flight finish and closes connections.
/// ``RepoServerService`` runs all of it inside a swift-service-lifecycle `ServiceGroup`.
public final class RepoHTTPServer: Sendable {
    /// The port actually bound (useful with port 0).
    public let port: Int
    let core: ServerCore
    private let listener: any Channel
    /// Open connections, so shutdown can drain them.
    private let connections: NIOLockedValueBox<[ObjectIdentifier: any Channel]>

    private init(port: Int, core: ServerCore, listener: any Channel,
                 connections: NIOLockedValueBox<[ObjectIdentifier: any Channel]>)
    {
        self.port = port
        self.core = core
        self.listener = listener
        self.connections = connections
    }

    /// Indexes `config.repoDirectory` and starts listening.
    public static func start(_ config: RepoServerConfiguration,
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                             threadPool: NIOThreadPool = .singleton) async throws -> RepoHTTPServer
    {
        let state = try await threadPool.runIfActive { () throws -> RepoState in
            try RepoState(directory: config.repoDirectory)
        }
        let core = ServerCore(config: config, state: state, threadPool: threadPool)
        let registry = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                registry.withLockedValue { $0[id] = channel }
                channel.closeFuture.whenComplete { _ in _ = registry.withLockedValue { $0.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(RepoHTTPHandler(core: core))
                }
            }
        let listener: any Channel
        do {
            listener = try await bootstrap.bind(host: config.host, port: config.port).get()
        } catch {
            throw RepoServerError("listen on \(config.host):\(config.port): \(error)")
        }
        return RepoHTTPServer(port: listener.localAddress?.port ?? config.port, core: core, listener: listener,
                              connections: registry)
    }

    /// Rescans the directory now (off the event loops). True when the index changed.
    @discardableResult
    public func rescan() async throws -> Bool {
        let state = core.state
        return try await core.threadPool.runIfActive { try state.rescan() }
    }

    /// Rescans after every `sleep` until cancelled. A failed rescan is logged and the previous index
    /// kept; `onScan` is told after each rescan (tests use it instead of sleeping).
    public func poll(sleep: @Sendable () async throws -> Void,
                     onScan: @Sendable (Bool) -> Void = { _ in }) async
    {
        while !Task.isCancelled {
            do {
                try await sleep()
            } catch {
                return
            }
            do {
                let changed = try await rescan()
                if changed { core.config.log("reindexed \(core.state.directory)") }
                onScan(changed)
            } catch {
                core.config.log("reindex failed, keeping the previous index: \(error)")
                onScan(false)
            }
        }
    }

    /// Graceful shutdown: stop accepting, close idle connections, let busy ones finish their response
    /// (they close right after it), then wait for every connection to close — at most `grace`, after
    /// which the stragglers (a stalled client, say) are closed.
    public func shutdown(grace: Duration = .seconds(10)) async {
        try? await listener.close()
        let open = connections.withLockedValue { Array($0.values) }
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(DrainConnection())
        }
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for channel in open { try? await channel.closeFuture.get() }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: grace)
                return false
            }
            if await group.next() == false {
                for channel in open { try? await channel.close() }
            }
            group.cancelAll()
        }
    }
}
