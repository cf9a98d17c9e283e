import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// A served connection: plain HTTP, or a WebSocket carrying one exec/attach session.
enum Connection: Sendable {
    /// `refused`: the head of an upgrade request we declined; NIO's typed upgrade handler does not
    /// pass that head on (only the parts after it), so the HTTP side starts from it.
    case http(NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, refused: HTTPRequestHead?)
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
        let refused = NIOLockedValueBox<HTTPRequestHead?>(nil)
        let upgrader = NIOTypedWebSocketServerUpgrader<Connection>(
            maxFrameSize: PodStreamSession.maxMessageBytes,
            shouldUpgrade: { channel, head in
                let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                promise.completeWithTask {
                    // A refused upgrade would leave the client without an answer (NIO's typed upgrade
                    // handler drops the request head then), so exec and attach always upgrade and a
                    // refusal travels as the channel-3 Status; other paths are declined.
                    let path = head.uri.split(separator: "?", maxSplits: 1).first ?? ""
                    guard path.hasSuffix("/exec") || path.hasSuffix("/attach") else {
                        refused.withLockedValue { $0 = head }
                        return nil
                    }
                    let identity = await authenticate(head.headers, channel: channel, config: config)
                    let proto = PodStreamSession.chooseProtocol(head.headers)
                    let plan: Result<PodStreamPlan, PodStreamRefusal> = proto == nil
                        ? .failure(PodStreamRefusal(status: PodStreamSession.failureStatus(
                            "none of the offered sub-protocols is supported (v5.channel.k8s.io, v4.channel.k8s.io)")))
                        : await handler.podStreamPlan(head: head, identity: identity)
                    pending.withLockedValue { $0 = PodStreamSession(plan: plan, subprotocol: proto ?? "") }
                    config.log("\(head.method) \(head.uri) 101 (\(proto ?? "no sub-protocol"))")
                    // Without a sub-protocol in the answer, client-go treats the upgrade as failed.
                    return proto.map { HTTPHeaders([("Sec-WebSocket-Protocol", $0)]) } ?? HTTPHeaders()
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
                    .http(try NIOAsyncChannel(wrappingChannelSynchronously: channel),
                          refused: refused.withLockedValue { r in defer { r = nil }; return r })
                }
            }))
    }
}
