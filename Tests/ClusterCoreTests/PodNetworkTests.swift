import Foundation
import NIOHTTP1
import StructuredData
import Testing
@testable import ClusterCore

@Suite("pod network addresses and CNI results")
struct PodNetworkUnitTests {
    @Test("CIDRs parse, and node N gets the N-th /24", arguments: [
        ("10.42.0.0/16", 0, "10.42.0.0/24"),
        ("10.42.0.0/16", 1, "10.42.1.0/24"),
        ("10.42.0.0/16", 255, "10.42.255.0/24"),
        ("10.200.8.0/22", 3, "10.200.11.0/24"),
    ])
    func nodeSubnets(cluster: String, index: Int, expected: String) throws {
        let cidr = try #require(IPv4CIDR(cluster))
        #expect(cidr.description == cluster)
        #expect(cidr.subnet(index, length: 24)?.description == expected)
        #expect(cidr.subnet(index, length: 24)?.address(1) == expected.replacingOccurrences(of: ".0/24", with: ".1"))
    }

    @Test("a subnet past the range's end is refused")
    func subnetOutOfRange() throws {
        let cidr = try #require(IPv4CIDR("10.200.8.0/22"))
        #expect(cidr.subnet(4, length: 24) == nil)
        #expect(cidr.subnet(-1, length: 24) == nil)
        #expect(cidr.subnet(0, length: 20) == nil)
        #expect(cidr.contains("10.200.11.7"))
        #expect(!cidr.contains("10.200.12.1"))
        #expect(!cidr.contains("not-an-address"))
    }

    @Test("malformed CIDRs are rejected", arguments: [
        "", "10.42.0.0", "10.42.0.0/33", "10.42.0.1/16", "10.42.0/16", "256.0.0.0/8", "10.42.0.0/-1", "a.b.c.d/8",
        "10.42.0.0/16/1", "1e1.0.0.0/8", "10.042.0.0/160",
    ])
    func malformed(text: String) {
        #expect(IPv4CIDR(text) == nil)
    }

    @Test("the pod's address and host veth come out of a bridge ADD result")
    func parseResult() throws {
        let result = try JSON.decode("""
            {"cniVersion":"1.0.0","interfaces":[{"name":"helmctl-1","mac":"aa"},{"name":"veth1234","mac":"bb"},
             {"name":"eth0","mac":"cc","sandbox":"/var/run/netns/x"}],
             "ips":[{"interface":2,"address":"fd00::5/64"},{"interface":2,"address":"10.42.0.5/24","gateway":"10.42.0.1"}]}
            """)
        #expect(CNIPlugin.parse(result) == .init(ip: "10.42.0.5", hostInterface: "veth1234"))
        #expect(CNIPlugin.parse(.map([:])) == .init(ip: nil, hostInterface: nil))
        #expect(CNIPlugin.parse(try JSON.decode(#"{"ips":[{"address":7}],"interfaces":"x"}"#)) == .init(ip: nil, hostInterface: nil))
    }

    @Test("a CNI error object becomes a clear error")
    func pluginError() async throws {
        guard ClusterNetwork.problem() == nil else { return }
        let cni = CNIPlugin(path: "/usr/lib/cni")
        // The loopback plugin fails on a namespace that does not exist, before changing anything.
        let config: Value = .map(["cniVersion": "1.0.0", "name": "helmctl-bad", "type": "loopback"])
        await #expect(performing: {
            try await cni.run(.add, config: config, containerID: "x", netns: "/var/run/netns/helmctl-does-not-exist", ifname: "lo")
        }, throws: { error in
            "\(error)".hasPrefix("CNI loopback ADD failed: ") && "\(error)".contains("helmctl-does-not-exist")
        })
        await #expect(throws: RuntimeError.self) {
            try await cni.run(.add, config: .map(["type": "../../bin/sh"]), containerID: "x", netns: "/nonexistent", ifname: "eth0")
        }
    }
}

