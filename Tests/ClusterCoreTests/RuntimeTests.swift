import Foundation
import StructuredData
import Testing
@testable import ClusterCore

@Suite("runc runtime", .serialized)
struct RuntimeTests {
    @Test("a busybox container's exit code and output are captured", arguments: [
        ("echo hello from busybox; exit 0", Int32(0), "hello from busybox"),
        ("echo oops >&2; exit 3", Int32(3), "oops"),
    ])
    func exitCodeAndLog(script: String, code: Int32, output: String) async throws {
        try await RuntimeFixture.with { f in
            let id = "rt-exit-\(code)"
            try await f.runtime.create(ContainerConfig(id: id, image: "busybox", args: ["sh", "-c", script], hostname: "exit-test"))
            #expect(await f.runtime.status(id) == .created)
            try await f.runtime.start(id)
            let exit = await f.runtime.wait(id, timeout: 30)
            #expect(exit == code, "log: \(f.log(id))")
            #expect(f.log(id).contains(output))
            #expect(await f.runtime.status(id) == .exited(code: code))
        }
    }

    @Test("a long-running container stops on SIGTERM")
    func sigterm() async throws {
        try await RuntimeFixture.with { f in
            let id = "rt-term"
            let script = "trap 'echo got TERM; exit 7' TERM; echo ready; while :; do sleep 0.1; done"
            try await f.runtime.create(ContainerConfig(id: id, image: "docker.io/library/busybox:1.36", args: ["sh", "-c", script], hostname: "term"))
            try await f.runtime.start(id)
            #expect(await eventually { f.log(id).contains("ready") }, "log: \(f.log(id))")
            guard case .running(let pid) = await f.runtime.status(id) else {
                Issue.record("not running: \(await f.runtime.status(id)); log: \(f.log(id))")
                return
            }
            #expect(pid > 0)
            #expect(try await f.runtime.list().contains(id))
            try await f.runtime.kill(id, signal: SIGTERM)
            #expect(await f.runtime.wait(id, timeout: 30) == 7)
            #expect(f.log(id).contains("got TERM"))
            try await f.runtime.delete(id)
            #expect(!FileManager.default.fileExists(atPath: f.root + "/containers/" + id))
            #expect(try await f.runtime.list().contains(id) == false)
        }
    }

    @Test("the container sees its own hostname, only loopback, and a read-only root when asked")
    func isolation() async throws {
        try await RuntimeFixture.with { f in
            let id = "rt-iso"
            let script = "hostname; ls /sys/class/net; touch /x 2>/dev/null && echo writable || echo read-only; id -u"
            try await f.runtime.create(ContainerConfig(id: id, image: "busybox", args: ["sh", "-c", script], uid: 65534, gid: 65534,
                                                       hostname: "iso-pod", readOnlyRoot: true))
            try await f.runtime.start(id)
            #expect(await f.runtime.wait(id, timeout: 30) == 0)
            let lines = f.log(id).split(separator: "\n").map(String.init)
            #expect(lines == ["iso-pod", "lo", "read-only", "65534"], "log: \(f.log(id))")
        }
    }

    @Test("images other than busybox are refused as pull errors")
    func otherImages() async throws {
        try await RuntimeFixture.with { f in
            await #expect(throws: RuntimeError.self) { try await f.runtime.image("nginx:1.27") }
            await #expect(throws: RuntimeError.self) {
                try await f.runtime.create(ContainerConfig(id: "rt-nginx", image: "nginx", args: ["nginx"], hostname: "x"))
            }
        }
    }

    @Test("invalid container ids are refused", arguments: ["../escape", "", ".hidden", "a/b", "x y"])
    func invalidIDs(id: String) async throws {
        let runtime = RuncRuntime(root: "/nonexistent-helmctl-test")
        await #expect(throws: RuntimeError.self) {
            try await runtime.create(ContainerConfig(id: id, image: "busybox", args: ["true"], hostname: "x"))
        }
        await #expect(throws: RuntimeError.self) { try await runtime.start(id) }
        await #expect(throws: RuntimeError.self) { try await runtime.delete(id) }
    }

    @Test("image names", arguments: [
        ("busybox", "busybox"), ("busybox:1.36", "busybox"), ("docker.io/library/busybox:latest", "busybox"),
        ("registry.example:5000/tools/busybox@sha256:abc", "busybox"), ("nginx", "nginx"), ("busyboxx", "busyboxx"),
    ])
    func imageNames(reference: String, name: String) {
        #expect(ImageStore.name(of: reference) == name)
    }

    @Test("the OCI config isolates the container")
    func ociConfig() {
        let c = ContainerConfig(id: "abc", image: "busybox", args: ["sh", "-c", "true"], env: ["A=1"], workingDir: "/tmp",
                                uid: 1000, gid: 2000, hostname: "pod-a", readOnlyRoot: true)
        let v = OCIBundle.config(c, rootfs: "/r")
        #expect(v["hostname"] == "pod-a")
        #expect(v["root"]?["readonly"] == .bool(true))
        #expect(v["process"]?["noNewPrivileges"] == .bool(true))
        #expect(v["process"]?["terminal"] == .bool(false))
        #expect(v["process"]?["user"]?["uid"] == .int(1000))
        #expect(v["process"]?["user"]?["gid"] == .int(2000))
        #expect(v["process"]?["cwd"] == "/tmp")
        #expect(v["process"]?["env"] == ["A=1"])
        let namespaces = Set((v["linux"]?["namespaces"]?.listValue ?? []).compactMap { $0["type"]?.stringValue })
        #expect(namespaces == ["pid", "ipc", "uts", "mount", "network"])
        // No network namespace path: a fresh one with only loopback, never the host's.
        #expect((v["linux"]?["namespaces"]?.listValue ?? []).allSatisfy { $0["path"] == nil })
        let mounts = Set((v["mounts"]?.listValue ?? []).compactMap { $0["destination"]?.stringValue })
        #expect(mounts.isSuperset(of: ["/proc", "/dev", "/sys"]))
    }
}
