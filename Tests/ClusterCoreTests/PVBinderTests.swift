import ClusterStore
import Foundation
import NIOHTTP1
import StructuredData
import Testing
@testable import ClusterCore

/// The PV/PVC binder and the local-path provisioner over an in-memory store, driven pass by pass.
struct BinderHarness {
    let api: TestAPI
    let volumes: String

    static func with(_ body: (BinderHarness) async throws -> Void) async throws {
        let volumes = NSTemporaryDirectory() + "helmctl-pv-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: volumes, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: volumes) }
        try await body(BinderHarness(api: try await VolumeFixture.api(volumes: volumes, clock: StepClock()), volumes: volumes))
    }

    /// Controller passes until the store stops changing (the workload harness's loop).
    @discardableResult
    func settle() async -> Int { await WorkloadHarness(api: api, clock: StepClock()).settle() }

    func create(_ path: String, _ json: String) async {
        let reply = await api.call(.POST, path, json: json)
        #expect(reply.code == 201, "\(reply.text)")
    }

    func claim(_ name: String, size: String = "1Gi", modes: String = #"["ReadWriteOnce"]"#, cls: String? = nil, extra: String = "") async {
        let c = cls.map { #","storageClassName":"\#($0)""# } ?? ""
        await create("/api/v1/namespaces/default/persistentvolumeclaims", """
            {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"\(name)"},
             "spec":{"accessModes":\(modes),"resources":{"requests":{"storage":"\(size)"}}\(c)\(extra)}}
            """)
    }

    func volume(_ name: String, size: String, cls: String = "manual", modes: String = #"["ReadWriteOnce"]"#, policy: String = "Retain",
                extra: String = "") async
    {
        await create("/api/v1/persistentvolumes", """
            {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"\(name)","labels":{"size":"\(size)"}},
             "spec":{"capacity":{"storage":"\(size)"},"accessModes":\(modes),"storageClassName":"\(cls)",
             "persistentVolumeReclaimPolicy":"\(policy)","hostPath":{"path":"/tmp/\(name)"}\(extra)}}
            """)
    }

    func getClaim(_ name: String) async -> Value { await api.call(.GET, "/api/v1/namespaces/default/persistentvolumeclaims/\(name)").body }
    func getVolume(_ name: String) async -> Value { await api.call(.GET, "/api/v1/persistentvolumes/\(name)").body }

    func pod(_ name: String, claim: String, node: String?) async {
        let n = node.map { #","nodeName":"\#($0)""# } ?? ""
        await create("/api/v1/namespaces/default/pods", """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)"},"spec":{"containers":[{"name":"c","image":"busybox"}]\(n),
             "volumes":[{"name":"d","persistentVolumeClaim":{"claimName":"\(claim)"}}]}}
            """)
    }
}

@Suite("PV/PVC binder")
struct PVBinderTests {
    @Test("the default StorageClass local-path exists from the start and claims without a class get it")
    func defaultClass() async throws {
        try await BinderHarness.with { h in
            let sc = await h.api.call(.GET, "/apis/storage.k8s.io/v1/storageclasses/local-path").body
            #expect(sc["provisioner"] == "helmctl.io/local-path")
            #expect(sc[path: "metadata.annotations"]?["storageclass.kubernetes.io/is-default-class"] == "true")
            #expect(sc["reclaimPolicy"] == "Delete")
            await h.claim("c")
            #expect(await h.getClaim("c")[path: "spec.storageClassName"] == "local-path")
        }
    }

    @Test("Immediate class: provisions a hostPath volume under the data directory and binds both sides")
    func immediate() async throws {
        try await BinderHarness.with { h in
            await h.create("/apis/storage.k8s.io/v1/storageclasses", """
                {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"now"},"provisioner":"helmctl.io/local-path",
                 "volumeBindingMode":"Immediate","reclaimPolicy":"Retain"}
                """)
            await h.claim("c", size: "2Gi", cls: "now")
            await h.settle()
            let claim = await h.getClaim("c")
            let uid = claim[path: "metadata.uid"]?.stringValue ?? ""
            #expect(claim[path: "status.phase"] == "Bound")
            #expect(claim[path: "spec.volumeName"] == .string("pvc-" + uid))
            #expect(claim[path: "metadata.annotations"]?["pv.kubernetes.io/bind-completed"] == "yes")
            #expect(claim[path: "status.capacity.storage"] == "2Gi")
            #expect(claim[path: "metadata.finalizers"] == ["kubernetes.io/pvc-protection"])
            let pv = await h.getVolume("pvc-" + uid)
            #expect(pv[path: "status.phase"] == "Bound")
            #expect(pv[path: "spec.claimRef.uid"] == .string(uid))
            #expect(pv[path: "spec.claimRef.name"] == "c")
            #expect(pv[path: "spec.persistentVolumeReclaimPolicy"] == "Retain")
            #expect(pv[path: "spec.hostPath.path"] == .string(h.volumes + "/pvc-" + uid))
            #expect(FileManager.default.fileExists(atPath: h.volumes + "/pvc-" + uid))
            let events = await h.api.call(.GET, "/api/v1/namespaces/default/events").body["items"]?.listValue ?? []
            #expect(events.contains { $0["reason"] == "ProvisioningSucceeded" })
            // Retain: the claim goes, the volume is Released and its data stays.
            _ = await h.api.call(.DELETE, "/api/v1/namespaces/default/persistentvolumeclaims/c")
            await h.settle()
            #expect(await h.getClaim("c")["code"] == .int(404))
            #expect(await h.getVolume("pvc-" + uid)[path: "status.phase"] == "Released")
            #expect(FileManager.default.fileExists(atPath: h.volumes + "/pvc-" + uid))
        }
    }

    @Test("WaitForFirstConsumer: Pending until a pod using the claim is scheduled; Delete reclaim removes volume and directory")
    func waitForFirstConsumer() async throws {
        try await BinderHarness.with { h in
            await h.claim("data")
            await h.pod("unscheduled", claim: "data", node: nil)
            await h.settle()
            #expect(await h.getClaim("data")[path: "status.phase"] == "Pending")
            let events = await h.api.call(.GET, "/api/v1/namespaces/default/events").body["items"]?.listValue ?? []
            #expect(events.filter { $0["reason"] == "WaitForFirstConsumer" }.count == 1)
            #expect((await h.api.call(.GET, "/api/v1/persistentvolumes").body["items"]?.listValue ?? []).isEmpty)
            await h.pod("scheduled", claim: "data", node: "helmctl-node-1")
            await h.settle()
            let claim = await h.getClaim("data")
            #expect(claim[path: "status.phase"] == "Bound")
            let pvName = claim[path: "spec.volumeName"]?.stringValue ?? ""
            let dir = h.volumes + "/" + pvName
            #expect(FileManager.default.fileExists(atPath: dir))
            // pvc-protection holds the claim while pods use it.
            _ = await h.api.call(.DELETE, "/api/v1/namespaces/default/persistentvolumeclaims/data")
            await h.settle()
            #expect(await h.getClaim("data")[path: "metadata.deletionTimestamp"] != nil)
            _ = await h.api.call(.DELETE, "/api/v1/namespaces/default/pods/scheduled?gracePeriodSeconds=0")
            _ = await h.api.call(.DELETE, "/api/v1/namespaces/default/pods/unscheduled?gracePeriodSeconds=0")
            await h.settle()
            #expect(await h.getClaim("data")["code"] == .int(404))
            #expect(await h.api.call(.GET, "/api/v1/persistentvolumes/\(pvName)").code == 404)
            #expect(!FileManager.default.fileExists(atPath: dir))
        }
    }

    @Test("the selected-node annotation on the claim also lets a WaitForFirstConsumer claim bind")
    func selectedNode() async throws {
        try await BinderHarness.with { h in
            await h.claim("sel", extra: "")
            _ = await h.api.call(.PATCH, "/api/v1/namespaces/default/persistentvolumeclaims/sel",
                                 json: #"{"metadata":{"annotations":{"volume.kubernetes.io/selected-node":"helmctl-node-1"}}}"#,
                                 contentType: "application/merge-patch+json")
            await h.settle()
            #expect(await h.getClaim("sel")[path: "status.phase"] == "Bound")
        }
    }

    @Test("static volumes: the smallest that fits class, size and access modes; none fits → Pending")
    func staticMatch() async throws {
        try await BinderHarness.with { h in
            await h.volume("small", size: "1Gi")
            await h.volume("mid", size: "5Gi")
            await h.volume("big", size: "10Gi")
            await h.volume("rwx", size: "5Gi", modes: #"["ReadWriteMany"]"#)
            await h.volume("other", size: "5Gi", cls: "other")
            await h.claim("c", size: "3Gi", cls: "manual")
            await h.claim("many", size: "3Gi", modes: #"["ReadWriteMany"]"#, cls: "manual")
            await h.claim("huge", size: "50Gi", cls: "manual")
            await h.claim("picky", size: "1Gi", cls: "manual", extra: #","selector":{"matchLabels":{"size":"10Gi"}}"#)
            await h.settle()
            #expect(await h.getClaim("c")[path: "spec.volumeName"] == "mid")
            #expect(await h.getClaim("many")[path: "spec.volumeName"] == "rwx")
            #expect(await h.getClaim("picky")[path: "spec.volumeName"] == "big")
            let huge = await h.getClaim("huge")
            #expect(huge[path: "status.phase"] == "Pending")
            #expect(huge[path: "spec.volumeName"] == nil)
            let mid = await h.getVolume("mid")
            #expect(mid[path: "status.phase"] == "Bound")
            #expect(mid[path: "metadata.annotations"]?["pv.kubernetes.io/bound-by-controller"] == "yes")
            #expect(await h.getVolume("small")[path: "status.phase"] == "Available")
            #expect(await h.getClaim("c")[path: "metadata.annotations"]?["pv.kubernetes.io/bound-by-controller"] == "yes")
        }
    }

    @Test("pre-bound: a volume's claimRef and a claim's volumeName are honoured")
    func preBound() async throws {
        try await BinderHarness.with { h in
            await h.volume("reserved", size: "1Gi", extra: #","claimRef":{"namespace":"default","name":"mine"}"#)
            await h.volume("named", size: "1Gi")
            await h.claim("first", cls: "manual")
            await h.claim("mine", cls: "manual")
            await h.claim("wants", cls: "manual", extra: #","volumeName":"named""#)
            await h.settle()
            #expect(await h.getClaim("mine")[path: "spec.volumeName"] == "reserved")
            #expect(await h.getClaim("wants")[path: "status.phase"] == "Bound")
            #expect(await h.getVolume("named")[path: "spec.claimRef.name"] == "wants")
            #expect(await h.getClaim("first")[path: "status.phase"] == "Pending")
        }
    }

    @Test("provisioned directories are removed only directly inside the volumes directory")
    func directoryGuard() {
        func pv(_ path: String) -> Value { .map(["spec": .map(["hostPath": .map(["path": .string(path)])])]) }
        #expect(PersistentVolumeBinder.provisionedDirectory(pv("/d/volumes/pvc-1"), volumesRoot: "/d/volumes") == "/d/volumes/pvc-1")
        #expect(PersistentVolumeBinder.provisionedDirectory(pv("/d/volumes/pvc-1/../../etc"), volumesRoot: "/d/volumes") == nil)
        #expect(PersistentVolumeBinder.provisionedDirectory(pv("/etc"), volumesRoot: "/d/volumes") == nil)
        #expect(PersistentVolumeBinder.provisionedDirectory(pv("/d/volumes/pvc-1"), volumesRoot: nil) == nil)
    }
}
