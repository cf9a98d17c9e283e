import StructuredData

/// Helm's registry credentials file (`HELM_REGISTRY_CONFIG`, default `$HELM_CONFIG_HOME/registry/config.json`):
/// Docker's `config.json` format, `{"auths": {"HOST": {"auth": base64("user:password")}}}`.
public struct RegistryConfig: Sendable {
    public var path: String

    public init(path: String) { self.path = path }

    /// The file for an environment: `HELM_REGISTRY_CONFIG`, else `registry/config.json` under Helm's config home.
    public static func fromEnvironment(_ env: (String) -> String? = HelmPaths.processEnv) -> RegistryConfig {
        if let v = env("HELM_REGISTRY_CONFIG"), !v.isEmpty { return RegistryConfig(path: v) }
        let home = env("HOME") ?? ""
        var config = joinPath(home, ".config", "helm")
        if let x = env("XDG_CONFIG_HOME"), !x.isEmpty { config = joinPath(x, "helm") }
        if let h = env("HELM_CONFIG_HOME"), !h.isEmpty { config = h }
        return RegistryConfig(path: joinPath(config, "registry", "config.json"))
    }

    private func load() throws(ChartEngineError) -> [String: Value] {
        guard FileSystem.kind(of: path) != .missing else { return [:] }
        let bytes = try FileSystem.read(path)
        if bytes.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) { return [:] }
        do {
            guard case .map(let m) = try JSON.decode(bytes) else {
                throw ChartEngineError(.io, "\(path): registry config is not a JSON object")
            }
            return m
        } catch let e as ChartEngineError {
            throw e
        } catch {
            throw ChartEngineError(.io, "\(path): invalid registry config: \(error)")
        }
    }

    private func save(_ m: [String: Value]) throws(ChartEngineError) {
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !dir.isEmpty { try FileSystem.makeDirectories(dir) }
        // Docker's config writer: tab-indented JSON; the file holds secrets, so 0600.
        try AtomicFile.write(path, Array((JSON.encode(.map(m), indent: "\t") + "\n").utf8), mode: 0o600)
    }

    /// The stored `(username, password)` for `host`, if any.
    public func credentials(for host: String) throws(ChartEngineError) -> (String, String)? {
        guard case .map(let auths)? = try load()["auths"], case .map(let entry)? = auths[host],
              case .string(let auth)? = entry["auth"], let raw = Base64.decode(auth)
        else { return nil }
        let text = String(decoding: raw, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// Stores credentials for `host`, keeping every other entry and key of the file.
    public func store(host: String, username: String, password: String) throws(ChartEngineError) {
        var m = try load()
        var auths = m["auths"]?.mapValue ?? [:]
        auths[host] = .map(["auth": .string(Base64.encode(Array("\(username):\(password)".utf8)))])
        m["auths"] = .map(auths)
        try save(m)
    }

    /// Removes `host`'s credentials; Helm's error when there are none is `not logged in`.
    public func remove(host: String) throws(ChartEngineError) {
        var m = try load()
        guard var auths = m["auths"]?.mapValue, auths[host] != nil else {
            throw ChartEngineError(.usage, "not logged in")
        }
        auths[host] = nil
        m["auths"] = .map(auths)
        try save(m)
    }
}

/// RFC 4648 standard base64 (Docker's `auth` field, HTTP basic credentials).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 3) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[Int((b1 & 15) << 2 | b2 >> 6)] : 61)
            out.append(i + 2 < bytes.count ? alphabet[Int(b2 & 63)] : 61)
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ s: String) -> [UInt8]? {
        var values: [UInt8] = []
        for c in s.utf8 where c != 61 {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            values.append(UInt8(v))
        }
        var out: [UInt8] = []
        var i = 0
        while i + 1 < values.count {
            out.append(values[i] << 2 | values[i + 1] >> 4)
            if i + 2 < values.count { out.append(values[i + 1] << 4 | values[i + 2] >> 2) }
            if i + 3 < values.count { out.append(values[i + 2] << 6 | values[i + 3]) }
            i += 4
        }
        return out
    }
}
