import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// A served connection: plain HTTP, or a WebSocket carrying one exec/attach session.
enum Connection: Sendable {
    case http(NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>)
    case podStream(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, PodStreamSession)
}

extension APIServer {
    /// The HTTP pipeline with one possible upgrade: a WebSocket for a `pods/exec` or `pods/attach`
    /// request that passes authentication and the handler's validation and offers a sub-protocol we
    /// speak. Anything else (also a refused upgrade) is answered as plain HTTP by the handler, which
    /// gives the same error the validation found.
    static func upgradableConfiguration(handler: APIHandler, config: APIServerConfiguration)
        -> NIOUpgradableHTTPServerPipelineConfiguration<Connection>
    {
        // One connection upgrades at most once: the session found while deciding is kept for the switch.
        let pending = NIOLockedValueBox<PodStreamSession?>(nil)
        let upgrader = NIOTypedWebSocketServerUpgrader<Connection>(
            maxFrameSize: PodStreamSession.maxMessageBytes,
            shouldUpgrade: { channel, head in
                let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                promise.completeWithTask {
                    guard let proto = PodStreamSession.chooseProtocol(head.headers) else { return nil }
                    let identity = await authenticate(head.headers, channel: channel, config: config)
                    guard let plan = await handler.podStreamPlan(head: head, identity: identity) else { return nil }
                    pending.withLockedValue { $0 = PodStreamSession(plan: plan, subprotocol: proto) }
                    config.log("\(head.method) \(head.uri) 101 (\(proto))")
                    return HTTPHeaders([("Sec-WebSocket-Protocol", proto)])
                }
                return promise.futureResult
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    guard let session = pending.withLockedValue({ p in defer { p = nil }; return p }) else {
                        throw NIOWebSocketUpgradeError.unsupportedWebSocketTarget
                    }
                    return .podStream(try NIOAsyncChannel(wrappingChannelSynchronously: channel), session)
                }
            })
        return NIOUpgradableHTTPServerPipelineConfiguration(upgradeConfiguration: .init(
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    .http(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                }
            }))
    }
}
