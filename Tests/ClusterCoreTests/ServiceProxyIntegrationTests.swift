import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import StructuredData
import Testing
@testable import ClusterCore

/// A TCP server on a loopback address answering each connection with one HTTP response whose body
/// is "<name> <request line>", then closing. Event-loop handlers, not async code: in a full parallel
/// test run Swift's cooperative threads can be busy for many seconds, and a backend must still answer.
struct TestBackend {
    let server: any Channel
    let port: Int

    final class Respond: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let name: String
        var text = ""
        init(name: String) { self.name = name }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            text += buffer.readString(length: buffer.readableBytes) ?? ""
            guard text.contains("\r\n\r\n") else { return }
            let body = "\(name) \(text.split(separator: "\r\n").first ?? "")"
            let reply = "HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            text = ""
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply))).whenComplete { _ in bound.value.close(promise: nil) }
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    static func start(ip: String, name: String) async throws -> TestBackend {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { ch in
                ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(Respond(name: name)) }
            }
            .bind(host: ip, port: 0).get()
        return TestBackend(server: server, port: try #require(server.localAddress?.port))
    }

    func stop() async {
        try? await server.close()
    }
}

/// A UDP server answering each datagram with "<name>:<payload>".
struct TestUDPBackend {
    let channel: any Channel
    let port: Int

    final class Echo: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let name: String
        init(name: String) { self.name = name }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var e = unwrapInboundIn(data)
            let text = e.data.readString(length: e.data.readableBytes) ?? ""
            context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: e.remoteAddress, data: ByteBuffer(string: name + ":" + text))), promise: nil)
        }
    }

    static func start(ip: String, name: String) async throws -> TestUDPBackend {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { ch in ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(Echo(name: name)) } }
            .bind(host: ip, port: 0).get()
        return TestUDPBackend(channel: channel, port: try #require(channel.localAddress?.port))
    }
}

enum NetClient {
    /// Sends `request` over TCP and returns everything read until the peer closes (30 s at most: in a
    /// full parallel test run the test backends, async code, may wait long for a cooperative thread).
    static func exchange(_ ip: String, _ port: Int, _ request: String) async throws -> String {
        String(decoding: try await exchange(ip, port, Array(request.utf8)), as: UTF8.self)
    }

    /// Sends `request` and reads until the peer closes or `complete` says the reply is whole.
    static func exchange(_ ip: String, _ port: Int, _ request: [UInt8], complete: @Sendable @escaping ([UInt8]) -> Bool = { _ in false }) async throws -> [UInt8] {
        // Bytes are collected on the event loop, so a test task that waits for a cooperative thread
        // loses nothing; the watchdog only ends a peer that never closes.
        let reply = NIOLockedValueBox<EventLoopFuture<[UInt8]>?>(nil)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    let collect = Collect(promise: ch.eventLoop.makePromise(), complete: complete)
                    reply.withLockedValue { $0 = collect.promise.futureResult }
                    try ch.pipeline.syncOperations.addHandler(collect)
                }
            }
            .connect(host: ip, port: port).get()
        let watchdog = channel.eventLoop.scheduleTask(in: .seconds(30)) { channel.close(promise: nil) }
        defer { watchdog.cancel() }
        // A peer may close before reading (a Service without endpoints): the reply is then what came, maybe nothing.
        try? await channel.writeAndFlush(ByteBuffer(bytes: request))
        guard let future = reply.withLockedValue({ $0 }) else { throw ChannelError.ioOnClosedChannel }
        return try await future.get()
    }

    /// Gathers a connection's bytes until the peer closes (or `complete` says the reply is whole).
    final class Collect: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<[UInt8]>
        let complete: @Sendable ([UInt8]) -> Bool
        var bytes: [UInt8] = []
        var done = false
        init(promise: EventLoopPromise<[UInt8]>, complete: @Sendable @escaping ([UInt8]) -> Bool) {
            self.promise = promise
            self.complete = complete
        }
        func finish() {
            if !done { done = true; promise.succeed(bytes) }
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
            if complete(bytes) {
                finish()
                context.close(promise: nil)
            }
        }
        func channelInactive(context: ChannelHandlerContext) { finish() }
        func handlerRemoved(context: ChannelHandlerContext) { finish() }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    static func get(_ ip: String, _ port: Int, path: String = "/", host: String = "test") async throws -> String {
        try await exchange(ip, port, "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
    }

    /// The body of an HTTP response text.
    static func body(_ response: String) -> String {
        guard let r = response.range(of: "\r\n\r\n") else { return "" }
        return String(response[r.upperBound...])
    }

    /// Sends a datagram and returns the first reply; UDP may drop a datagram (a busy machine, a
    /// listener a moment from ready), so it is sent again up to 4 times, 8 s apart; nil without a reply.
    static func datagram(_ ip: String, _ port: Int, _ payload: [UInt8]) async throws -> [UInt8]? {
        for _ in 0..<4 {
            if let reply = try? await datagramOnce(ip, port, payload, wait: .seconds(8)) { return reply }
        }
        return nil
    }

    /// One datagram; its reply, nil (or an error for the closed channel) after `wait`.
    static func datagramOnce(_ ip: String, _ port: Int, _ payload: [UInt8], wait: TimeAmount) async throws -> [UInt8]? {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "0.0.0.0", port: 0) { ch in
                ch.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: ch)
                }
            }
        let watchdog = channel.channel.eventLoop.scheduleTask(in: wait) { channel.channel.close(promise: nil) }
        defer { watchdog.cancel() }
        let target = try SocketAddress(ipAddress: ip, port: port)
        return try await channel.executeThenClose { input, output in
            try await output.write(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: payload)))
            for try await var e in input { return e.data.readBytes(length: e.data.readableBytes) }
            return nil
        }
    }
}