@Suite("pod network on runc kubelets", .serialized)
struct PodNetworkTests {
    @Test("two pods on one node get distinct IPs from the node's CIDR, reach each other and are reached from the host")
    func sameNode() async throws {
        try await PodNetworkFixture.with { f in
            let node = f.nodes[0]
            await f.createBoundPod(PodNetworkFixture.serverJSON("web", text: "hello-from-web"), name: "web")
            let web = try #require(await f.runningPod("web"))
            let webIP = try #require(web[path: "status.podIP"]?.stringValue)
            #expect(node.podCIDR.contains(webIP))
            #expect(webIP != node.gateway)
            #expect(web[path: "status.podIPs.0.ip"]?.stringValue == webIP)
            #expect(web[path: "status.hostIP"] == "127.0.0.1")
            #expect(f.kubelets[0].podIP(uid: web[path: "metadata.uid"]?.stringValue ?? "") == webIP)

            // The client fetches from the server by IP, prints its own address (downward API) and /etc/hosts.
            let env = #","env":[{"name":"MY_IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}}]"#
            let script = "until wget -q -O - http://\(webIP):8080/index.html; do sleep 0.2; done; echo ip=$MY_IP; cat /etc/hosts; sleep 3600"
            await f.createBoundPod(PodNetworkFixture.podJSON("client", script: script, env: env), name: "client")
            let client = try #require(await f.runningPod("client"))
            let clientIP = try #require(client[path: "status.podIP"]?.stringValue)
            #expect(node.podCIDR.contains(clientIP))
            #expect(clientIP != webIP)
            // The script prints /etc/hosts last: once its pod line is there, everything before it is too.
            let done = await eventually(30) { await f.podLog("client").contains("\(clientIP)\tclient\n") }
            let log = await f.podLog("client")
            #expect(done, "\(log)")
            #expect(log.contains("hello-from-web\n"), "\(log)")
            #expect(log.contains("ip=\(clientIP)\n"), "\(log)")

            // The host reaches a pod through the bridge.
            // busybox 1.35's wget crashes with -T: `busybox timeout` bounds it instead.
            let fetched = hostCommand(["/usr/bin/busybox", "timeout", "10", "/usr/bin/busybox", "wget", "-q", "-O", "-", "http://\(webIP):8080/index.html"])
            #expect(fetched.status == 0)
            #expect(fetched.output == "hello-from-web\n")
            #expect(hostCommand([ipTool, "route", "get", webIP]).output.contains("dev \(node.bridge)"))
        }
    }

    @Test("deleting a pod removes its network namespace and veth and frees its address")
    func deletion() async throws {
        try await PodNetworkFixture.with { f in
            await f.createBoundPod(PodNetworkFixture.podJSON("gone", script: "sleep 3600"), name: "gone")
            let pod = try #require(await f.runningPod("gone"))
            let uid = try #require(pod[path: "metadata.uid"]?.stringValue)
            let ip = try #require(pod[path: "status.podIP"]?.stringValue)
            let netns = f.nodes[0].sandboxName(uid)
            #expect(hostCommand([ipTool, "netns", "list"]).output.contains(netns))
            let veths = hostCommand([ipTool, "-o", "link", "show", "master", f.nodes[0].bridge]).output
            #expect(veths.contains("veth"), "\(veths)")
            let leases = f.stateDirectory + "/ipam/" + f.nodes[0].bridge
            #expect(FileManager.default.fileExists(atPath: leases + "/" + ip))

            await f.delete("gone")
            // The API forgets the pod at once (grace 0); the kubelet removes its sandbox on its next pass.
            #expect(await eventually(30) { !hostCommand([ipTool, "netns", "list"]).output.contains(netns) })
            #expect(!FileManager.default.fileExists(atPath: "/var/run/netns/" + netns))
            #expect(!hostCommand([ipTool, "-o", "link", "show", "master", f.nodes[0].bridge]).output.contains("veth"))
            #expect(!FileManager.default.fileExists(atPath: leases + "/" + ip))
            // The pod's files go last, just after its namespace (the same removal, a moment later).
            #expect(await eventually(30) { !FileManager.default.fileExists(atPath: f.stateDirectory + "/pods/" + uid) })
        }
    }

