import Foundation
import Testing
@testable import ClusterCore

/// A minimal tar writer for test layers: full control over names, types and link targets, so hostile
/// entries (absolute paths, `..`, links out, devices) can be built.
struct TarWriter {
    enum Kind { case file([UInt8]), directory, symlink(String), hardlink(String), charDevice, fifo }
    private(set) var bytes: [UInt8] = []

    mutating func add(_ name: String, _ kind: Kind, mode: Int = 0o644) {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ s: String, _ offset: Int, _ length: Int) {
            for (i, b) in s.utf8.prefix(length).enumerated() { h[offset + i] = b }
        }
        func octal(_ v: Int, _ offset: Int, _ length: Int) {
            put(String(String(v, radix: 8).suffix(length - 1)).leftPadded(to: length - 1), offset, length - 1)
        }
        var data: [UInt8] = []
        var type = "0"
        var link = ""
        switch kind {
        case .file(let d): data = d
        case .directory: type = "5"
        case .symlink(let t): type = "2"; link = t
        case .hardlink(let t): type = "1"; link = t
        case .charDevice: type = "3"
        case .fifo: type = "6"
        }
        put(name, 0, 100)
        octal(mode, 100, 8)
        octal(0, 108, 8)
        octal(0, 116, 8)
        octal(data.count, 124, 12)
        octal(1_700_000_000, 136, 12)
        for i in 148..<156 { h[i] = 0x20 }
        put(type, 156, 1)
        put(link, 157, 100)
        put("ustar", 257, 6)
        put("00", 263, 2)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(String(String(sum, radix: 8)).leftPadded(to: 6), 148, 6)
        h[154] = 0
        h[155] = 0x20
        bytes += h
        bytes += data
        if data.count % 512 != 0 { bytes += [UInt8](repeating: 0, count: 512 - data.count % 512) }
    }

    /// The archive with its two zero end blocks.
    var archive: [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }
}

extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}

func sha256(_ bytes: [UInt8]) -> String { ImageDigest.of(bytes) }

func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-c", "-n"]
    let input = Pipe()
    let output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    try p.run()
    // Write on another thread so a full output pipe cannot deadlock us.
    let writer = Thread { input.fileHandleForWriting.write(Data(bytes)); try? input.fileHandleForWriting.close() }
    writer.start()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Array(out)
}

/// An image built in memory: layer blobs, config and manifest, ready to push or save.
struct TestImage {
    var layers: [[UInt8]]
    var layerTypes: [String]
    var config: [UInt8]
    var manifest: [UInt8]
    var manifestType = MediaType.ociManifest
    var digest: String { sha256(manifest) }

    /// `layers` are tar archives (gzip-compressed when `compress`); config with the given process defaults.
    static func make(layers tars: [[UInt8]], compress: Bool = true, entrypoint: [String] = [], cmd: [String] = ["sh"],
                     env: [String] = ["PATH=/bin:/usr/bin"], workingDir: String = "", user: String = "",
                     architecture: String = "amd64", docker: Bool = false) throws -> TestImage
    {
        let blobs = try tars.map { compress ? try gzip($0) : $0 }
        let config: [String: Any] = [
            "architecture": architecture, "os": "linux",
            "config": ["Entrypoint": entrypoint, "Cmd": cmd, "Env": env, "WorkingDir": workingDir, "User": user],
            "rootfs": ["type": "layers", "diff_ids": tars.map(sha256)],
        ]
        let configBytes = Array(try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys]))
        let layerType = docker ? MediaType.dockerLayer : (compress ? MediaType.ociLayerGzip : MediaType.ociLayer)
        let manifest: [String: Any] = [
            "schemaVersion": 2, "mediaType": docker ? MediaType.dockerManifest : MediaType.ociManifest,
            "config": ["mediaType": docker ? MediaType.dockerConfig : MediaType.ociConfig, "digest": sha256(configBytes), "size": configBytes.count],
            "layers": blobs.map { ["mediaType": layerType, "digest": sha256($0), "size": $0.count] },
        ]
        let m = Array(try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]))
        return TestImage(layers: blobs, layerTypes: blobs.map { _ in layerType }, config: configBytes, manifest: m,
                         manifestType: docker ? MediaType.dockerManifest : MediaType.ociManifest)
    }

    /// A layer with the host's static busybox as /bin/busybox and /bin/sh.
    static func busyboxLayer() throws -> [UInt8] {
        var t = TarWriter()
        t.add("bin/", .directory, mode: 0o755)
        t.add("bin/busybox", .file(Array(try Data(contentsOf: URL(fileURLWithPath: "/usr/bin/busybox")))), mode: 0o755)
        for applet in ["sh", "cat", "echo", "ls", "id", "sleep", "test"] { t.add("bin/" + applet, .symlink("busybox")) }
        t.add("etc/", .directory, mode: 0o755)
        t.add("etc/passwd", .file(Array("root:x:0:0:root:/root:/bin/sh\napp:x:1234:4321:app:/home:/bin/sh\n".utf8)))
        return t.archive
    }
}