@Suite("service proxy, cluster DNS and ingress on a live network", .serialized,
       .enabled(if: ServiceInterface.problem(name: "hsvc-probe") == nil, "needs root and iproute2"))
struct ServiceProxyIntegrationTests {
    @Test("ClusterIP, NodePort, UDP, DNS and Ingress reach endpoints; the interface holds exactly the Service addresses and goes at shutdown")
    func endToEnd() async throws {
        let third = Int.random(in: 100...250)
        let last = Int.random(in: 2...200)
        let webIP = "10.96.\(third).\(last)", udpIP = "10.96.\(third).\(last + 1)", dnsIP = "10.96.\(third).\(last + 2)"
        let emptyIP = "10.96.\(third).\(last + 3)"
        let nodePort = Int.random(in: 30000...32767)
        let ifname = "hs" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let b1 = try await TestBackend.start(ip: "127.0.\(third).11", name: "b1")
        let b2 = try await TestBackend.start(ip: "127.0.\(third).12", name: "b2")
        let u1 = try await TestUDPBackend.start(ip: "127.0.\(third).13", name: "u1")

        let api = try await TestAPI.make()
        var config = ServiceNetworkConfiguration(interfaceName: ifname, dnsIP: dnsIP, ingressPort: 0, resyncInterval: .milliseconds(200))
        // A range of its own (more specific than a running cluster's 10.96.0.0/12, so both can exist).
        config.serviceCIDR = "10.96.\(third).0/24"
        let network = ServiceNetwork(handler: api.handler, configuration: config, apiServerAddress: ServiceBackend(ip: "127.0.0.1", port: 6443),
                                     log: { print("service network:", $0) })
        let task = Task { try await network.run() }
        let outcome: Result<Void, any Error>
        do {
            try await scenario(api: api, network: network, webIP: webIP, udpIP: udpIP, dnsIP: dnsIP, emptyIP: emptyIP, nodePort: nodePort,
                               b1: b1, b2: b2, u1: u1)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        task.cancel()
        _ = await task.result
        await b1.stop()
        await b2.stop()
        try? await u1.channel.close()
        #expect(await !ServiceInterface(name: ifname).exists(), "the dummy interface is removed at shutdown")
        try outcome.get()
    }

    func scenario(api: TestAPI, network: ServiceNetwork, webIP: String, udpIP: String, dnsIP: String, emptyIP: String, nodePort: Int,
                  b1: TestBackend, b2: TestBackend, u1: TestUDPBackend) async throws
    {
        let web = ProxyListenerKey(ip: webIP, port: 80, proto: "TCP")
        let node = ProxyListenerKey(ip: "127.0.0.1", port: nodePort, proto: "TCP")
        let created = await api.call(.POST, "/api/v1/namespaces/default/services", json: """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"type":"NodePort","clusterIP":"\(webIP)",
             "ports":[{"name":"http","port":80,"targetPort":8080,"nodePort":\(nodePort)}]}}
            """)
        #expect(created.code == 201, "\(created.text)")
        let ep = await api.call(.POST, "/api/v1/namespaces/default/endpoints", json: endpointsJSON(b1: b1, b2: b2, b2Ready: true))
        #expect(ep.code == 201, "\(ep.text)")
        #expect(await network.waitUntil { $0.listeners[web]?.backends.count == 2 && $0.listeners[node]?.backends.count == 2 })

        // default/kubernetes leads to the API server.
        let kubernetes = ProxyListenerKey(ip: "10.96.0.1", port: 443, proto: "TCP")
        #expect(await network.waitUntil { $0.listeners[kubernetes]?.backends == [ServiceBackend(ip: "127.0.0.1", port: 6443)] })

        // kube-system/helmctl-ingress leads to the Ingress controller's listener.
        let ingressPort = try #require(network.ingressPort)
        let ingressService = await api.call(.GET, "/api/v1/namespaces/kube-system/services/helmctl-ingress")
        let ingressIP = try #require(ingressService.body[path: "spec.clusterIP"]?.stringValue, "\(ingressService.text)")
        let ingressKey = ProxyListenerKey(ip: ingressIP, port: 80, proto: "TCP")
        #expect(await network.waitUntil { $0.listeners[ingressKey]?.backends == [ServiceBackend(ip: "127.0.0.1", port: ingressPort)] })

        // The interface holds exactly the ClusterIPs and the DNS address, and an address of the range
        // nobody holds is routed into it (dropped), not out by the default route.
        // (10.96.0.1 is default/kubernetes, made by the API server.)
        let held = await network.interface.kernelAddresses()
        #expect(held == [webIP, dnsIP, "10.96.0.1", ingressIP], "\(held)")
        let unheld = webIP.split(separator: ".").prefix(3).joined(separator: ".") + ".254"
        let route = try await ProcessRunner.run([ServiceInterface.ipTool, "-o", "route", "get", unheld])
        #expect(route.stdout.contains("dev \(network.configuration.interfaceName) "), "\(route.stdout)")

        // Round robin over both endpoints through the ClusterIP; the node port on loopback too.
        let names = try await [NetClient.get(webIP, 80), NetClient.get(webIP, 80)].map { NetClient.body($0).split(separator: " ").first.map(String.init) }
        #expect(Set(names) == ["b1", "b2"])
        #expect(NetClient.body(try await NetClient.get("127.0.0.1", nodePort, path: "/np")).hasSuffix("GET /np HTTP/1.1"))

        // Cluster DNS over UDP and TCP.
        let answer = try #require(try await NetClient.datagram(dnsIP, 53, ClusterDNSTests.query("web.default.svc.cluster.local")))
        #expect(ClusterDNSTests.ips(try DNSMessage.decode(answer)) == [webIP])
        let dnsSelf = try #require(try await NetClient.datagram(dnsIP, 53, ClusterDNSTests.query("kube-dns.kube-system.svc.cluster.local")))
        #expect(ClusterDNSTests.ips(try DNSMessage.decode(dnsSelf)) == [dnsIP])
        let missing = try #require(try await NetClient.datagram(dnsIP, 53, ClusterDNSTests.query("nope.default.svc.cluster.local")))
        #expect(try DNSMessage.decode(missing).rcode == DNSMessage.nameError)
        let q = ClusterDNSTests.query("web.default.svc.cluster.local")
        // DNS over TCP keeps the connection open: the reply is whole when its length prefix is met.
        let tcp = try await NetClient.exchange(dnsIP, 53, [UInt8(q.count >> 8), UInt8(q.count & 255)] + q) { b in
            b.count >= 2 && b.count >= 2 + (Int(b[0]) << 8 | Int(b[1]))
        }
        #expect(tcp.count > 2)
        #expect(ClusterDNSTests.ips(try DNSMessage.decode(Array(tcp.dropFirst(2)))) == [webIP])

        // UDP Service.
        let udpCreated = await api.call(.POST, "/api/v1/namespaces/default/services", json: """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"udp"},"spec":{"clusterIP":"\(udpIP)","ports":[{"name":"u","port":5000,"protocol":"UDP"}]}}
            """)
        #expect(udpCreated.code == 201, "\(udpCreated.text)")
        let udpEp = await api.call(.POST, "/api/v1/namespaces/default/endpoints", json: """
            {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"udp"},"subsets":[{"addresses":[{"ip":"127.0.\(udpIP.split(separator: ".")[2]).13"}],
             "ports":[{"name":"u","port":\(u1.port),"protocol":"UDP"}]}]}
            """)
        #expect(udpEp.code == 201, "\(udpEp.text)")
        #expect(await network.waitUntil { $0.listeners[ProxyListenerKey(ip: udpIP, port: 5000, proto: "UDP")]?.backends.count == 1 })
        let echoed = try await NetClient.datagram(udpIP, 5000, Array("ping".utf8))
        #expect(echoed.map { String(decoding: $0, as: UTF8.self) } == "u1:ping")

        // Ingress: the class exists as default; rules route to endpoints; 404 and 503.
        let ingressClass = await api.call(.GET, "/apis/networking.k8s.io/v1/ingressclasses/helmctl")
        #expect(ingressClass.body[path: "metadata.annotations"]?["ingressclass.kubernetes.io/is-default-class"]?.stringValue == "true")
        let empty = await api.call(.POST, "/api/v1/namespaces/default/services", json: """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"empty"},"spec":{"clusterIP":"\(emptyIP)","ports":[{"port":80}]}}
            """)
        #expect(empty.code == 201, "\(empty.text)")
        let ing = await api.call(.POST, "/apis/networking.k8s.io/v1/namespaces/default/ingresses", json: """
            {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"app"},"spec":{"rules":[{"host":"app.test","http":{"paths":[
             {"path":"/api","pathType":"Prefix","backend":{"service":{"name":"web","port":{"name":"http"}}}},
             {"path":"/empty","pathType":"Exact","backend":{"service":{"name":"empty","port":{"number":80}}}}]}}]}}
            """)
        #expect(ing.code == 201, "\(ing.text)")
        #expect(await network.waitUntil { _ in network.ingress.routing.withLockedValue { $0.routes.routes.count == 2 } })
        let port = try #require(network.ingressPort)
        let routed = try await NetClient.get("127.0.0.1", port, path: "/api/items?x=1", host: "app.test")
        #expect(routed.hasPrefix("HTTP/1.1 200"), "\(routed)")
        #expect(NetClient.body(routed).hasSuffix("GET /api/items?x=1 HTTP/1.1"))
        // Pods reach the same routes through the controller's Service (ClusterIP port 80).
        let viaService = try await NetClient.get(ingressIP, 80, path: "/api/items", host: "app.test")
        #expect(viaService.hasPrefix("HTTP/1.1 200") && NetClient.body(viaService).hasSuffix("GET /api/items HTTP/1.1"), "\(viaService)")
        #expect(try await NetClient.get("127.0.0.1", port, path: "/other", host: "app.test").hasPrefix("HTTP/1.1 404"))
        #expect(try await NetClient.get("127.0.0.1", port, path: "/api", host: "elsewhere.test").hasPrefix("HTTP/1.1 404"))
        #expect(try await NetClient.get("127.0.0.1", port, path: "/empty", host: "app.test").hasPrefix("HTTP/1.1 503"))
        // A ClusterIP without ready endpoints accepts and closes at once.
        #expect(try await NetClient.get(emptyIP, 80).isEmpty)
        // Endpoints nobody listens on: 502 from the Ingress.
        let dead = await api.call(.POST, "/api/v1/namespaces/default/endpoints", json: """
            {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"empty"},"subsets":[{"addresses":[{"ip":"127.0.0.1"}],"ports":[{"port":9}]}]}
            """)
        #expect(dead.code == 201, "\(dead.text)")
        #expect(await network.waitUntil { $0.endpoints(namespace: "default", service: "empty", port: .number(80))?.count == 1 })
        #expect(try await NetClient.get("127.0.0.1", port, path: "/empty", host: "app.test").hasPrefix("HTTP/1.1 502"))
        var status: String?
        for _ in 0..<20 {
            status = await api.call(.GET, "/apis/networking.k8s.io/v1/namespaces/default/ingresses/app").body[path: "status.loadBalancer.ingress.0.ip"]?.stringValue
            if status != nil { break }
            _ = await network.waitUntil(passes: 1) { _ in false }
        }
        #expect(status == "127.0.0.1")

        // ClientIP session affinity: one client stays on one endpoint.
        let affine = await api.call(.PATCH, "/api/v1/namespaces/default/services/web", json: #"{"spec":{"sessionAffinity":"ClientIP"}}"#,
                                    contentType: "application/merge-patch+json")
        #expect(affine.code == 200, "\(affine.text)")
        #expect(await network.waitUntil { $0.listeners[web]?.affinitySeconds == 10800 })
        var stuck: Set<String> = []
        for _ in 0..<4 { stuck.insert(String(NetClient.body(try await NetClient.get(webIP, 80)).prefix(2))) }
        #expect(stuck.count == 1, "\(stuck)")

        // Endpoints follow readiness: b2 not ready → every connection goes to b1.
        let current = await api.call(.GET, "/api/v1/namespaces/default/endpoints/web")
        var updated = current.body
        updated.setField("subsets", try JSON.decodeKeepingIntegers(Array(endpointsJSON(b1: b1, b2: b2, b2Ready: false).utf8))["subsets"])
        let put = await api.call(.PUT, "/api/v1/namespaces/default/endpoints/web", json: JSON.encode(updated))
        #expect(put.code == 200, "\(put.text)")
        #expect(await network.waitUntil { $0.listeners[web]?.backends.count == 1 })
        for _ in 0..<3 { #expect(NetClient.body(try await NetClient.get(webIP, 80)).hasPrefix("b1 ")) }

        // A Service that goes takes its listeners and address with it.
        let deleted = await api.call(.DELETE, "/api/v1/namespaces/default/services/web")
        #expect(deleted.code == 200, "\(deleted.text)")
        #expect(await network.waitUntil { $0.listeners[web] == nil && $0.listeners[node] == nil })
        let after = await network.interface.kernelAddresses()
        #expect(after == [udpIP, dnsIP, emptyIP, "10.96.0.1", ingressIP], "\(after)")
        await #expect(throws: (any Error).self) { try await NetClient.get("127.0.0.1", nodePort) }
    }

    @Test("a second owner of the same interface name is refused while the first lives")
    func interfaceLock() async throws {
        let name = "hl" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let first = ServiceInterface(name: name), second = ServiceInterface(name: name)
        #expect(await first.lock())
        #expect(await !second.lock())
        await #expect(throws: RuntimeError.self) { try await second.create() }
        try await first.create()
        #expect(await first.exists())
        await first.remove()
        #expect(await !first.exists())
        #expect(await second.lock())
        await second.remove()
    }

    @Test("several address changes go in one batch; a failing one is reported and the rest are held")
    func interfaceSyncBatches() async throws {
        let name = "hb" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let interface = ServiceInterface(name: name)
        #expect(await interface.lock())
        try await interface.create()
        // (198.18.0.0/15 is reserved for benchmarks; on a dummy interface these stay local.)
        #expect(await interface.sync(["198.18.77.1", "198.18.77.2", "198.18.77.3"]).isEmpty)
        #expect(await interface.kernelAddresses() == ["198.18.77.1", "198.18.77.2", "198.18.77.3"])
        #expect(await interface.sync(["198.18.77.3", "198.18.77.4", "198.18.77.5"]).isEmpty)
        #expect(await interface.kernelAddresses() == ["198.18.77.3", "198.18.77.4", "198.18.77.5"])
        let failures = await interface.sync(["198.18.77.3", "198.18.77.6", "198.18.77.300"])
        #expect(failures.count == 1 && failures.first?.contains("198.18.77.300") == true, "\(failures)")
        #expect(await interface.kernelAddresses() == ["198.18.77.3", "198.18.77.6"])
        await interface.remove()
        #expect(await !interface.exists())
    }

    func endpointsJSON(b1: TestBackend, b2: TestBackend, b2Ready: Bool) -> String {
        let ip1 = b1.server.localAddress?.ipAddress ?? "", ip2 = b2.server.localAddress?.ipAddress ?? ""
        return """
            {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"web"},"subsets":[
             {"addresses":[{"ip":"\(ip1)"}],"ports":[{"name":"http","port":\(b1.port)}]},
             {"\(b2Ready ? "addresses" : "notReadyAddresses")":[{"ip":"\(ip2)"}],"ports":[{"name":"http","port":\(b2.port)}]}]}
            """
    }
}
