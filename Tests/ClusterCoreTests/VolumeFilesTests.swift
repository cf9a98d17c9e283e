import Foundation
import NIOHTTP1
import StructuredData
import Testing
@testable import ClusterCore

/// The kubelet's volume logic without containers: file sets, hostile names and paths, the atomic
/// `..data` layout, subPath containment and hostPath types.
@Suite("volume files")
struct VolumeFilesTests {
    static func value(_ json: String) -> Value { (try? JSON.decodeKeepingIntegers(Array(json.utf8))) ?? .null }

    static let pod = value(#"""
        {"metadata":{"name":"p","namespace":"ns","uid":"u-1","labels":{"b":"2","a":"1"},"annotations":{"note":"say \"hi\"\n"}},
         "spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"1500m","memory":"100Mi"},"requests":{"memory":"10Mi"}}}]}}
        """#)

    func objects() -> ReferencedObjects {
        var o = ReferencedObjects()
        o.configMaps["cm"] = Self.value(#"{"data":{"a":"1","b.txt":"two"},"binaryData":{"bin":"AAE="}}"#)
        o.secrets["s"] = Self.value(#"{"data":{"k":"dmFsdWU="}}"#)
        o.configMaps["evil"] = Self.value(#"{"data":{"..data":"x"}}"#)
        o.configMaps["gone"] = .some(nil)
        return o
    }

    func files(_ volume: String) throws -> [VolumeFile] {
        try PodVolumes.files(Self.value(volume), pod: Self.pod, objects: objects(), node: NodeCapacity(cpuMilli: 4000, memoryBytes: 1 << 30, ephemeralBytes: 0))
    }

    @Test("configMap: every key (data and binaryData) with the default mode, or the listed items with their modes")
    func configMapFiles() throws {
        let all = try files(#"{"configMap":{"name":"cm"}}"#)
        #expect(all.map(\.path) == ["a", "b.txt", "bin"])
        #expect(all.allSatisfy { $0.mode == 0o644 })
        #expect(all.last?.bytes == [0, 1])
        let items = try files(#"{"configMap":{"name":"cm","defaultMode":256,"items":[{"key":"a","path":"dir/x"},{"key":"b.txt","path":"y","mode":511}]}}"#)
        #expect(items == [VolumeFile(path: "dir/x", bytes: Array("1".utf8), mode: 0o400), VolumeFile(path: "y", bytes: Array("two".utf8), mode: 0o777)])
        #expect(try files(#"{"secret":{"secretName":"s"}}"#) == [VolumeFile(path: "k", bytes: Array("value".utf8), mode: 0o644)])
    }

    @Test("missing objects and keys: Kubernetes' messages, nothing when optional", arguments: [
        (#"{"configMap":{"name":"gone"}}"#, #"configmap "gone" not found"#),
        (#"{"configMap":{"name":"never"}}"#, #"configmap "never" not found"#),
        (#"{"secret":{"secretName":"nope"}}"#, #"secret "nope" not found"#),
        (#"{"configMap":{"name":"cm","items":[{"key":"zz","path":"z"}]}}"#, "configmap references non-existent config key: zz"),
        (#"{"secret":{"secretName":"s","items":[{"key":"zz","path":"z"}]}}"#, "references non-existent secret key: zz"),
    ])
    func missing(volume: String, message: String) {
        #expect(throws: VolumeError.self) { try files(volume) }
        do { _ = try files(volume) } catch let e as VolumeError { #expect(e.description == message) } catch {}
        let optional = volume.replacingOccurrences(of: #""name":"#, with: #""optional":true,"name":"#)
            .replacingOccurrences(of: #""secretName":"#, with: #""optional":true,"secretName":"#)
        #expect((try? files(optional)) == [])
    }

    @Test("hostile keys and item paths are refused", arguments: [
        #"{"configMap":{"name":"evil"}}"#,
        #"{"configMap":{"name":"cm","items":[{"key":"a","path":"/etc/passwd"}]}}"#,
        #"{"configMap":{"name":"cm","items":[{"key":"a","path":"../../escape"}]}}"#,
        #"{"configMap":{"name":"cm","items":[{"key":"a","path":"ok/../../escape"}]}}"#,
        #"{"configMap":{"name":"cm","items":[{"key":"a","path":"..data/x"}]}}"#,
        #"{"configMap":{"name":"cm","items":[{"key":"a","path":""}]}}"#,
        #"{"configMap":{"name":"cm","defaultMode":4096}}"#,
        #"{"configMap":{"name":"cm","items":[{"key":"a","path":"x","mode":-1}]}}"#,
        #"{"downwardAPI":{"items":[{"path":"/abs","fieldRef":{"fieldPath":"metadata.name"}}]}}"#,
        #"{"downwardAPI":{"items":[{"path":"x","fieldRef":{"fieldPath":"spec.nodeName"}}]}}"#,
        #"{"projected":{"sources":[{"serviceAccountToken":{"path":"../token"}}]}}"#,
    ])
    func hostile(volume: String) {
        #expect(throws: VolumeError.self) { try files(volume) }
    }

    @Test("volume and object names that cannot be path components are refused", arguments: ["", "..", "a/b", "UPPER", "-x", String(repeating: "a", count: 64)])
    func badVolumeNames(name: String) {
        #expect(throws: VolumeError.self) { try PodVolumes.checkVolumeName(name) }
        #expect(!PodVolumes.isObjectName(name) || name == String(repeating: "a", count: 64))
    }

    @Test("downwardAPI: labels and annotations as sorted key=\"value\" lines, fields, resources with divisors and node fallback")
    func downward() throws {
        let v = try files(#"""
            {"downwardAPI":{"items":[{"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}},
             {"path":"ann","fieldRef":{"fieldPath":"metadata.annotations"}},{"path":"one","fieldRef":{"fieldPath":"metadata.labels['b']"}},
             {"path":"ns","fieldRef":{"fieldPath":"metadata.namespace"}},
             {"path":"cpu","resourceFieldRef":{"containerName":"c","resource":"limits.cpu"}},
             {"path":"mem","resourceFieldRef":{"containerName":"c","resource":"requests.memory","divisor":"1Mi"}},
             {"path":"reqcpu","resourceFieldRef":{"containerName":"c","resource":"requests.cpu","divisor":"1m"}}]}}
            """#)
        let text = Dictionary(uniqueKeysWithValues: v.map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) })
        #expect(text["labels"] == "a=\"1\"\nb=\"2\"")
        #expect(text["ann"] == #"note="say \"hi\"\n""#)
        #expect(text["one"] == "2")
        #expect(text["ns"] == "ns")
        #expect(text["cpu"] == "2")  // 1500m rounded up to whole cores
        #expect(text["mem"] == "10")
        #expect(text["reqcpu"] == "0")
        let noLimit = Self.value(#"{"spec":{"containers":[{"name":"c"}]}}"#)
        let node = NodeCapacity(cpuMilli: 4000, memoryBytes: 1 << 30, ephemeralBytes: 0)
        #expect(try PodVolumes.resourceValue(Self.value(#"{"resource":"limits.memory","divisor":"1Mi"}"#), pod: noLimit, container: "c", node: node) == "1024")
        #expect(throws: VolumeError.self) { try PodVolumes.resourceValue(Self.value(#"{"resource":"limits.gpu"}"#), pod: noLimit, container: "c", node: node) }
        #expect(throws: VolumeError.self) { try PodVolumes.resourceValue(Self.value(#"{"resource":"limits.cpu","divisor":"0"}"#), pod: noLimit, container: "c", node: node) }
    }

    @Test("env: envFrom with prefix (invalid names skipped), key references, later names win, optional and missing")
    func environment() throws {
        let container = Self.value(#"""
            {"name":"c","envFrom":[{"configMapRef":{"name":"cm"},"prefix":"P_"},{"configMapRef":{"name":"cm"}}],
             "env":[{"name":"a","value":"override $(P_a)"},{"name":"S","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}},
                    {"name":"O","valueFrom":{"secretKeyRef":{"name":"absent","key":"k","optional":true}}}]}
            """#)
        let vars = try ContainerEnvironment.resolve(pod: Self.pod, container: container, hostname: "p", objects: objects())
        #expect(vars.map { "\($0.0)=\($0.1)" } == ["HOSTNAME=p", "P_a=1", "P_b.txt=two", "P_bin=\u{0}\u{1}", "a=override 1", "b.txt=two",
                                                    "bin=\u{0}\u{1}", "S=value"])
        let missing = Self.value(#"{"name":"c","env":[{"name":"X","valueFrom":{"configMapKeyRef":{"name":"cm","key":"nope"}}}]}"#)
        #expect(throws: ContainerConfigError.self) { try ContainerEnvironment.resolve(pod: Self.pod, container: missing, hostname: "p", objects: objects()) }
        do {
            _ = try ContainerEnvironment.resolve(pod: Self.pod, container: missing, hostname: "p", objects: objects())
        } catch {
            #expect(error.description == "couldn't find key nope in ConfigMap ns/cm")
        }
        #expect(!ContainerEnvironment.isVariableName("1abc"))
        #expect(ContainerEnvironment.isVariableName("my.var-1"))
    }

    @Test("atomic writer: ..data swap, top-level links, old generation and stale links removed")
    func atomicWriter() throws {
        let dir = NSTemporaryDirectory() + "helmctl-volfiles-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try VolumeFiles.writeAtomically(dir, files: [VolumeFile(path: "a", bytes: Array("1".utf8), mode: 0o600),
                                                     VolumeFile(path: "d/b", bytes: Array("2".utf8), mode: 0o644)], stamp: "s1")
        let fm = FileManager.default
        #expect(try fm.destinationOfSymbolicLink(atPath: dir + "/..data") == "..s1")
        #expect(try fm.destinationOfSymbolicLink(atPath: dir + "/a") == "..data/a")
        #expect(try String(contentsOfFile: dir + "/d/b", encoding: .utf8) == "2")
        #expect((try fm.attributesOfItem(atPath: dir + "/..s1/a")[.posixPermissions] as? Int) == 0o600)
        try VolumeFiles.writeAtomically(dir, files: [VolumeFile(path: "a", bytes: Array("new".utf8), mode: 0o644)], stamp: "s2")
        #expect(try String(contentsOfFile: dir + "/a", encoding: .utf8) == "new")
        #expect(Set(try fm.contentsOfDirectory(atPath: dir)) == ["..data", "..s2", "a"])
        #expect(throws: VolumeError.self) { try VolumeFiles.writeAtomically(dir, files: [VolumeFile(path: "../x", bytes: [], mode: 0o644)], stamp: "s3") }
    }

    @Test("subPath: created when missing, refused when a planted symlink leads out of the volume")
    func subPath() throws {
        let dir = NSTemporaryDirectory() + "helmctl-subpath-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let made = try VolumeFiles.subPathSource(volume: dir, subPath: "a/b")
        #expect(made.hasSuffix("/a/b"))
        #expect(VolumeFiles.isDirectory(made))
        try FileManager.default.createSymbolicLink(atPath: dir + "/out", withDestinationPath: "/etc")
        #expect(throws: VolumeError.self) { try VolumeFiles.subPathSource(volume: dir, subPath: "out") }
        #expect(throws: VolumeError.self) { try VolumeFiles.subPathSource(volume: dir, subPath: "../x") }
        #expect(throws: VolumeError.self) { try VolumeFiles.subPathSource(volume: dir, subPath: "/etc") }
    }

    @Test("hostPath types")
    func hostPathTypes() throws {
        let dir = NSTemporaryDirectory() + "helmctl-hostpath-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try VolumeFiles.checkHostPath(dir + "/made", type: "DirectoryOrCreate")
        try VolumeFiles.checkHostPath(dir + "/made", type: "Directory")
        try VolumeFiles.checkHostPath(dir + "/file", type: "FileOrCreate")
        try VolumeFiles.checkHostPath(dir + "/file", type: "File")
        #expect(throws: VolumeError.self) { try VolumeFiles.checkHostPath(dir + "/file", type: "Directory") }
        #expect(throws: VolumeError.self) { try VolumeFiles.checkHostPath(dir + "/made", type: "File") }
        #expect(throws: VolumeError.self) { try VolumeFiles.checkHostPath(dir + "/absent", type: "Directory") }
        #expect(throws: VolumeError.self) { try VolumeFiles.checkHostPath(dir + "/made", type: "Socket") }
        #expect(throws: VolumeError.self) { try VolumeFiles.checkHostPath(dir + "/made", type: "Bogus") }
        #expect(throws: VolumeError.self) { try VolumeFiles.checkHostPath("relative", type: "") }
        #expect(throws: VolumeError.self) { try VolumeFiles.checkHostPath(dir + "/../etc", type: "") }
        #expect(VolumeFiles.unescape("/a\\040b") == "/a b")
    }
}