    @Test("no packet from a pod leaves by the default route: outside addresses are unreachable, the pod range is routed locally")
    func noEgress() async throws {
        let forwardBefore = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8)
        try await PodNetworkFixture.with(nodes: 2) { f in
            await f.createBoundPod(PodNetworkFixture.podJSON("a", script: "sleep 3600"), name: "a", node: 1)
            await f.createBoundPod(PodNetworkFixture.podJSON("b", script: "sleep 3600"), name: "b", node: 2)
            let a = try #require(await f.runningPod("a"))
            let b = try #require(await f.runningPod("b"))
            let aIP = try #require(a[path: "status.podIP"]?.stringValue)
            let bIP = try #require(b[path: "status.podIP"]?.stringValue)
            let bridge = f.nodes[0].bridge
            let cluster = f.network.configuration.clusterCIDR
            // Inside the pod: everything goes to the node's gateway on the bridge.
            let netns = f.nodes[0].sandboxName(a[path: "metadata.uid"]?.stringValue ?? "")
            let inPod = hostCommand([ipTool, "netns", "exec", netns, ipTool, "route", "get", "198.51.100.7"]).output
            #expect(inPod.contains("via \(f.nodes[0].gateway) dev eth0"), "\(inPod)")

            // On the host, what the pod sends is forwarded only within the cluster range (positive control first).
            let toPeer = hostCommand([ipTool, "route", "get", bIP, "from", aIP, "iif", bridge])
            #expect(toPeer.status == 0 && toPeer.output.contains("dev \(f.nodes[1].bridge)"), "\(toPeer.output)")
            let outsideNodes = try #require(cluster.subnet(3, length: 24)).address(9)  // in the range, on no node
            for target in ["198.51.100.7", "203.0.113.9", "192.0.2.77", "1.1.1.1", outsideNodes] {
                let r = hostCommand([ipTool, "route", "get", target, "from", aIP, "iif", bridge])
                #expect(r.status != 0, "\(target) from a pod: \(r.output)")
                #expect(Self.unreachable(r.output), "\(target) from a pod: \(r.output)")
            }
            // The host itself never sends an unused pod address to the default gateway either.
            let hostRoute = hostCommand([ipTool, "route", "get", outsideNodes])
            #expect(hostRoute.status != 0 && Self.unreachable(hostRoute.output), "\(hostRoute.output)")
            // And a real attempt fails at once instead of leaving.
            let attempt = hostCommand([ipTool, "netns", "exec", netns, "/usr/bin/busybox", "timeout", "10",
                                       "/usr/bin/busybox", "wget", "-q", "-O", "-", "http://198.51.100.7/"])
            #expect(attempt.status == 1, "\(attempt.output)")
            #expect(Self.unreachable(attempt.output), "\(attempt.output)")
        }
        // The host-wide forwarding switch is left as it was (forwarding is enabled on our bridges only).
        #expect((try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8)) == forwardBefore)
    }

    @Test("pods on two nodes (two bridges on one host) reach each other through host routing")
    func twoNodes() async throws {
        try await PodNetworkFixture.with(nodes: 2) { f in
            await f.createBoundPod(PodNetworkFixture.serverJSON("web2", text: "hello-from-node-2"), name: "web2", node: 2)
            let web = try #require(await f.runningPod("web2"))
            let webIP = try #require(web[path: "status.podIP"]?.stringValue)
            #expect(f.nodes[1].podCIDR.contains(webIP))
            #expect(f.nodes[0].podCIDR != f.nodes[1].podCIDR)
            let node2 = await f.api.call(.GET, "/api/v1/nodes/\(PodNetworkFixture.nodeName(2))").body
            #expect(node2[path: "spec.podCIDR"]?.stringValue == f.nodes[1].podCIDR.description)
            #expect(node2[path: "spec.podCIDRs.0"]?.stringValue == f.nodes[1].podCIDR.description)

            let script = "until wget -q -O - http://\(webIP):8080/index.html; do sleep 0.2; done; sleep 3600"
            await f.createBoundPod(PodNetworkFixture.podJSON("client1", script: script), name: "client1", node: 1)
            let client = try #require(await f.runningPod("client1"))
            #expect(f.nodes[0].podCIDR.contains(client[path: "status.podIP"]?.stringValue ?? ""))
            let fetched = await eventually(30) { await f.podLog("client1").contains("hello-from-node-2") }
            let log = await f.podLog("client1")
            #expect(fetched, "\(log)")
        }
    }

    @Test("a hostNetwork pod has no sandbox: it listens on the host's own network and its IP is the node's")
    func hostNetwork() async throws {
        try await PodNetworkFixture.with { f in
            // A port the kernel just handed out and freed: a random one could be in use (the ephemeral
            // range starts at 32768 and parallel suites hold many connections).
            let port = try RegistryFixture.freePort()
            let json = PodNetworkFixture.serverJSON("hostnet", text: "hello-from-host-network")
                .replacingOccurrences(of: "httpd -f -p 8080", with: "httpd -f -p 127.0.0.1:\(port)")
                .replacingOccurrences(of: #""spec":{"#, with: #""spec":{"hostNetwork":true,"#)
            await f.createBoundPod(json, name: "hostnet")
            let pod = try #require(await f.runningPod("hostnet"))
            #expect(pod[path: "status.podIP"] == "127.0.0.1")
            let uid = pod[path: "metadata.uid"]?.stringValue ?? ""
            #expect(!hostCommand([ipTool, "netns", "list"]).output.contains(f.nodes[0].sandboxName(uid)))
            let served = await eventually(20) {
                hostCommand(["/usr/bin/busybox", "timeout", "10", "/usr/bin/busybox", "wget", "-q", "-O", "-",
                             "http://127.0.0.1:\(port)/index.html"]).output == "hello-from-host-network\n"
            }
            #expect(served)
        }
    }

    @Test("stopping the kubelets and tearing down leaves no bridge, namespace, veth, rule, route or state behind")
    func cleanupLeavesNothing() async throws {
        var names: (prefix: String, bridges: [String], cidr: String, state: String) = ("", [], "", "")
        try await PodNetworkFixture.with(nodes: 2) { f in
            names = (f.network.configuration.namePrefix, f.nodes.map(\.bridge), f.network.configuration.clusterCIDR.description, f.stateDirectory)
            await f.createBoundPod(PodNetworkFixture.podJSON("p1", script: "sleep 3600"), name: "p1", node: 1)
            await f.createBoundPod(PodNetworkFixture.podJSON("p2", script: "sleep 3600"), name: "p2", node: 2)
            _ = await f.runningPod("p1")
            _ = await f.runningPod("p2")
            #expect(hostCommand([ipTool, "rule", "list"]).output.contains("iif \(f.nodes[0].bridge)"))
            #expect(hostCommand([ipTool, "route", "show", "type", "unreachable"]).output.contains(names.cidr))
        }
        #expect(!names.prefix.isEmpty)
        Self.expectNothingLeft(prefix: names.prefix, bridges: names.bridges, cidr: names.cidr, state: names.state)
    }

    @Test("after a crash (nothing torn down) the ledger in the state directory lets a later clean-up remove everything")
    func leftoversAfterCrash() async throws {
        guard RuncRuntime.problem() == nil, ClusterNetwork.problem() == nil else { return }
        let configuration = PodNetworkFixture.uniqueConfiguration()
        let crashed = ClusterNetwork(configuration: configuration)
        try await crashed.prepare()
        let node = try crashed.node(1)
        try await node.setUp()
        let sandbox = try await node.addPod(uid: "crash-\(UUID().uuidString.prefix(8).lowercased())", hostname: "victim")
        #expect(hostCommand([ipTool, "netns", "list"]).output.contains(sandbox.name))
        #expect(FileManager.default.fileExists(atPath: sandbox.hostsFile))
        // The process dies here: a new one knows only the state directory.
        let removed = await ClusterNetwork.removeLeftovers(stateDirectory: configuration.stateDirectory)
        #expect(removed.contains("network namespace " + sandbox.name), "\(removed)")
        #expect(removed.contains("bridge " + node.bridge), "\(removed)")
        #expect(removed.contains("route unreachable \(configuration.clusterCIDR)"), "\(removed)")
        Self.expectNothingLeft(prefix: configuration.namePrefix, bridges: [node.bridge], cidr: configuration.clusterCIDR.description,
                               state: configuration.stateDirectory)
        // A second run finds nothing to do.
        #expect(await ClusterNetwork.removeLeftovers(stateDirectory: configuration.stateDirectory).isEmpty)
    }

    /// `ip route get`'s answer for an `unreachable` rule (ENETUNREACH) or route (EHOSTUNREACH).
    static func unreachable(_ output: String) -> Bool {
        output.contains("Network is unreachable") || output.contains("No route to host")
    }

    static func expectNothingLeft(prefix: String, bridges: [String], cidr: String, state: String) {
        let links = hostCommand([ipTool, "-o", "link", "show"]).output
        #expect(!links.contains(prefix), "\(links)")
        #expect(!hostCommand([ipTool, "netns", "list"]).output.contains(prefix))
        let rules = hostCommand([ipTool, "rule", "list"]).output
        for bridge in bridges { #expect(!rules.contains("iif \(bridge)"), "\(rules)") }
        #expect(!hostCommand([ipTool, "route", "show", "type", "unreachable"]).output.contains(cidr))
        #expect(!FileManager.default.fileExists(atPath: state))
    }
}
