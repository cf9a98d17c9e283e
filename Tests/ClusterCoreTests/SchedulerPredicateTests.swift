import Testing
import NIOHTTP1
import StructuredData
@testable import ClusterCore

/// Scheduler predicates beyond the basics: node affinity operators, matchFields, pod anti-affinity,
/// Kubernetes' message format, FailedScheduling events and spreading.
@Suite struct SchedulerPredicateTests {
    func node(_ h: WorkloadHarness, _ name: String, cpu: String = "1", labels: String = "{}") async {
        #expect(await h.create("/api/v1/nodes",
                               #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"\#(name)","labels":\#(labels)}}"#).code == 201)
        await h.mergePatch("/api/v1/nodes/\(name)/status", #"""
            {"status":{"allocatable":{"cpu":"\#(cpu)","memory":"4Gi","pods":"110"},"capacity":{"cpu":"\#(cpu)","memory":"4Gi","pods":"110"},
             "conditions":[{"type":"Ready","status":"True"}]}}
            """#)
    }

    func pod(_ h: WorkloadHarness, _ name: String, cpu: String? = nil, labels: String = "{}", spec: String = "") async {
        let resources = cpu.map { #","resources":{"requests":{"cpu":"\#($0)"}}"# } ?? ""
        let reply = await h.create("/api/v1/namespaces/default/pods", #"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","labels":\#(labels)},"spec":{\#(spec)
             "containers":[{"name":"c","image":"x"\#(resources)}]}}
            """#)
        #expect(reply.code == 201, "\(reply.text)")
    }

    func nodeOf(_ h: WorkloadHarness, _ name: String) async -> String? {
        await h.get("/api/v1/namespaces/default/pods/\(name)")[path: "spec.nodeName"]?.stringValue
    }

    func affinity(_ expressions: String, fields: String = "") -> String {
        let f = fields.isEmpty ? "" : #","matchFields":\#(fields)"#
        return #""affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":\#(expressions)\#(f)}]}}},"#
    }

    @Test(arguments: [
        (#"[{"key":"zone","operator":"In","values":["b","c"]}]"#, "n2"),
        (#"[{"key":"zone","operator":"NotIn","values":["a","b"]}]"#, "n3"),
        (#"[{"key":"gpu","operator":"Exists"}]"#, "n1"),
        (#"[{"key":"gpu","operator":"DoesNotExist"},{"key":"zone","operator":"NotIn","values":["c"]}]"#, "n2"),
        (#"[{"key":"cores","operator":"Gt","values":["8"]}]"#, "n3"),
        (#"[{"key":"cores","operator":"Lt","values":["8"]}]"#, "n1"),
    ] as [(String, String)])
    func nodeAffinityOperators(expressions: String, expected: String) async throws {
        let h = try await WorkloadHarness.make()
        await node(h, "n1", labels: #"{"zone":"a","gpu":"yes","cores":"4"}"#)
        await node(h, "n2", labels: #"{"zone":"b","cores":"8"}"#)
        await node(h, "n3", labels: #"{"zone":"c","cores":"16"}"#)
        await pod(h, "p", spec: affinity(expressions))
        await h.settle()
        #expect(await nodeOf(h, "p") == expected)
    }

    @Test func matchFieldsPinsToANodeByName() async throws {
        let h = try await WorkloadHarness.make()
        for n in ["n1", "n2", "n3"] { await node(h, n) }
        await pod(h, "p", spec: affinity("[]", fields: #"[{"key":"metadata.name","operator":"In","values":["n2"]}]"#))
        await h.settle()
        #expect(await nodeOf(h, "p") == "n2")
    }

    @Test func unschedulableMessageCountsEachReason() async throws {
        let h = try await WorkloadHarness.make()
        await node(h, "n1", labels: #"{"zone":"a"}"#)
        await node(h, "n2", cpu: "500m", labels: #"{"zone":"b"}"#)
        await node(h, "n3", cpu: "500m", labels: #"{"zone":"b"}"#)
        await pod(h, "big", cpu: "800m", spec: affinity(#"[{"key":"zone","operator":"In","values":["b"]}]"#))
        await h.settle()
        let p = await h.get("/api/v1/namespaces/default/pods/big")
        #expect(p[path: "spec.nodeName"] == nil)
        #expect(p.conditionStatus("PodScheduled") == "False" && p.conditionReason("PodScheduled") == "Unschedulable")
        let message = (p[path: "status.conditions"]?.listValue ?? []).first { $0["type"] == "PodScheduled" }?["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu."), "\(message)")
        let events = await h.items("/api/v1/namespaces/default/events").filter { $0["reason"]?.stringValue == "FailedScheduling" }
        #expect(events.count == 1 && events.first?[path: "involvedObject.name"]?.stringValue == "big" && events.first?["type"]?.stringValue == "Warning")
    }

    @Test func cordonedNodeKeepsAPlainPodPendingUntilUncordoned() async throws {
        let h = try await WorkloadHarness.make()
        await node(h, "n1")
        // `kubectl cordon n1`, with the taint Kubernetes' node lifecycle controller adds for it.
        #expect(await h.mergePatch("/api/v1/nodes/n1", #"""
            {"spec":{"unschedulable":true,"taints":[{"key":"node.kubernetes.io/unschedulable","effect":"NoSchedule"}]}}
            """#).code == 200)
        await pod(h, "p")
        await h.settle()
        let p = await h.get("/api/v1/namespaces/default/pods/p")
        #expect(p[path: "spec.nodeName"] == nil)
        #expect(p[path: "status.phase"] == "Pending")
        #expect(p.conditionStatus("PodScheduled") == "False" && p.conditionReason("PodScheduled") == "Unschedulable")
        // kube-scheduler's wording: the NodeUnschedulable filter's reason, then the preemption verdict.
        let expected = "0/1 nodes are available: 1 node(s) were unschedulable. "
            + "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
        let condition = (p[path: "status.conditions"]?.listValue ?? []).first { $0["type"] == "PodScheduled" }
        #expect(condition?["message"]?.stringValue == expected)
        let failed = await h.items("/api/v1/namespaces/default/events").filter { $0["reason"] == "FailedScheduling" }
        #expect(failed.count == 1, "\(failed)")
        #expect(failed.first?["type"] == "Warning" && failed.first?["message"]?.stringValue == expected)
        #expect(failed.first?[path: "involvedObject.name"] == "p" && failed.first?[path: "source.component"] == "default-scheduler")

        // `kubectl uncordon n1` (the controller lifts the taint with it): the pod binds.
        #expect(await h.mergePatch("/api/v1/nodes/n1", #"{"spec":{"unschedulable":null,"taints":null}}"#).code == 200)
        await h.settle()
        let bound = await h.get("/api/v1/namespaces/default/pods/p")
        #expect(bound[path: "spec.nodeName"] == "n1")
        #expect(bound.conditionStatus("PodScheduled") == "True")
        let scheduled = await h.items("/api/v1/namespaces/default/events").filter { $0["reason"] == "Scheduled" }
        #expect(scheduled.map { $0["message"]?.stringValue } == ["Successfully assigned default/p to n1"])
    }

    @Test func requiredAntiAffinityOnHostnameKeepsReplicasApart() async throws {
        let h = try await WorkloadHarness.make()
        await node(h, "n1", labels: #"{"kubernetes.io/hostname":"n1"}"#)
        await node(h, "n2", labels: #"{"kubernetes.io/hostname":"n2"}"#)
        let anti = #"""
            "affinity":{"podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[
              {"labelSelector":{"matchLabels":{"app":"db"}},"topologyKey":"kubernetes.io/hostname"}]}},
            """#
        for name in ["db-0", "db-1", "db-2"] {
            await pod(h, name, labels: #"{"app":"db"}"#, spec: anti)
            await h.settle()
        }
        let placed = [await nodeOf(h, "db-0"), await nodeOf(h, "db-1")].compactMap { $0 }.sorted()
        #expect(placed == ["n1", "n2"])
        #expect(await nodeOf(h, "db-2") == nil)
        let p = await h.get("/api/v1/namespaces/default/pods/db-2")
        let message = (p[path: "status.conditions"]?.listValue ?? []).first { $0["type"] == "PodScheduled" }?["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules."), "\(message)")
        // An unrelated pod is not affected; a pod the existing pods' terms select is (symmetry).
        await pod(h, "web", labels: #"{"app":"web"}"#)
        await pod(h, "plain-db", labels: #"{"app":"db"}"#)
        await h.settle()
        #expect(await nodeOf(h, "web") != nil)
        #expect(await nodeOf(h, "plain-db") == nil)
    }

    @Test func podsWithoutRequestsSpreadAcrossNodes() async throws {
        let h = try await WorkloadHarness.make()
        for n in ["n1", "n2", "n3"] { await node(h, n) }
        for i in 0..<6 { await pod(h, "p\(i)") }
        await h.settle()
        var count: [String: Int] = [:]
        for i in 0..<6 { if let n = await nodeOf(h, "p\(i)") { count[n, default: 0] += 1 } }
        #expect(count == ["n1": 2, "n2": 2, "n3": 2])
    }
}
