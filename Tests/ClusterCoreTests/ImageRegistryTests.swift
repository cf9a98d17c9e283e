import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData
import Testing
@testable import ClusterCore

/// Pulls from a real registry (Debian's docker-registry) on 127.0.0.1, with images pushed by the test
/// itself through the distribution API.
@Suite("image registry pulls", .serialized)
struct ImageRegistryTests {
    static func appImage(_ text: String = "pulled", architecture: String = "amd64") throws -> TestImage {
        var layer = TarWriter()
        layer.add("srv/", .directory, mode: 0o755)
        layer.add("srv/message", .file(Array(text.utf8)))
        return try TestImage.make(layers: [try TestImage.busyboxLayer(), layer.archive], compress: true,
                                  entrypoint: ["/bin/sh", "-c"], cmd: ["cat /srv/message"], env: ["PATH=/bin", "FROM_IMAGE=yes"],
                                  workingDir: "/srv", architecture: architecture, docker: true)
    }

    @Test("anonymous pull: verified blobs, progress, config; a second pull downloads nothing")
    func anonymousPull() async throws {
        try await RegistryFixture.with { registry in
            let image = try Self.appImage()
            try await registry.push(image, "test/app", tag: "1")
            try await withImageStore { store, _ in
                let events = NIOLockedValueBox<[ImagePullProgress]>([])
                let ref = "\(registry.host)/test/app:1"
                let stored = try store.pull(ref) { e in events.withLockedValue { $0.append(e) } }
                #expect(stored.reference == ref)
                #expect(stored.digest == image.digest)
                let seen = events.withLockedValue { $0 }
                #expect(seen.first == .resolved(reference: ref, digest: image.digest, layers: 2))
                #expect(seen.contains(.downloading(digest: sha256(image.layers[0]), received: Int64(image.layers[0].count), total: Int64(image.layers[0].count))))
                #expect(seen.last == .stored(reference: ref, digest: image.digest))
                for blob in image.layers + [image.config, image.manifest] { #expect(store.hasBlob(sha256(blob))) }
                let resolved = try store.resolve(ref)
                #expect(resolved.entrypoint == ["/bin/sh", "-c"] && resolved.cmd == ["cat /srv/message"] && resolved.workingDir == "/srv")
                #expect(resolved.env == ["PATH=/bin", "FROM_IMAGE=yes"])
                #expect(FileManager.default.isExecutableFile(atPath: resolved.layers[0] + "/bin/busybox"))

                events.withLockedValue { $0 = [] }
                try store.pull(ref) { e in events.withLockedValue { $0.append(e) } }
                #expect(events.withLockedValue { $0 }.filter { if case .present = $0 { true } else { false } }.count == 2)
                #expect(!events.withLockedValue { $0 }.contains { if case .downloading = $0 { true } else { false } })
                #expect(try store.list().map(\.reference) == [ref])
            }
        }
    }

    @Test("a manifest list resolves to linux/amd64; pulling by digest pins it")
    func manifestList() async throws {
        try await RegistryFixture.with { registry in
            let amd64 = try Self.appImage("amd64")
            let arm64 = try Self.appImage("arm64", architecture: "arm64")
            try await registry.push(amd64, "test/multi", tag: "amd64")
            try await registry.push(arm64, "test/multi", tag: "arm64")
            let list: [String: Any] = ["schemaVersion": 2, "mediaType": MediaType.dockerList, "manifests": [
                ["mediaType": MediaType.dockerManifest, "digest": arm64.digest, "size": arm64.manifest.count, "platform": ["os": "linux", "architecture": "arm64"]],
                ["mediaType": MediaType.dockerManifest, "digest": amd64.digest, "size": amd64.manifest.count, "platform": ["os": "linux", "architecture": "amd64"]],
            ]]
            let listBytes = Array(try JSONSerialization.data(withJSONObject: list))
            try await registry.pushManifest("test/multi", "1", listBytes, type: MediaType.dockerList)
            try await withImageStore { store, _ in
                #expect(try store.pull("\(registry.host)/test/multi:1").digest == amd64.digest)
                let pinned = "\(registry.host)/test/multi@\(sha256(listBytes))"
                #expect(try store.pull(pinned).digest == amd64.digest)
                let image = try store.resolve(pinned)
                #expect((try? String(contentsOfFile: image.layers[1] + "/srv/message", encoding: .utf8)) == "amd64")
                // Only arm64: a clear error.
                try await registry.pushManifest("test/multi", "armonly", Array(try JSONSerialization.data(withJSONObject: [
                    "schemaVersion": 2, "mediaType": MediaType.dockerList,
                    "manifests": [(list["manifests"] as! [[String: Any]])[0]],
                ] as [String: Any])), type: MediaType.dockerList)
                #expect {
                    try store.pull("\(registry.host)/test/multi:armonly")
                } throws: { ($0 as? RuntimeError)?.description.contains("no linux/amd64 image") == true }
            }
        }
    }

