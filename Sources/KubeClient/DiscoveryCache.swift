// `timespec` (stat's st_mtim) is declared, for Swift's member-import check, by the first C module that
// textually included its glibc header — in a clean build that is CLibYAML.
import CLibYAML
import StructuredData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Discovery and `/version` kept on disk per API server for a few minutes, as kubectl keeps
/// `~/.kube/cache/discovery`: a command then starts without three round trips (and without parsing
/// the aggregated discovery document). A kind missing from the cache triggers fresh discovery, and
/// creating CRDs drops the file.
struct DiscoveryCache {
    let path: String
    let ttlSeconds: Int

    /// `DIR/<server as a file name>-<hash of the CA>.json`: two clusters that reuse an address (local
    /// test clusters do) have different CAs, so they never share an entry.
    init(directory: String, server: String, certificateAuthority: [UInt8], ttlSeconds: Int) {
        var name = ""
        for u in server.unicodeScalars {
            let ok = (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "." || u == "-"
            name.unicodeScalars.append(ok ? u : "_")
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for b in certificateAuthority { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        self.directory = directory
        path = directory + "/" + name + "-" + String(hash, radix: 16) + ".json"
        self.ttlSeconds = ttlSeconds
    }

    let directory: String

    /// Deletes entries of other servers that expired long ago (an hour), so short-lived clusters do
    /// not pile up files.
    func pruneExpired(now: Int) {
        guard let d = opendir(directory) else { return }
        defer { closedir(d) }
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasSuffix(".json") else { continue }
            let p = directory + "/" + name
            var st = stat()
            if stat(p, &st) == 0, now - Int(st.st_mtim.tv_sec) > 3600 { unlink(p) }
        }
    }

    struct Entry {
        var version: Value
        var resources: [String: [String: APIResource]]
    }

    func load(now: Int) -> Entry? {
        guard let text = FileText.read(path), let v = try? JSON.decodeKeepingIntegers(Array(text.utf8)),
              let saved = ReadinessRules.int(v["savedAt"]), now - saved >= 0, now - saved < ttlSeconds
        else { return nil }
        var d: [String: [String: APIResource]] = [:]
        for r in v["resources"]?.listValue ?? [] {
            guard let f = r.listValue, f.count == 5, let g = f[0].stringValue, let ver = f[1].stringValue,
                  let name = f[2].stringValue, let kind = f[3].stringValue
            else { return nil }
            let res = APIResource(group: g, version: ver, name: name, kind: kind, namespaced: f[4] == .bool(true))
            d[res.apiVersion, default: [:]][kind] = res
        }
        return Entry(version: v["version"] ?? .null, resources: d)
    }

    func save(_ e: Entry, now: Int) {
        var rows: [Value] = []
        for (_, kinds) in e.resources.sorted(by: { $0.key < $1.key }) {
            for (_, r) in kinds.sorted(by: { $0.key < $1.key }) {
                rows.append(.list([.string(r.group), .string(r.version), .string(r.name), .string(r.kind), .bool(r.namespaced)]))
            }
        }
        let doc: Value = ["savedAt": .int(Int64(now)), "version": e.version, "resources": .list(rows)]
        let dir = FileText.directory(of: path)
        Self.makeDirectories(dir)
        // Written aside then renamed, so a concurrent reader never sees half a file.
        let tmp = path + ".\(getpid()).tmp"
        guard let f = fopen(tmp, "w") else { return }
        let bytes = Array(JSON.encode(doc).utf8)
        let ok = fwrite(bytes, 1, bytes.count, f) == bytes.count
        fclose(f)
        if ok { rename(tmp, path) } else { unlink(tmp) }
        pruneExpired(now: now)
    }

    func remove() { unlink(path) }

    static func makeDirectories(_ dir: String) {
        var p = dir.hasPrefix("/") ? "" : "."
        for part in dir.split(separator: "/") {
            p += "/" + part
            mkdir(p, 0o700)
        }
    }

    static func unixNow() -> Int { Int(time(nil)) }
}
