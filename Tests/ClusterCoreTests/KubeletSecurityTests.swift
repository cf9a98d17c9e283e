import Foundation
import NIOHTTP1
import StructuredData
import Testing
@testable import ClusterCore

/// Kubernetes' resource arithmetic and capability sets (pure).
@Suite("cgroup resources and capabilities")
struct CgroupResourcesTests {
    @Test("cpu.shares, CFS quota and cpu.weight as Kubernetes computes them", arguments: [
        // (milliCPU, shares, quota, weight)
        (Int64(0), UInt64(2), Int64(0), UInt64(1)),
        (Int64(1), UInt64(2), Int64(1000), UInt64(1)),
        (Int64(250), UInt64(256), Int64(25000), UInt64(10)),
        (Int64(1000), UInt64(1024), Int64(100_000), UInt64(39)),
        (Int64(2500), UInt64(2560), Int64(250_000), UInt64(98)),
        (Int64(1_000_000), UInt64(262_144), Int64(100_000_000), UInt64(10000)),
    ])
    func cpu(milli: Int64, shares: UInt64, quota: Int64, weight: UInt64) {
        #expect(CgroupResources.shares(milliCPU: milli) == shares)
        #expect(CgroupResources.quota(milliCPU: milli) == quota)
        #expect(CgroupResources.weight(shares: shares) == weight)
    }

