import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// The DaemonSet controller: one pod per eligible node, placed through the scheduler, rolling update, status.
@Suite struct DaemonSetControllerTests {
    static let path = "/apis/apps/v1/namespaces/default/daemonsets"

    func node(_ h: WorkloadHarness, _ name: String, labels: String = "{}", spec: String = "{}") async {
        #expect(await h.create("/api/v1/nodes",
                               #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"\#(name)","labels":\#(labels)},"spec":\#(spec)}"#).code == 201)
        await h.mergePatch("/api/v1/nodes/\(name)/status", #"""
            {"status":{"allocatable":{"cpu":"2","memory":"2Gi","pods":"110"},"capacity":{"cpu":"2","memory":"2Gi","pods":"110"},
             "conditions":[{"type":"Ready","status":"True"}]}}
            """#)
    }

    func makeSet(_ h: WorkloadHarness, spec: String = "", strategy: String = "") async {
        let reply = await h.create(Self.path, #"""
            {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent"},
             "spec":{"selector":{"matchLabels":{"app":"agent"}},\#(strategy)
              "template":{"metadata":{"labels":{"app":"agent"}},"spec":{\#(spec)"containers":[{"name":"c","image":"busybox"}]}}}}
            """#)
        #expect(reply.code == 201, "\(reply.text)")
    }

    func placement(_ h: WorkloadHarness) async -> [String: String] {
        var out: [String: String] = [:]
        for p in await h.pods() where p.meta("deletionTimestamp") == nil {
            out[p.name] = p[path: "spec.nodeName"]?.stringValue ?? "-"
        }
        return out
    }

    func nodesWithPods(_ h: WorkloadHarness) async -> [String] { Array(await placement(h).values).sorted() }

    func ds(_ h: WorkloadHarness) async -> Value { await h.get(Self.path + "/agent") }

    @Test func onePodPerEligibleNodeBoundByTheScheduler() async throws {
        let h = try await WorkloadHarness.make()
        await node(h, "n1")
        await node(h, "n2", spec: #"{"unschedulable":true}"#)
        await node(h, "n3", spec: #"{"taints":[{"key":"dedicated","value":"db","effect":"NoSchedule"}]}"#)
        await makeSet(h)
        await h.settle()
        // Unschedulable nodes still run daemons (automatic toleration); the tainted one does not.
        #expect(await nodesWithPods(h) == ["n1", "n2"])
        let pod = try #require(await h.pods().first)
        let term = pod[path: "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"]?.listValue?.first
        #expect(term?["matchFields"]?.listValue?.first?["key"]?.stringValue == "metadata.name")
        #expect(pod.labels["controller-revision-hash"] != nil && pod.labels["pod-template-generation"] == "1")
        let tolerations = (pod[path: "spec.tolerations"]?.listValue ?? []).compactMap { $0["key"]?.stringValue }
        #expect(tolerations.contains("node.kubernetes.io/unschedulable") && tolerations.contains("node.kubernetes.io/disk-pressure"))
        var s = await ds(h)
        #expect(s.int("status.desiredNumberScheduled") == 2 && s.int("status.currentNumberScheduled") == 2 && s.int("status.numberReady") == 0)
        #expect(s.int("status.updatedNumberScheduled") == 2 && s.int("status.numberUnavailable") == 2)
        await h.runAllPending()
        s = await ds(h)
        #expect(s.int("status.numberReady") == 2 && s.int("status.numberAvailable") == 2 && s[path: "status.numberUnavailable"] == nil)
        #expect(s.int("status.observedGeneration") == s.int("metadata.generation"))
        // A new node gets its pod.
        await node(h, "n4")
        await h.settle()
        #expect(await nodesWithPods(h) == ["n1", "n2", "n4"])
    }

    @Test func nodeSelectorAndAffinityAndTolerations() async throws {
        let h = try await WorkloadHarness.make()
        await node(h, "a", labels: #"{"role":"edge","zone":"1"}"#)
        await node(h, "b", labels: #"{"role":"edge","zone":"2"}"#)
        await node(h, "c", labels: #"{"role":"core"}"#, spec: #"{"taints":[{"key":"dedicated","value":"db","effect":"NoExecute"}]}"#)
        await makeSet(h, spec: #"""
            "nodeSelector":{"role":"edge"},
            "affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
              {"matchExpressions":[{"key":"zone","operator":"Gt","values":["1"]}]}]}}},
            """#)
        await h.settle()
        #expect(await nodesWithPods(h) == ["b"])
        // Replacing the selection with a toleration for `c`'s taint moves the daemon.
        await h.mergePatch(Self.path + "/agent", #"""
            {"spec":{"template":{"spec":{"nodeSelector":null,"affinity":null,
              "tolerations":[{"key":"dedicated","operator":"Exists","effect":"NoExecute"}]}}}}
            """#)
        await h.settle()
        #expect(await nodesWithPods(h) == ["a", "b", "c"])
        #expect(await ds(h).int("status.desiredNumberScheduled") == 3)
    }

    @Test func rollingUpdateReplacesWithinMaxUnavailable() async throws {
        let h = try await WorkloadHarness.make()
        for n in ["n1", "n2", "n3"] { await node(h, n) }
        await makeSet(h, strategy: #""updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1}},"#)
        await h.settle()
        await h.runAllPending()
        let oldHash = try #require(await h.pods().first?.labels["controller-revision-hash"])
        await h.mergePatch(Self.path + "/agent", #"{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox:2"}]}}}}"#)
        await h.settle()
        // One old pod goes (terminating); its node gets the new pod right away.
        var pods = await h.pods()
        #expect(pods.filter { $0.meta("deletionTimestamp") != nil }.count == 1)
        let fresh = pods.filter { $0.labels["controller-revision-hash"] != oldHash && $0.meta("deletionTimestamp") == nil }
        #expect(fresh.count == 1)
        #expect(await ds(h).int("status.updatedNumberScheduled") == 1)
        for _ in 0..<4 {
            for p in await h.pods() where p.meta("deletionTimestamp") != nil {
                await h.api.call(.DELETE, "/api/v1/namespaces/default/pods/\(p.name)?gracePeriodSeconds=0")
            }
            await h.settle()
            await h.runAllPending()
        }
        pods = await h.pods()
        #expect(pods.count == 3 && pods.allSatisfy { $0.labels["controller-revision-hash"] != oldHash })
        let s = await ds(h)
        #expect(s.int("status.updatedNumberScheduled") == 3 && s.int("status.numberAvailable") == 3 && s.int("status.desiredNumberScheduled") == 3)
    }

    @Test(arguments: [("1", 10, 1), ("25%", 10, 3), ("0", 4, 1), ("50%", 3, 2)] as [(String, Int, Int)])
    func maxUnavailable(value: String, desired: Int, expected: Int) {
        let v: Value = Int(value).map { .int(Int64($0)) } ?? .string(value)
        let ds: Value = .map(["spec": .map(["updateStrategy": .map(["rollingUpdate": .map(["maxUnavailable": v])])])])
        #expect(DaemonSetController.maxUnavailable(ds, desired: desired) == expected)
    }
}
