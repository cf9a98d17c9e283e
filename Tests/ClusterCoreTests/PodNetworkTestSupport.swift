import Foundation
import NIOHTTP1
import StructuredData
import Testing
@testable import ClusterCore

/// An in-process API server with `nodes` kubelets, each with its own runc root and its own bridge and
/// pod CIDR. Every host object gets a name unique to this fixture (`helmctlXXXX-N`, a random /22 of
/// 10.200.0.0–10.249.255.255 for the cluster range, clear of 10.42/16 and the Service range 10.96/12), so parallel runs do not collide; afterwards every kubelet is
/// stopped (which removes its sandboxes and bridge) and the cluster network torn down.
struct PodNetworkFixture {
    let api: TestAPI
    let network: ClusterNetwork
    let nodes: [NodeNetwork]
    let runtimes: [RuntimeFixture]
    let kubelets: [Kubelet]
    let stateDirectory: String

    static func nodeName(_ i: Int) -> String { "helmctl-node-\(i)" }

    /// A fresh cluster network configuration with unique names (not set up).
    static func uniqueConfiguration() -> ClusterNetworkConfiguration {
        let tag = String(UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(4))
        var g = SystemRandomNumberGenerator()
        let cidr = IPv4CIDR("10.\(Int.random(in: 200...249, using: &g)).\(Int.random(in: 0...63, using: &g) * 4).0/22")!
        let state = NSTemporaryDirectory() + "helmctl-podnet-" + UUID().uuidString.prefix(8).lowercased()
        return ClusterNetworkConfiguration(clusterCIDR: cidr, stateDirectory: state, namePrefix: "helmctl" + tag)
    }

    static func with(nodes count: Int = 1, _ body: (PodNetworkFixture) async throws -> Void) async throws {
        if let problem = RuncRuntime.problem() ?? ClusterNetwork.problem() {
            Issue.record("pod network tests need root, runc, busybox-static, iproute2 and the CNI plugins: \(problem)")
            return
        }
        let configuration = uniqueConfiguration()
        let network = ClusterNetwork(configuration: configuration)
        try await network.prepare()
        let api = try await TestAPI.make(clock: SystemAPIClock())
        var runtimes: [RuntimeFixture] = []
        var kubelets: [Kubelet] = []
        var nodes: [NodeNetwork] = []
        var tasks: [Task<Void, any Error>] = []
        for i in 1...count {
            guard let runtime = RuntimeFixture.make() else { break }
            let node = try network.node(i)
            let kubelet = Kubelet(handler: api.handler, runtime: runtime.runtime,
                                  configuration: .init(nodeName: nodeName(i), syncInterval: .milliseconds(100), initialBackoff: 1),
                                  network: node)
            runtimes.append(runtime)
            nodes.append(node)
            kubelets.append(kubelet)
            tasks.append(Task { try await kubelet.run() })
        }
        let fixture = PodNetworkFixture(api: api, network: network, nodes: nodes, runtimes: runtimes, kubelets: kubelets,
                                        stateDirectory: configuration.stateDirectory)
        var failure: (any Error)?
        do { try await body(fixture) } catch { failure = error }
        for task in tasks { task.cancel() }
        for task in tasks { _ = await task.result }
        for runtime in runtimes { await runtime.cleanup() }
        await network.tearDown()
        if let failure { throw failure }
    }

    /// Creates a pod and binds it to node `node` (1-based).
    func createBoundPod(_ json: String, name: String, node: Int = 1) async {
        let created = await api.call(.POST, "/api/v1/namespaces/default/pods", json: json)
        #expect(created.code == 201, "\(created.text)")
        let bound = await api.call(.POST, "/api/v1/namespaces/default/pods/\(name)/binding", json: """
            {"apiVersion":"v1","kind":"Binding","metadata":{"name":"\(name)"},"target":{"apiVersion":"v1","kind":"Node","name":"\(Self.nodeName(node))"}}
            """)
        #expect(bound.code == 201, "\(bound.text)")
    }

    func pod(_ name: String) async -> Value { await api.call(.GET, "/api/v1/namespaces/default/pods/\(name)").body }

    /// Waits until the pod runs with an address; returns the pod.
    func runningPod(_ name: String) async -> Value? {
        var last: Value = .null
        let ok = await eventually(60) {
            last = await pod(name)
            return last[path: "status.phase"] == "Running" && last[path: "status.podIP"]?.stringValue != nil
        }
        if !ok { Issue.record("pod \(name) not running with an IP: \(JSON.encode(last["status"] ?? .null))") }
        return ok ? last : nil
    }

    func podLog(_ name: String) async -> String { await api.call(.GET, "/api/v1/namespaces/default/pods/\(name)/log").text }

    func delete(_ name: String) async {
        await api.call(.DELETE, "/api/v1/namespaces/default/pods/\(name)?gracePeriodSeconds=0")
        #expect(await eventually(30) { await api.call(.GET, "/api/v1/namespaces/default/pods/\(name)").code == 404 })
    }

    static func podJSON(_ name: String, script: String, env: String = "") -> String {
        """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)"},"spec":{"terminationGracePeriodSeconds":1,\
        "containers":[{"name":"main","image":"busybox","command":["sh","-c",\(JSON.encode(.string(script)))]\(env)}]}}
        """
    }

    /// A busybox httpd on port 8080 serving `/www/index.html` = `text`.
    static func serverJSON(_ name: String, text: String) -> String {
        podJSON(name, script: "mkdir -p /www && echo \(text) > /www/index.html && exec httpd -f -p 8080 -h /www")
    }
}

/// Runs a host command to completion; (exit status, stdout + stderr).
@discardableResult
func hostCommand(_ args: [String]) -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: args[0])
    p.arguments = Array(args.dropFirst())
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    do { try p.run() } catch { return (-1, "\(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

let ipTool = HostNetworkTools.ip