    @Test("basic auth: refused without credentials, pulled with them")
    func basicAuth() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/htpasswd") else {
            Issue.record("basic auth needs htpasswd (apt-get install apache2-utils)")
            return
        }
        try await RegistryFixture.with(basicAuth: ("puller", "s3cret")) { registry in
            let image = try Self.appImage()
            try await registry.push(image, "private/app", tag: "v1")
            try await withImageStore { store, _ in
                let ref = "\(registry.host)/private/app:v1"
                #expect {
                    try store.pull(ref)
                } throws: { ($0 as? RuntimeError)?.description.contains("requires a user name and password") == true }
                #expect {
                    try store.pull(ref, credentials: RegistryCredentials(username: "puller", password: "wrong"))
                } throws: { ($0 as? RuntimeError)?.description.contains("authentication required or denied") == true }
                let pulled = try store.pull(ref, credentials: RegistryCredentials(username: "puller", password: "s3cret"))
                #expect(pulled.digest == image.digest)
            }
        }
    }

    /// (A tampered manifest cannot be served: docker-registry checks manifests itself and answers 500.)
    @Test("a tampered layer fails with a digest mismatch and stores nothing")
    func digestMismatch() async throws {
        try await RegistryFixture.with { registry in
            let image = try Self.appImage()
            try await registry.push(image, "test/tampered", tag: "1")
            // Same size, other bytes: only the digest can tell.
            var layer = image.layers[1]
            layer[layer.count / 2] ^= 0x55
            try Data(layer).write(to: URL(fileURLWithPath: registry.storedBlob(sha256(image.layers[1]))))
            try await withImageStore { store, _ in
                #expect {
                    try store.pull("\(registry.host)/test/tampered:1")
                } throws: { ($0 as? RuntimeError)?.description.contains("blob digest mismatch: expected \(sha256(image.layers[1]))") == true }
                #expect((try? store.list())?.isEmpty == true)
                #expect((try? FileManager.default.contentsOfDirectory(atPath: store.blobDirectory))?.isEmpty ?? true)
                #expect((try? FileManager.default.contentsOfDirectory(atPath: store.layerDirectory))?.isEmpty ?? true)

            }
        }
    }

    @Test("a layer with a hostile entry is refused at pull time and nothing is stored")
    func hostilePull() async throws {
        try await RegistryFixture.with { registry in
            var evil = TarWriter()
            evil.add("etc", .symlink("/etc"))
            evil.add("etc/pwned", .file(Array("x".utf8)))
            let image = try TestImage.make(layers: [evil.archive])
            try await registry.push(image, "test/evil", tag: "1")
            try await withImageStore { store, _ in
                #expect {
                    try store.pull("\(registry.host)/test/evil:1")
                } throws: { ($0 as? RuntimeError)?.description.contains("symlink escape") == true }
                #expect(!FileManager.default.fileExists(atPath: "/etc/pwned"))
                #expect((try? store.list())?.isEmpty == true)
                #expect((try? FileManager.default.contentsOfDirectory(atPath: store.layerDirectory))?.isEmpty ?? true)
            }
        }
    }

    @Test("a pod from a pulled image runs under the kubelet with the image's entrypoint, env and workdir; Never reports ErrImageNeverPull")
    func kubeletPod() async throws {
        try await RegistryFixture.with { registry in
            let image = try Self.appImage("hello from the registry")
            try await registry.push(image, "test/web", tag: "1")
            try await KubeletFixture.with { f in
                let ref = "\(registry.host)/test/web:1"
                await f.createBoundPod("""
                    {"apiVersion":"v1","kind":"Pod","metadata":{"name":"pulled"},"spec":{"restartPolicy":"Never",\
                    "containers":[{"name":"main","image":"\(ref)","args":["cat message; echo; echo $FROM_IMAGE; pwd"]}]}}
                    """, name: "pulled")
                #expect(await f.podUntil("pulled", KubeletFixture.phase("Succeeded")))
                let log = await f.api.call(.GET, "/api/v1/namespaces/default/pods/pulled/log")
                #expect(log.text == "hello from the registry\nyes\n/srv\n", "\(log.text)")
                let events = await f.api.call(.GET, "/api/v1/namespaces/default/events").body["items"]?.listValue ?? []
                let reasons = events.filter { $0[path: "involvedObject.name"] == "pulled" }.compactMap { $0["reason"]?.stringValue }
                #expect(reasons.contains("Pulling") && reasons.contains("Pulled"), "\(reasons)")

                await f.createBoundPod("""
                    {"apiVersion":"v1","kind":"Pod","metadata":{"name":"never"},"spec":{"containers":[{"name":"main",\
                    "image":"\(registry.host)/test/absent:1","imagePullPolicy":"Never"}]}}
                    """, name: "never")
                #expect(await f.podUntil("never") { $0[path: "status.containerStatuses.0.state.waiting.reason"] == "ErrImageNeverPull" })
                let pod = await f.pod("never").body
                #expect(pod[path: "status.containerStatuses.0.state.waiting.message"]?.stringValue?.contains("is not present with pull policy of Never") == true)
            }
        }
    }
}

