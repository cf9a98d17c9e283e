import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// Node lifecycle: missed heartbeats make a node Unknown and tainted; its pods are evicted after their toleration.
@Suite struct NodeLifecycleControllerTests {
    func node(_ h: WorkloadHarness, _ name: String) async {
        let now = Timestamps.rfc3339(h.clock.now())
        #expect(await h.create("/api/v1/nodes", #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"\#(name)"}}"#).code == 201)
        await h.mergePatch("/api/v1/nodes/\(name)/status", #"""
            {"status":{"allocatable":{"cpu":"2","memory":"2Gi","pods":"110"},
             "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","lastHeartbeatTime":"\#(now)","lastTransitionTime":"\#(now)"},
                           {"type":"MemoryPressure","status":"False","lastHeartbeatTime":"\#(now)","lastTransitionTime":"\#(now)"}]}}
            """#)
        await renew(h, name)
    }

    func renew(_ h: WorkloadHarness, _ name: String) async {
        let path = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases"
        let time = Kubelet.microTime(h.clock.now())
        if await h.api.call(.GET, path + "/" + name).code == 404 {
            await h.api.call(.POST, "/api/v1/namespaces", json: #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kube-node-lease"}}"#)
            #expect(await h.create(path, #"""
                {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"\#(name)"},
                 "spec":{"holderIdentity":"\#(name)","leaseDurationSeconds":40,"renewTime":"\#(time)"}}
                """#).code == 201)
        } else {
            await h.mergePatch(path + "/" + name, #"{"spec":{"renewTime":"\#(time)"}}"#)
        }
    }

    func pod(_ h: WorkloadHarness, _ name: String, node: String, tolerations: String? = nil) async {
        let t = tolerations.map { #""tolerations":\#($0),"# } ?? ""
        #expect(await h.create("/api/v1/namespaces/default/pods", #"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)"},"spec":{"nodeName":"\#(node)",\#(t)
             "containers":[{"name":"c","image":"x"}]}}
            """#).code == 201)
        await h.run(await h.get("/api/v1/namespaces/default/pods/\(name)"))
    }

    func exists(_ h: WorkloadHarness, _ name: String) async -> Bool {
        let p = await h.api.call(.GET, "/api/v1/namespaces/default/pods/\(name)")
        return p.code == 200 && p.body.meta("deletionTimestamp") == nil
    }

    @Test func staleLeaseMakesTheNodeUnknownTaintedAndEvictsAfterTolerations() async throws {
        let h = try await WorkloadHarness.make()
        await node(h, "n1")
        await node(h, "n2")
        await pod(h, "default-toleration", node: "n1")
        await pod(h, "short", node: "n1",
                  tolerations: #"[{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":60}]"#)
        await pod(h, "forever", node: "n1", tolerations: #"[{"operator":"Exists"}]"#)
        h.clock.advance(30)
        await renew(h, "n2")
        await h.settle()
        #expect(await h.get("/api/v1/nodes/n1").conditionStatus("Ready") == "True")
        h.clock.advance(11)
        await renew(h, "n2")
        await h.settle()
        let n1 = await h.get("/api/v1/nodes/n1")
        #expect(n1.conditionStatus("Ready") == "Unknown" && n1.conditionReason("Ready") == "NodeStatusUnknown")
        #expect(n1.conditionStatus("MemoryPressure") == "Unknown")
        let ready = (n1[path: "status.conditions"]?.listValue ?? []).first { $0["type"] == "Ready" }
        #expect(ready?["message"]?.stringValue == "Kubelet stopped posting node status.")
        let taints = (n1[path: "spec.taints"]?.listValue ?? []).map { "\($0["key"]?.stringValue ?? ""):\($0["effect"]?.stringValue ?? "")" }.sorted()
        #expect(taints == ["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"])
        #expect(await h.get("/api/v1/nodes/n2").conditionStatus("Ready") == "True")
        #expect(await h.get("/api/v1/namespaces/default/pods/forever").conditionStatus("Ready") == "False")
        // Nothing is scheduled onto it.
        #expect(await h.create("/api/v1/namespaces/default/pods",
                               #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"new"},"spec":{"containers":[{"name":"c","image":"x"}]}}"#).code == 201)
        await h.settle()
        #expect(await h.get("/api/v1/namespaces/default/pods/new")[path: "spec.nodeName"]?.stringValue == "n2")
        // Evictions by toleration period.
        h.clock.advance(60)
        await h.settle()
        let (d1, s1, f1) = (await exists(h, "default-toleration"), await exists(h, "short"), await exists(h, "forever"))
        #expect(d1 && !s1 && f1)
        h.clock.advance(240)
        await h.settle()
        let (d2, f2) = (await exists(h, "default-toleration"), await exists(h, "forever"))
        #expect(!d2 && f2)
        let events = await h.items("/api/v1/namespaces/default/events").filter { $0["reason"]?.stringValue == "TaintManagerEviction" }
        #expect(events.count == 2)
    }

    @Test func recoveredNodeLosesItsTaints() async throws {
        let h = try await WorkloadHarness.make()
        await node(h, "n1")
        h.clock.advance(45)
        await h.settle()
        #expect(await h.get("/api/v1/nodes/n1")[path: "spec.taints"]?.listValue?.count == 2)
        // The kubelet comes back and posts Ready.
        let now = Timestamps.rfc3339(h.clock.now())
        await h.mergePatch("/api/v1/nodes/n1/status", #"""
            {"status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","lastHeartbeatTime":"\#(now)","lastTransitionTime":"\#(now)"}]}}
            """#)
        await renew(h, "n1")
        await h.settle()
        let n1 = await h.get("/api/v1/nodes/n1")
        #expect(n1.conditionStatus("Ready") == "True" && n1[path: "spec.taints"] == nil)
    }

    @Test func requeuesWhenTheNextNodeGoesStale() async throws {
        let h = try await WorkloadHarness.make()
        await node(h, "n1")
        h.clock.advance(10)
        let result = await Reconciler(handler: h.api.handler).pass()
        #expect(result.requeueAfter == 31)
    }
}
