import Foundation
import Testing
@testable import ClusterCore

@Suite("image store")
struct ImageStoreTests {
    @Test("references are normalised as Docker and Kubernetes do", arguments: [
        ("busybox", "docker.io/library/busybox:latest", ImagePullPolicy.always),
        ("busybox:1.36", "docker.io/library/busybox:1.36", .ifNotPresent),
        ("me/app", "docker.io/me/app:latest", .always),
        ("index.docker.io/me/app:2", "docker.io/me/app:2", .ifNotPresent),
        ("127.0.0.1:5000/test/app", "127.0.0.1:5000/test/app:latest", .always),
        ("localhost/app:v1", "localhost/app:v1", .ifNotPresent),
        ("ghcr.io/a/b/c@sha256:" + String(repeating: "ab", count: 32), "ghcr.io/a/b/c@sha256:" + String(repeating: "ab", count: 32), .ifNotPresent),
    ])
    func normalise(text: String, normalised: String, policy: ImagePullPolicy) throws {
        #expect(try ImageReference(parsing: text).description == normalised)
        #expect(ImageReference.defaultPullPolicy(for: text) == policy)
    }

    @Test("malformed references are refused", arguments: ["", "UPPER/case", "a/../b", "app:bad tag", "app@sha256:abc", "app@md5:" + String(repeating: "a", count: 32)])
    func malformed(text: String) {
        #expect(throws: RuntimeError.self) { try ImageReference(parsing: text) }
    }

