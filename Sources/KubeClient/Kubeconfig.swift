public import StructuredData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The connection settings of one kubeconfig context, resolved as client-go's loader does for Helm:
/// `--kubeconfig`, else the `:`-separated files of `KUBECONFIG` (first `current-context` and the first
/// cluster/context/user of a name win), else `~/.kube/config`.
public struct KubeConfig: Sendable, Equatable {
    /// `https://host:port` of the API server.
    public var server: String
    /// The context's namespace, `default` when unset.
    public var namespace: String
    public var contextName: String
    public var token: String
    /// PEM bytes of the client certificate / key / CA (inline `*-data` or read from the named file).
    public var clientCertificate: [UInt8]
    public var clientKey: [UInt8]
    public var certificateAuthority: [UInt8]
    public var insecureSkipTLSVerify: Bool
    /// `tls-server-name`: the name the server certificate is checked against, when not the URL's host.
    public var tlsServerName: String
    /// `user.exec`: a credential plugin run on first use (see ``ExecConfig``).
    public var exec: ExecConfig?

    public init(server: String, namespace: String = "default", contextName: String = "", token: String = "",
                clientCertificate: [UInt8] = [], clientKey: [UInt8] = [], certificateAuthority: [UInt8] = [],
                insecureSkipTLSVerify: Bool = false, tlsServerName: String = "")
    {
        self.server = server
        self.namespace = namespace
        self.contextName = contextName
        self.token = token
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.certificateAuthority = certificateAuthority
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
    }

    /// The kubeconfig files to read: `explicit`, else `KUBECONFIG`, else `~/.kube/config`.
    public static func paths(explicit: String?) -> [String] {
        if let e = explicit, !e.isEmpty { return [e] }
        if let env = getenv("KUBECONFIG"), !String(cString: env).isEmpty {
            return String(cString: env).split(separator: ":").map(String.init)
        }
        if let home = getenv("HOME") { return [String(cString: home) + "/.kube/config"] }
        return []
    }

    /// Loads the files named by ``paths(explicit:)`` and resolves `context` (or the current context).
    public static func load(path: String? = nil, context: String? = nil) throws(KubeError) -> KubeConfig {
        let files = paths(explicit: path)
        var docs: [(doc: Value, dir: String)] = []
        for file in files {
            guard let text = FileText.read(file) else {
                if path != nil && !(path ?? "").isEmpty {
                    throw KubeError(message: "stat \(file): no such file or directory")
                }
                continue
            }
            let doc: Value
            do { doc = try YAML.decode(text, numbersAsFloat: false) } catch {
                throw KubeError(message: "error loading config file \"\(file)\": \(error)")
            }
            docs.append((doc, FileText.directory(of: file)))
        }
        if docs.isEmpty {
            throw KubeError(message: "Kubernetes cluster unreachable: invalid configuration: no configuration has been provided")
        }
        return try resolve(docs, context: context)
    }

    /// Resolves one or more parsed kubeconfig documents (with the directory relative paths start from).
    public static func resolve(_ docs: [(doc: Value, dir: String)], context: String?) throws(KubeError) -> KubeConfig {
        var current = (context?.isEmpty ?? true) ? nil : context
        var contexts: [String: (Value, String)] = [:]
        var clusters: [String: (Value, String)] = [:]
        var users: [String: (Value, String)] = [:]
        func collect(_ doc: Value, _ key: String, _ inner: String, _ dir: String, into table: inout [String: (Value, String)]) {
            guard case .list(let items)? = doc[key] else { return }
            for item in items {
                guard case .string(let name)? = item["name"], table[name] == nil else { continue }
                table[name] = (item[inner] ?? .map([:]), dir)
            }
        }
        for (doc, dir) in docs {
            if current == nil, case .string(let c)? = doc["current-context"], !c.isEmpty { current = c }
            collect(doc, "contexts", "context", dir, into: &contexts)
            collect(doc, "clusters", "cluster", dir, into: &clusters)
            collect(doc, "users", "user", dir, into: &users)
        }
        guard let ctxName = current else {
            throw KubeError(message: "Kubernetes cluster unreachable: invalid configuration: no configuration has been provided")
        }
        guard let (ctx, _) = contexts[ctxName] else {
            throw KubeError(message: "context \"\(ctxName)\" does not exist")
        }
        let clusterName = ctx["cluster"]?.stringValue ?? ""
        guard let (cluster, cdir) = clusters[clusterName] else {
            throw KubeError(message: "invalid configuration: context was not found for specified context: \(ctxName)")
        }
        let (user, udir) = users[ctx["user"]?.stringValue ?? ""] ?? (.map([:]), "")
        guard let server = cluster["server"]?.stringValue, !server.isEmpty else {
            throw KubeError(message: "invalid configuration: no server found for cluster \"\(clusterName)\"")
        }
        var cfg = KubeConfig(server: server.hasSuffix("/") ? String(server.dropLast()) : server)
        cfg.contextName = ctxName
        if let ns = ctx["namespace"]?.stringValue, !ns.isEmpty { cfg.namespace = ns }
        cfg.insecureSkipTLSVerify = cluster["insecure-skip-tls-verify"] == .bool(true)
        cfg.tlsServerName = cluster["tls-server-name"]?.stringValue ?? ""
        cfg.certificateAuthority = try pem(cluster, "certificate-authority", cdir)
        cfg.clientCertificate = try pem(user, "client-certificate", udir)
        cfg.clientKey = try pem(user, "client-key", udir)
        if let t = user["token"]?.stringValue, !t.isEmpty {
            cfg.token = t
        } else if let f = user["tokenFile"]?.stringValue, !f.isEmpty {
            guard let t = FileText.read(FileText.join(udir, f)) else {
                throw KubeError(message: "open \(f): no such file or directory")
            }
            cfg.token = t.trimmingCharacters(in: " \t\r\n")
        }
        if let e = user["exec"], case .map = e {
            cfg.exec = try ExecConfig.parse(e, directory: udir)
        } else if let a = user["auth-provider"], case .map = a {
            throw ExecConfig.authProviderError(a)
        }
        return cfg
    }

    /// `NAME-data` (base64) wins over the file `NAME` (relative to the kubeconfig's directory).
    static func pem(_ v: Value, _ name: String, _ dir: String) throws(KubeError) -> [UInt8] {
        if let d = v[name + "-data"]?.stringValue, !d.isEmpty {
            guard let bytes = Base64Codec.decode(d) else {
                throw KubeError(message: "illegal base64 data in \(name)-data")
            }
            return bytes
        }
        if let f = v[name]?.stringValue, !f.isEmpty {
            let p = FileText.join(dir, f)
            guard let text = FileText.read(p) else { throw KubeError(message: "unable to read \(name) \(p)") }
            return Array(text.utf8)
        }
        return []
    }
}

extension String {
    /// Trims the given scalars from both ends (scalars, not Characters: "\r\n" is one Character).
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set.unicodeScalars)
        var s = Substring(self).unicodeScalars
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// Small file helpers (no Foundation in library modules).
enum FileText {
    static func read(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
            if out.count > 16 << 20 { return nil }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func join(_ dir: String, _ p: String) -> String {
        if p.hasPrefix("/") || dir.isEmpty { return p }
        return dir + "/" + p
    }
}
