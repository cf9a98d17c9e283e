import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// The scheduler: filters (readiness, nodeSelector, taints, requests) and the binding it writes.
@Suite struct WorkloadSchedulerTests {
    func node(_ h: WorkloadHarness, _ name: String, ready: Bool = true, cpu: String = "1", labels: String = "{}", taints: String = "[]") async {
        #expect(await h.create("/api/v1/nodes",
                               #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"\#(name)","labels":\#(labels)},"spec":{"taints":\#(taints)}}"#).code == 201)
        await h.mergePatch("/api/v1/nodes/\(name)/status", #"""
            {"status":{"allocatable":{"cpu":"\#(cpu)","memory":"1Gi","pods":"110"},"capacity":{"cpu":"\#(cpu)","memory":"1Gi","pods":"110"},
             "conditions":[{"type":"Ready","status":"\#(ready ? "True" : "False")"}]}}
            """#)
    }

    func pod(_ h: WorkloadHarness, _ name: String, cpu: String = "100m", spec: String = "") async {
        #expect(await h.create("/api/v1/namespaces/default/pods", #"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)"},"spec":{\#(spec)
             "containers":[{"name":"c","image":"x","resources":{"requests":{"cpu":"\#(cpu)","memory":"64Mi"}}}]}}
            """#).code == 201)
    }

    func placed(_ h: WorkloadHarness, _ name: String) async -> Value {
        await h.get("/api/v1/namespaces/default/pods/\(name)")
    }

    @Test func bindsByRequestsAndReadiness() async throws {
        let h = try await WorkloadHarness.make()
        await node(h, "n1")
        await node(h, "n2", ready: false)
        await pod(h, "a", cpu: "600m")
        await h.settle()
        var a = await placed(h, "a")
        #expect(a[path: "spec.nodeName"]?.stringValue == "n1")
        #expect(a.conditionStatus("PodScheduled") == "True")
        await pod(h, "b", cpu: "0.6")
        await h.settle()
        let b = await placed(h, "b")
        #expect(b[path: "spec.nodeName"] == nil)
        #expect(b.conditionStatus("PodScheduled") == "False" && b.conditionReason("PodScheduled") == "Unschedulable")
        let message = (b[path: "status.conditions"]?.listValue ?? []).first { $0["type"] == "PodScheduled" }?["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }."))
        // Room appears when the first pod finishes.
        await h.finish(a, phase: "Succeeded")
        await h.settle()
        #expect(await placed(h, "b")[path: "spec.nodeName"]?.stringValue == "n1")
        a = await placed(h, "a")
        #expect(a[path: "spec.nodeName"]?.stringValue == "n1")
    }

    @Test func nodeSelectorAndTaints() async throws {
        let h = try await WorkloadHarness.make()
        await node(h, "db", taints: #"[{"key":"dedicated","value":"db","effect":"NoSchedule"}]"#)
        await node(h, "ssd", labels: #"{"disktype":"ssd"}"#)
        await pod(h, "plain")
        await pod(h, "tolerant", spec: #""nodeSelector":{"kubernetes.io/hostname":"db"},"tolerations":[{"key":"dedicated","operator":"Equal","value":"db","effect":"NoSchedule"}],"#)
        await pod(h, "picky", spec: #""nodeSelector":{"disktype":"hdd"},"#)
        await h.settle()
        #expect(await placed(h, "plain")[path: "spec.nodeName"]?.stringValue == "ssd")
        // No node carries kubernetes.io/hostname here: the selector rules both out.
        let tolerant = await placed(h, "tolerant")
        #expect(tolerant[path: "spec.nodeName"] == nil)
        let picky = await placed(h, "picky")
        let message = (picky[path: "status.conditions"]?.listValue ?? []).first { $0["type"] == "PodScheduled" }?["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: db}."))
        await h.mergePatch("/api/v1/nodes/db", #"{"metadata":{"labels":{"kubernetes.io/hostname":"db"}}}"#)
        await h.settle()
        #expect(await placed(h, "tolerant")[path: "spec.nodeName"]?.stringValue == "db")
    }

    @Test func noNodes() async throws {
        let h = try await WorkloadHarness.make()
        await pod(h, "lonely")
        await h.settle()
        let p = await placed(h, "lonely")
        let message = (p[path: "status.conditions"]?.listValue ?? []).first { $0["type"] == "PodScheduled" }?["message"]?.stringValue
        #expect(message == "no nodes available to schedule pods")
        #expect(await Reconciler(handler: h.api.handler).pass().writes == 0)
    }

    @Test(arguments: [("100m", 100), ("1", 1000), ("0.5", 500), ("1.5", 1500), ("2k", 2_000_000)])
    func cpuQuantities(_ text: String, _ milli: Int64) {
        #expect(ResourceQuantity.milli(.string(text)) == milli)
    }

    @Test(arguments: [("128Mi", 134_217_728), ("1G", 1_000_000_000), ("1e3", 1000), ("bogus", 0), ("-1", 0)])
    func memoryQuantities(_ text: String, _ bytes: Int64) {
        #expect(ResourceQuantity.units(.string(text)) == bytes)
    }
}

/// Hostile numbers in specs must not trap the controllers.
@Suite struct WorkloadHostileTests {
    @Test func hugeQuantitiesAndPercentagesDoNotTrap() async throws {
        let h = try await WorkloadHarness.make()
        await h.create("/api/v1/nodes", #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n"}}"#)
        await h.mergePatch("/api/v1/nodes/n/status", #"{"status":{"allocatable":{"cpu":"9e30","memory":"9E"},"conditions":[{"type":"Ready","status":"True"}]}}"#)
        for name in ["a", "b"] {
            await h.create("/api/v1/namespaces/default/pods", #"""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)"},"spec":{"containers":[
                 {"name":"c","image":"x","resources":{"requests":{"cpu":"9e30","memory":"8E"}}},
                 {"name":"d","image":"x","resources":{"requests":{"cpu":"9e30","memory":"8E"}}}]}}
                """#)
        }
        await h.settle()
        let bounds = DeploymentController.Plan.rollingBounds(["maxSurge": "999999999999999%", "maxUnavailable": .int(Int64.max)], desired: 2_000_000_000)
        #expect(bounds.0 == Int64(Int32.max) && bounds.1 == 2_000_000_000)
        #expect(ResourceQuantity.milli(.string("9e300")) > 0)
    }
}