    @Test("container resources: a CPU limit alone also requests it; memory limit in bytes; pids bounded")
    func fromSpec() throws {
        let limitOnly = try JSON.decode(#"{"resources":{"limits":{"cpu":"500m","memory":"64Mi"}}}"#)
        let r = CgroupResources.resources(container: limitOnly)
        #expect(r.memoryLimitBytes == Int64(67_108_864))
        #expect(r.cpuQuota == 50000 && r.cpuPeriod == 100_000)
        #expect(r.cpuShares == 512)
        #expect(r.pidsLimit == CgroupResources.defaultPidsLimit)
        let none = CgroupResources.resources(container: .map([:]))
        #expect(none.memoryLimitBytes == nil && none.cpuQuota == nil && none.cpuShares == 2)
        let v1 = CgroupResources.oci(r, devices: .list([]), unified: false)
        #expect(v1[path: "memory.limit"] == .int(67_108_864))
        #expect(v1[path: "cpu.shares"] == .int(512) && v1[path: "cpu.quota"] == .int(50000) && v1[path: "cpu.period"] == .int(100_000))
        #expect(v1[path: "pids.limit"] == .int(4096))
        let v2 = CgroupResources.oci(r, devices: .list([]), unified: true)
        #expect(v2[path: "cpu.shares"] == nil)
        #expect(v2["unified"]?["cpu.weight"] == "20")
    }

    @Test("capabilities add/drop as containerd applies them", arguments: [
        // (add, drop, present, absent, count)
        ([String](), ["CHOWN"], ["CAP_KILL", "CAP_NET_RAW"], ["CAP_CHOWN", "CAP_NET_ADMIN"], 13),
        (["net_admin"], [], ["CAP_NET_ADMIN", "CAP_CHOWN"], ["CAP_SYS_ADMIN"], 15),
        // ALL = what this process may hand on (its bounding set), less CHOWN.
        (["ALL"], ["cap_chown"], ["CAP_SYS_ADMIN", "CAP_BPF"], ["CAP_CHOWN"], ContainerPrivileges.currentCapabilities.count - 1),
        (["KILL", "NO_SUCH_CAP"], ["ALL"], ["CAP_KILL"], ["CAP_CHOWN"], 1),
    ])
    func capabilities(add: [String], drop: [String], present: [String], absent: [String], count: Int) {
        let caps = ContainerPrivileges.capabilities(add: add, drop: drop)
        for cap in present { #expect(caps.contains(cap), "\(cap) in \(caps)") }
        for cap in absent { #expect(!caps.contains(cap), "\(cap) in \(caps)") }
        #expect(caps.count == count)
    }
}

/// Resources → cgroup limits, OOM kills and securityContext on real busybox pods (root + runc).
@Suite("kubelet security and resources", .serialized)
struct KubeletSecurityTests {
    static func pod(_ name: String, script: String, container: String = "", podExtra: String = "", restartPolicy: String = "Always") -> String {
        """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)"},"spec":{"restartPolicy":"\(restartPolicy)",\
        "terminationGracePeriodSeconds":1\(podExtra),"containers":[{"name":"main","image":"busybox",\
        "command":["sh","-c",\(JSON.encode(.string(script)))]\(container)}]}}
        """
    }

    func log(_ f: KubeletFixture, _ name: String, contains: String) async -> String {
        var text = ""
        _ = await eventually {
            text = await f.api.call(.GET, "/api/v1/namespaces/default/pods/\(name)/log").text
            return text.contains(contains)
        }
        return text
    }

    @Test("limits.memory, limits.cpu and requests.cpu reach the container's cgroup (seen inside at /sys/fs/cgroup); qosClass Burstable")
    func limits() async throws {
        try await KubeletFixture.with { f in
            let script = """
                cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes
                cat /sys/fs/cgroup/cpu.max 2>/dev/null || echo "$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"
                cat /sys/fs/cgroup/cpu.weight 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.shares
                cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max
                echo done; sleep 3600
                """
            await f.createBoundPod(Self.pod("limited", script: script, container: """
                ,"resources":{"requests":{"cpu":"250m","memory":"32Mi"},"limits":{"cpu":"500m","memory":"64Mi"}}
                """), name: "limited")
            let text = await log(f, "limited", contains: "done")
            let cpuRequest = CgroupResources.unified ? "10" : "256"
            #expect(text == "67108864\n50000 100000\n\(cpuRequest)\n4096\ndone\n", "\(text)")
            #expect(await f.pod("limited").body[path: "status.qosClass"] == "Burstable")
        }
    }

    @Test("a container over its memory limit is OOM-killed: terminated OOMKilled 137; Always restarts it (lastState), Never fails the pod",
          arguments: ["Always", "Never"])
    func oomKilled(restartPolicy: String) async throws {
        try await KubeletFixture.with { f in
            // `tail` keeps a whole newline-free stream in memory.
            await f.createBoundPod(Self.pod("hog", script: "sleep 1; exec tail /dev/zero", container: """
                ,"resources":{"limits":{"memory":"16Mi"}}
                """, restartPolicy: restartPolicy), name: "hog")
            let always = restartPolicy == "Always"
            let ended = await f.podUntil("hog") { p in
                always ? (p[path: "status.containerStatuses.0.restartCount"]?.intValue ?? 0) >= 1 : p[path: "status.phase"] == "Failed"
            }
            let status = await f.pod("hog").body[path: "status.containerStatuses.0"] ?? .null
            #expect(ended, "\(JSON.encode(status))")
            let terminated = status[path: always ? "lastState.terminated" : "state.terminated"]
            #expect(terminated?["reason"] == "OOMKilled", "\(JSON.encode(status))")
            #expect(terminated?["exitCode"] == .int(137))
        }
    }

    @Test("runAsUser (container over pod), runAsGroup, supplementalGroups and fsGroup: id inside, emptyDir group-owned")
    func users() async throws {
        try await KubeletFixture.with { f in
            let script = "id -u; id -g; id -G; stat -c %g /data; touch /data/f && stat -c %g /data/f; echo done; sleep 3600"
            await f.createBoundPod(Self.pod("ids", script: script, container: """
                ,"securityContext":{"runAsUser":1001},"volumeMounts":[{"name":"data","mountPath":"/data"}]
                """, podExtra: """
                ,"securityContext":{"runAsUser":1000,"runAsGroup":3000,"supplementalGroups":[4000],"fsGroup":2000},\
                "volumes":[{"name":"data","emptyDir":{}}]
                """), name: "ids")
            let text = await log(f, "ids", contains: "done")
            #expect(text == "1001\n3000\n3000 2000 4000\n2000\n2000\ndone\n", "\(text)")
        }
    }

    @Test("readOnlyRootFilesystem refuses writes to /; a dropped CHOWN makes chown fail; allowPrivilegeEscalation false sets NoNewPrivs; privileged has every capability")
    func privileges() async throws {
        try await KubeletFixture.with { f in
            let script = """
                touch /rootfile 2>/dev/null && echo root-writable || echo root-readonly
                touch /tmp/c; chown 1:1 /tmp/c 2>/dev/null && echo chown-ok || echo chown-refused
                grep -E 'NoNewPrivs|CapEff' /proc/self/status | tr -d '\\t '
                echo done; sleep 3600
                """
            await f.createBoundPod(Self.pod("locked", script: script, container: """
                ,"securityContext":{"readOnlyRootFilesystem":true,"allowPrivilegeEscalation":false,"capabilities":{"drop":["CHOWN"]}}
                """), name: "locked")
            await f.createBoundPod(Self.pod("open", script: script), name: "open")
            await f.createBoundPod(Self.pod("priv", script: script, container: #","securityContext":{"privileged":true}"#), name: "priv")
            // CapEff: containerd's default set is 0xa80425fb; without CHOWN (bit 0) 0xa80425fa; privileged: all the kernel and this process have.
            let locked = await log(f, "locked", contains: "done")
            #expect(locked == "root-readonly\nchown-refused\nCapEff:00000000a80425fa\nNoNewPrivs:1\ndone\n", "\(locked)")
            let open = await log(f, "open", contains: "done")
            #expect(open == "root-writable\nchown-ok\nCapEff:00000000a80425fb\nNoNewPrivs:0\ndone\n", "\(open)")
            let priv = await log(f, "priv", contains: "done")
            // Privileged gets what this process may hand on (its own bounding set).
            let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
            let bounding = status.split(separator: "\n").first { $0.hasPrefix("CapBnd:") }?.dropFirst(7).trimmingCharacters(in: .whitespaces) ?? "?"
            #expect(priv == "root-writable\nchown-ok\nCapEff:\(bounding)\nNoNewPrivs:0\ndone\n", "\(priv)")
        }
    }

    @Test("runAsNonRoot with a root image and no runAsUser: CreateContainerConfigError with Kubernetes' message")
    func runAsNonRoot() async throws {
        try await KubeletFixture.with { f in
            await f.createBoundPod(Self.pod("nonroot", script: "sleep 3600", podExtra: #","securityContext":{"runAsNonRoot":true}"#), name: "nonroot")
            let refused = await f.podUntil("nonroot") {
                $0[path: "status.containerStatuses.0.state.waiting.reason"] == "CreateContainerConfigError"
            }
            let pod = await f.pod("nonroot").body
            #expect(refused, "\(JSON.encode(pod["status"] ?? .null))")
            let uid = pod[path: "metadata.uid"]?.stringValue ?? ""
            #expect(pod[path: "status.containerStatuses.0.state.waiting.message"]?.stringValue
                == "container has runAsNonRoot and image will run as root (pod: \"nonroot_default(\(uid))\", container: main)")
            // With a non-root runAsUser the same pod runs.
            await f.createBoundPod(Self.pod("nonroot2", script: "id -u; sleep 3600", container: #","securityContext":{"runAsUser":1234}"#,
                                            podExtra: #","securityContext":{"runAsNonRoot":true}"#), name: "nonroot2")
            #expect(await log(f, "nonroot2", contains: "1234") == "1234\n")
        }
    }
}