/// Debian's `docker-registry` on a free 127.0.0.1 port with its own config and storage in a temp
/// directory (optionally htpasswd basic auth); stopped by its pid and the directory removed afterwards.
final class RegistryFixture: @unchecked Sendable {
    let dir: String
    let port: Int
    let process: Process
    var credentials: (String, String)?

    var host: String { "127.0.0.1:\(port)" }

    static let binary = "/usr/bin/docker-registry"

    static func with(basicAuth: (String, String)? = nil, _ body: (RegistryFixture) async throws -> Void) async throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("registry tests need Debian's docker-registry (apt-get install docker-registry)")
            return
        }
        let dir = NSTemporaryDirectory() + "helmctl-registry-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var auth = ""
        if let (user, password) = basicAuth {
            let h = Process()
            h.executableURL = URL(fileURLWithPath: "/usr/bin/htpasswd")
            h.arguments = ["-Bbc", dir + "/htpasswd", user, password]
            h.standardOutput = FileHandle.nullDevice
            h.standardError = FileHandle.nullDevice
            try h.run()
            h.waitUntilExit()
            auth = "auth:\n  htpasswd:\n    realm: test-realm\n    path: \(dir)/htpasswd\n"
        }
        let port = try freePort()
        try """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(dir)/data
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:\(port)
            \(auth)
            """.write(toFile: dir + "/config.yml", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["serve", dir + "/config.yml"]
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        let fixture = RegistryFixture(dir: dir, port: port, process: p)
        fixture.credentials = basicAuth
        defer {
            kill(p.processIdentifier, SIGTERM)
            p.waitUntilExit()
        }
        // Ready when /v2/ answers (200, or 401 with auth).
        let ready = await eventually(20) { (try? await fixture.request("GET", "/v2/", authorize: false).0) != nil }
        guard ready else {
            Issue.record("docker-registry did not start on \(fixture.host)")
            return
        }
        try await body(fixture)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw RuntimeError("cannot find a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    init(dir: String, port: Int, process: Process) {
        self.dir = dir
        self.port = port
        self.process = process
    }

    /// One request to the registry (path or absolute URL) through the store's own libcurl transport;
    /// basic auth when the fixture has credentials.
    func request(_ method: String, _ path: String, body: [UInt8]? = nil, contentType: String? = nil,
                 authorize: Bool = true) async throws -> (Int, [String: String], [UInt8])
    {
        let url = path.hasPrefix("http") ? path : "http://\(host)\(path)"
        var headers: [String] = []
        if let contentType { headers.append("Content-Type: " + contentType) }
        if authorize, let (u, p) = credentials { headers.append("Authorization: " + RegistryCredentials(username: u, password: p).basicHeader) }
        let reply = try RegistryTransport.send(method, url, headers: headers, body: body ?? (method == "GET" ? nil : []))
        return (reply.status, reply.headers, reply.body)
    }

    /// Pushes a blob by the monolithic upload (POST, then PUT with the digest).
    func pushBlob(_ repository: String, _ bytes: [UInt8]) async throws {
        let (code, headers, body) = try await request("POST", "/v2/\(repository)/blobs/uploads/")
        guard code == 202, var location = headers["location"] else {
            throw RuntimeError("upload start: \(code) \(String(decoding: body, as: UTF8.self))")
        }
        if !location.hasPrefix("http") { location = "http://\(host)" + location }
        location += (location.contains("?") ? "&" : "?") + "digest=" + sha256(bytes)
        let (put, _, putBody) = try await request("PUT", location, body: bytes, contentType: "application/octet-stream")
        guard put == 201 else { throw RuntimeError("upload: \(put) \(String(decoding: putBody, as: UTF8.self))") }
    }

    func pushManifest(_ repository: String, _ reference: String, _ bytes: [UInt8], type: String) async throws {
        let (code, _, body) = try await request("PUT", "/v2/\(repository)/manifests/\(reference)", body: bytes, contentType: type)
        guard code == 201 else { throw RuntimeError("manifest push: \(code) \(String(decoding: body, as: UTF8.self))") }
    }

    /// Pushes an image's blobs and manifest under `tag`.
    func push(_ image: TestImage, _ repository: String, tag: String) async throws {
        for l in image.layers { try await pushBlob(repository, l) }
        try await pushBlob(repository, image.config)
        try await pushManifest(repository, tag, image.manifest, type: image.manifestType)
    }

    /// A blob's data file in the registry's storage (to tamper with).
    func storedBlob(_ digest: String) -> String {
        let hex = String(digest.dropFirst(7))
        return "\(dir)/data/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
    }
}

/// A fresh image store in a temp directory, removed afterwards (unmounting nothing: tests that mount
/// release their bundles themselves).
func withImageStore(_ body: (ImageStore, String) async throws -> Void) async throws {
    let root = NSTemporaryDirectory() + "helmctl-images-" + UUID().uuidString.prefix(8).lowercased()
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    try await body(ImageStore(root: root + "/images", loopbackRegistriesOnly: true), root)
}