    @Test("WWW-Authenticate challenges are parsed with quoted commas")
    func challenge() {
        let (scheme, params) = RegistryClient.parseChallenge(#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push""#)
        #expect(scheme == "bearer")
        #expect(params == ["realm": "https://auth.example/token", "service": "registry.example", "scope": "repository:a/b:pull,push"])
        #expect(RegistryClient.parseChallenge(#"Basic realm="x""#).0 == "basic")
    }

    @Test("manifest lists resolve to linux/amd64; other platforms only give a clear error")
    func platforms() throws {
        let d = { (arch: String) in Descriptor(mediaType: MediaType.ociManifest, digest: "sha256:" + String(repeating: "1", count: 64), size: 1, os: "linux", architecture: arch) }
        #expect(try ImageManifest.platformEntry([d("arm64"), d("amd64")], what: "x").architecture == "amd64")
        #expect(throws: RuntimeError.self) { try ImageManifest.platformEntry([d("arm64")], what: "x") }
    }

    static func unpack(_ tar: TarWriter, _ root: String) throws {
        let file = root + "/layer.tar"
        try Data(tar.archive).write(to: URL(fileURLWithPath: file))
        try LayerUnpacker.unpack(file, into: root + "/out")
    }

    @Test("hostile layer entries are refused with a clear error and nothing lands outside", arguments: [
        ("absolute", "absolute path"), ("dotdot", "\"..\""), ("symlink-escape", "symbolic link"), ("device", "device node"),
        ("hardlink-out", "\"..\""),
    ])
    func hostile(kind: String, message: String) async throws {
        try await withImageStore { _, root in
            let outside = root + "/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            var t = TarWriter()
            t.add("ok.txt", .file(Array("fine".utf8)))
            switch kind {
            case "absolute": t.add(outside + "/pwned", .file(Array("x".utf8)))
            case "dotdot": t.add("a/../../outside/pwned", .file(Array("x".utf8)))
            case "symlink-escape":
                t.add("link", .symlink(outside))
                t.add("link/pwned", .file(Array("x".utf8)))
            case "device": t.add("dev/null", .charDevice)
            default: t.add("stolen", .hardlink("../outside/secret"))
            }
            var thrown: RuntimeError?
            do { try Self.unpack(t, root) } catch let e as RuntimeError { thrown = e }
            #expect(thrown?.description.contains(message) == true, "\(String(describing: thrown))")
            #expect(!FileManager.default.fileExists(atPath: outside + "/pwned"))
        }
    }

    @Test("whiteouts and opaque directories hide lower files, through overlayfs and through the copy fallback", arguments: [true, false])
    func whiteouts(overlay: Bool) async throws {
        try await withImageStore { _, root in
            var lower = TarWriter()
            lower.add("a/", .directory, mode: 0o755)
            lower.add("a/keep", .file(Array("keep".utf8)))
            lower.add("a/gone", .file(Array("gone".utf8)))
            lower.add("d/", .directory, mode: 0o755)
            lower.add("d/old", .file(Array("old".utf8)))
            lower.add("replaced", .file(Array("v1".utf8)))
            var upper = TarWriter()
            upper.add("a/.wh.gone", .file([]))
            upper.add("d/", .directory, mode: 0o755)
            upper.add("d/.wh..wh..opq", .file([]))
            upper.add("d/new", .file(Array("new".utf8)))
            upper.add("replaced", .file(Array("v2".utf8)))
            for (name, tar) in [("l1", lower), ("l2", upper)] {
                try Data(tar.archive).write(to: URL(fileURLWithPath: root + "/\(name).tar"))
                try LayerUnpacker.unpack(root + "/\(name).tar", into: root + "/\(name)")
            }
            let bundle = root + "/bundle"
            let mounted = try ContainerRootfs.prepare(layers: [root + "/l1", root + "/l2"], bundle: bundle, allowOverlay: overlay)
            defer { ContainerRootfs.release(bundle: bundle) }
            #expect(mounted == overlay)
            let fm = FileManager.default
            let rootfs = bundle + "/rootfs"
            #expect(fm.fileExists(atPath: rootfs + "/a/keep"))
            #expect(!fm.fileExists(atPath: rootfs + "/a/gone"))
            #expect(!fm.fileExists(atPath: rootfs + "/d/old"))
            #expect((try? String(contentsOfFile: rootfs + "/d/new", encoding: .utf8)) == "new")
            #expect((try? String(contentsOfFile: rootfs + "/replaced", encoding: .utf8)) == "v2")
            // The shared layer is untouched by writes in the container's root.
            try "changed".write(toFile: rootfs + "/a/keep", atomically: false, encoding: .utf8)
            #expect((try? String(contentsOfFile: root + "/l1/a/keep", encoding: .utf8)) == "keep")
        }
    }

    /// A `docker save`-style archive (old layout: `<id>/layer.tar`, `<hex>.json`, manifest.json).
    static func dockerSave(_ image: TestImage, tarLayers: [[UInt8]], tags: [String]) -> [UInt8] {
        var t = TarWriter()
        var layerPaths: [String] = []
        for (i, l) in tarLayers.enumerated() {
            let id = String(repeating: String(i), count: 64)
            t.add(id + "/", .directory, mode: 0o755)
            t.add(id + "/layer.tar", .file(l))
            layerPaths.append(id + "/layer.tar")
        }
        let configName = String(sha256(image.config).dropFirst(7)) + ".json"
        t.add(configName, .file(image.config))
        let manifest = try! JSONSerialization.data(withJSONObject: [["Config": configName, "RepoTags": tags, "Layers": layerPaths]])
        t.add("manifest.json", .file(Array(manifest)))
        return t.archive
    }

    @Test("a docker-save archive loads, lists, resolves with its config, and rm removes its blobs and layers")
    func loadDockerSave() async throws {
        try await withImageStore { store, root in
            var layer = TarWriter()
            layer.add("hello.txt", .file(Array("hello".utf8)))
            let tars = [try TestImage.busyboxLayer(), layer.archive]
            let image = try TestImage.make(layers: tars, compress: false, entrypoint: ["/bin/sh", "-c"], cmd: ["cat /hello.txt"],
                                           env: ["PATH=/bin", "MODE=saved"], workingDir: "/srv", user: "app")
            let archive = root + "/saved.tar"
            try Data(Self.dockerSave(image, tarLayers: tars, tags: ["saved/app:1", "127.0.0.1:5000/saved:2"])).write(to: URL(fileURLWithPath: archive))
            let loaded = try store.load(archive: archive)
            #expect(loaded.map(\.reference).sorted() == ["127.0.0.1:5000/saved:2", "docker.io/saved/app:1"])
            #expect(try store.list().count == 2)
            let resolved = try store.resolve("saved/app:1")
            #expect(resolved.entrypoint == ["/bin/sh", "-c"])
            #expect(resolved.cmd == ["cat /hello.txt"])
            #expect(resolved.env == ["PATH=/bin", "MODE=saved"])
            #expect(resolved.workingDir == "/srv")
            #expect(resolved.layers.count == 2)
            #expect(FileManager.default.fileExists(atPath: resolved.layers[1] + "/hello.txt"))
            #expect(Kubelet.imageUser(resolved)! == (1234, 4321))
            // Both names share the blobs: removing one keeps them, removing the other collects them.
            try store.remove("saved/app:1")
            #expect(FileManager.default.fileExists(atPath: resolved.layers[1]))
            try store.remove("127.0.0.1:5000/saved:2")
            #expect((try? store.list())?.isEmpty == true)
            #expect(!FileManager.default.fileExists(atPath: resolved.layers[1]))
            #expect((try? FileManager.default.contentsOfDirectory(atPath: store.blobDirectory))?.isEmpty == true)
            #expect(throws: RuntimeError.self) { try store.remove("saved/app:1") }
        }
    }

    @Test("an OCI layout archive loads; a blob that does not match its digest stores nothing")
    func loadOCILayout() async throws {
        try await withImageStore { store, root in
            var layer = TarWriter()
            layer.add("etc/", .directory, mode: 0o755)
            layer.add("etc/motd", .file(Array("oci".utf8)))
            let image = try TestImage.make(layers: [layer.archive], compress: true)
            func layout(tamper: Bool) -> [UInt8] {
                var t = TarWriter()
                t.add("oci-layout", .file(Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8)))
                let index: [String: Any] = ["schemaVersion": 2, "manifests": [[
                    "mediaType": MediaType.ociManifest, "digest": image.digest, "size": image.manifest.count,
                    "annotations": ["io.containerd.image.name": "example.com/oci/app:3", "org.opencontainers.image.ref.name": "3"],
                ]]]
                t.add("index.json", .file(Array(try! JSONSerialization.data(withJSONObject: index))))
                t.add("blobs/", .directory, mode: 0o755)
                t.add("blobs/sha256/", .directory, mode: 0o755)
                var layerBytes = image.layers[0]
                if tamper { layerBytes[layerBytes.count - 1] ^= 0xff }
                for (d, b) in [(sha256(image.layers[0]), layerBytes), (sha256(image.config), image.config), (image.digest, image.manifest)] {
                    t.add("blobs/sha256/" + d.dropFirst(7), .file(b))
                }
                return t.archive
            }
            try Data(layout(tamper: true)).write(to: URL(fileURLWithPath: root + "/bad.tar"))
            #expect {
                try store.load(archive: root + "/bad.tar")
            } throws: { ($0 as? RuntimeError)?.description.contains("digest mismatch") == true }
            #expect((try? store.list())?.isEmpty == true)
            #expect((try? FileManager.default.contentsOfDirectory(atPath: store.blobDirectory))?.isEmpty ?? true)

            try Data(layout(tamper: false)).write(to: URL(fileURLWithPath: root + "/good.tar"))
            #expect(try store.load(archive: root + "/good.tar").map(\.reference) == ["example.com/oci/app:3"])
            let resolved = try store.resolve("example.com/oci/app:3")
            #expect((try? String(contentsOfFile: resolved.rootfs + "/etc/motd", encoding: .utf8)) == "oci")
            #expect(resolved.digest == image.digest)
        }
    }

    @Test("busybox stays built in: resolved without a registry, never pulled, even with policy Always")
    func builtinBusybox() async throws {
        try await withImageStore { store, _ in
            for ref in ["busybox", "busybox:1.36", "docker.io/library/busybox:latest"] {
                let image = try store.image(ref, policy: .always)
                #expect(image.cmd == ["sh"])
                #expect(FileManager.default.isExecutableFile(atPath: image.rootfs + "/bin/busybox"))
            }
            #expect(throws: RuntimeError.self) { try store.image("nginx:1.27", policy: .never) }
            #expect {
                try store.image("nginx:1.27", policy: .ifNotPresent)
            } throws: { ($0 as? RuntimeError)?.description.contains("loopback registries only") == true }
        }
    }
}