extension ImageRegistryTests {
    @Test("a pod pulls from a basic-auth registry with its imagePullSecrets (kubernetes.io/dockerconfigjson)")
    func imagePullSecrets() async throws {
        try await RegistryFixture.with(basicAuth: ("kube", "pull-pass")) { registry in
            let image = try Self.appImage("private hello")
            try await registry.push(image, "private/web", tag: "2")
            try await KubeletFixture.with { f in
                let auth = Data("kube:pull-pass".utf8).base64EncodedString()
                let config = Data(#"{"auths":{"http://\#(registry.host)/v2/":{"auth":"\#(auth)"}}}"#.utf8).base64EncodedString()
                let secret = await f.api.call(.POST, "/api/v1/namespaces/default/secrets", json: """
                    {"apiVersion":"v1","kind":"Secret","metadata":{"name":"regcred"},"type":"kubernetes.io/dockerconfigjson",\
                    "data":{".dockerconfigjson":"\(config)"}}
                    """)
                #expect(secret.code == 201, "\(secret.text)")
                await f.createBoundPod("""
                    {"apiVersion":"v1","kind":"Pod","metadata":{"name":"private"},"spec":{"restartPolicy":"Never",\
                    "imagePullSecrets":[{"name":"regcred"}],\
                    "containers":[{"name":"main","image":"\(registry.host)/private/web:2"}]}}
                    """, name: "private")
                #expect(await f.podUntil("private", KubeletFixture.phase("Succeeded")))
                let log = await f.api.call(.GET, "/api/v1/namespaces/default/pods/private/log")
                // An unterminated last line is a full (F) record in the CRI log, which reads back with
                // its newline, as the kubelet returns it with containerd.
                #expect(log.text == "private hello\n", "\(log.text)")
            }
        }
    }
}
