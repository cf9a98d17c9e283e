import StructuredData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A kubeconfig `users[].user.exec` credential plugin (client-go's `ExecConfig`): a command printing an
/// `ExecCredential` (`client.authentication.k8s.io/v1` or `v1beta1`) whose status carries a bearer
/// token or a client certificate and key.
public struct ExecConfig: Sendable, Equatable {
    public var command: String
    public var args: [String] = []
    /// Extra environment variables, in order (`env: [{name, value}]`).
    public var env: [(name: String, value: String)] = []
    public var apiVersion: String
    /// `Never`, `IfAvailable` or `Always` (v1 requires it; v1beta1 defaults to `IfAvailable`).
    public var interactiveMode: String
    public var installHint = ""
    public var provideClusterInfo = false
    /// The kubeconfig's directory: a relative command containing `/` is resolved against it.
    public var directory = "."

    public init(command: String, apiVersion: String, interactiveMode: String = "IfAvailable") {
        self.command = command
        self.apiVersion = apiVersion
        self.interactiveMode = interactiveMode
    }

    public static func == (a: ExecConfig, b: ExecConfig) -> Bool {
        a.command == b.command && a.args == b.args && a.env.map(\.name) == b.env.map(\.name)
            && a.env.map(\.value) == b.env.map(\.value) && a.apiVersion == b.apiVersion
            && a.interactiveMode == b.interactiveMode && a.installHint == b.installHint
            && a.provideClusterInfo == b.provideClusterInfo && a.directory == b.directory
    }

    static let versions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    /// Parses `user.exec` with client-go's validation messages.
    static func parse(_ v: Value, directory: String) throws(KubeError) -> ExecConfig {
        let command = v["command"]?.stringValue ?? ""
        let apiVersion = v["apiVersion"]?.stringValue ?? ""
        guard !command.isEmpty else { throw KubeError(message: "invalid configuration: exec plugin: command must be specified") }
        guard versions.contains(apiVersion) else {
            throw KubeError(message: "exec plugin: invalid apiVersion \"\(apiVersion)\"")
        }
        var mode = v["interactiveMode"]?.stringValue ?? ""
        if mode.isEmpty {
            if apiVersion.hasSuffix("/v1") {
                throw KubeError(message: "invalid configuration: exec plugin: interactiveMode must be specified for \(apiVersion) to use exec authentication plugin")
            }
            mode = "IfAvailable"
        }
        guard ["Never", "IfAvailable", "Always"].contains(mode) else {
            throw KubeError(message: "invalid configuration: exec plugin: invalid interactiveMode: \(mode)")
        }
        var c = ExecConfig(command: command, apiVersion: apiVersion, interactiveMode: mode)
        c.args = (v["args"]?.listValue ?? []).compactMap(\.stringValue)
        for e in v["env"]?.listValue ?? [] {
            guard let name = e["name"]?.stringValue else { continue }
            c.env.append((name, e["value"]?.stringValue ?? ""))
        }
        c.installHint = v["installHint"]?.stringValue ?? ""
        c.provideClusterInfo = v["provideClusterInfo"] == .bool(true)
        c.directory = directory
        return c
    }

    /// client-go's message for a legacy `auth-provider` entry (the in-tree providers are gone).
    static func authProviderError(_ v: Value) -> KubeError {
        let name = v["name"]?.stringValue ?? ""
        switch name {
        case "gcp":
            return KubeError(message: "The gcp auth plugin has been removed.\nPlease use the \"gke-gcloud-auth-plugin\" kubectl/client-go credential plugin instead.\nSee https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke for further details")
        case "azure":
            return KubeError(message: "The azure auth plugin has been removed.\nPlease use the \"kubelogin\" kubectl/client-go credential plugin instead.\nSee https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins for further details")
        default:
            return KubeError(message: "no Auth Provider found for name \"\(name)\": helmctl supports exec credential plugins (users[].user.exec) instead of auth-provider")
        }
    }
}

/// Credentials an exec plugin returned, and until when they hold.
public struct ExecCredential: Sendable, Equatable {
    public var token = ""
    public var clientCertificate: [UInt8] = []
    public var clientKey: [UInt8] = []
    /// Unix seconds of `expirationTimestamp`; nil = valid for the process's lifetime.
    public var expiresAt: Int?

    /// True once `now` (unix seconds) reached the expiry.
    public func expired(now: Int) -> Bool { expiresAt.map { now >= $0 } ?? false }

    /// Decodes the plugin's stdout, checking kind, apiVersion and that it holds a token or a full
    /// certificate/key pair.
    static func decode(_ output: [UInt8], config: ExecConfig) throws(KubeError) -> ExecCredential {
        let v: Value
        do { v = try JSON.decodeKeepingIntegers(output) } catch {
            throw KubeError(message: "getting credentials: decoding stdout: \(error)")
        }
        guard v["kind"]?.stringValue == "ExecCredential" else {
            throw KubeError(message: "getting credentials: decoding stdout: no kind \"ExecCredential\" in the plugin's output")
        }
        let got = v["apiVersion"]?.stringValue ?? ""
        guard got == config.apiVersion else {
            throw KubeError(message: "getting credentials: exec plugin is configured to use API version \(config.apiVersion), plugin returned version \(got)")
        }
        guard let status = v["status"], case .map = status else {
            throw KubeError(message: "getting credentials: exec plugin didn't return a status field")
        }
        var c = ExecCredential()
        c.token = status["token"]?.stringValue ?? ""
        c.clientCertificate = Array((status["clientCertificateData"]?.stringValue ?? "").utf8)
        c.clientKey = Array((status["clientKeyData"]?.stringValue ?? "").utf8)
        if c.clientCertificate.isEmpty != c.clientKey.isEmpty {
            throw KubeError(message: "getting credentials: exec plugin returned only \(c.clientKey.isEmpty ? "certData" : "keyData")")
        }
        if c.token.isEmpty && c.clientCertificate.isEmpty {
            throw KubeError(message: "getting credentials: exec plugin didn't return a token or cert/key pair")
        }
        if let ts = status["expirationTimestamp"]?.stringValue, !ts.isEmpty {
            guard let t = RFC3339.unixSeconds(ts) else {
                throw KubeError(message: "getting credentials: invalid expirationTimestamp \"\(ts)\"")
            }
            c.expiresAt = t
        }
        return c
    }
}

extension ExecConfig {
    /// Runs the plugin and decodes its credential. `server` and `certificateAuthority` go into
    /// `KUBERNETES_EXEC_INFO` when the plugin asked for cluster info.
    func run(server: String, certificateAuthority: [UInt8], insecure: Bool) throws(KubeError) -> ExecCredential {
        let interactive = interactiveMode != "Never" && isatty(0) == 1
        if interactiveMode == "Always" && !interactive {
            throw KubeError(message: "getting credentials: exec plugin cannot support interactive mode: standard input is not a terminal")
        }
        var spec: [String: Value] = ["interactive": .bool(interactive)]
        if provideClusterInfo {
            var cluster: [String: Value] = ["server": .string(server), "insecure-skip-tls-verify": .bool(insecure)]
            if !certificateAuthority.isEmpty {
                cluster["certificate-authority-data"] = .string(Base64Codec.encode(certificateAuthority))
            }
            spec["cluster"] = .map(cluster)
        }
        let info: Value = ["apiVersion": .string(apiVersion), "kind": "ExecCredential", "spec": .map(spec)]
        var environment = ExecConfig.currentEnvironment()
        for (name, value) in env { environment.append("\(name)=\(value)") }
        environment.append("KUBERNETES_EXEC_INFO=" + JSON.encode(info))
        let path = command.contains("/") ? FileText.join(directory, command) : command
        let result = try ExecConfig.spawn([path] + args, environment: environment, inheritStdin: interactive)
        switch result {
        case .notFound:
            var m = "getting credentials: exec: executable \(command) not found"
            if !installHint.isEmpty { m += "\n\n" + installHint }
            throw KubeError(message: m)
        case .failed(let code):
            throw KubeError(message: "getting credentials: exec: executable \(command) failed with exit code \(code)")
        case .output(let bytes):
            return try ExecCredential.decode(bytes, config: self)
        }
    }

    enum SpawnResult {
        case notFound
        case failed(Int32)
        case output([UInt8])
    }

    static func currentEnvironment() -> [String] {
        var out: [String] = []
        var p = environ
        while let entry = p.pointee {
            out.append(String(cString: entry))
            p += 1
        }
        return out
    }

    /// posix_spawnp with stdout on a pipe (read to EOF), stderr passed through to the user (as
    /// client-go does) and stdin the terminal only in interactive mode.
    static func spawn(_ argv: [String], environment: [String], inheritStdin: Bool) throws(KubeError) -> SpawnResult {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw KubeError(message: "getting credentials: cannot create a pipe") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if !inheritStdin { posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        var rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv)
        // ETXTBSY: a plugin written moments ago can still be open for writing in a child another
        // thread forked before its exec closed the descriptor; that passes within milliseconds.
        var attempt = 0
        while rc == ETXTBSY && attempt < 8 {
            attempt += 1
            usleep(UInt32(5_000 * attempt))
            rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv)
        }
        close(fds[1])
        if rc != 0 {
            close(fds[0])
            if rc == ENOENT { return .notFound }
            throw KubeError(message: "getting credentials: exec: \(argv[0]): \(String(cString: strerror(rc)))")
        }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = read(fds[0], &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
            if out.count > 4 << 20 { break }
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED/WEXITSTATUS are macros Swift does not import.
        let signalled = status & 0x7f != 0
        let code = signalled ? 128 + (status & 0x7f) : (status >> 8) & 0xff
        if code == 127 && !signalled && out.isEmpty { return .notFound }
        if code != 0 { return .failed(code) }
        return .output(out)
    }
}

/// RFC 3339 timestamps (`2026-11-27T22:00:00Z`, fractions and offsets allowed) to unix seconds.
enum RFC3339 {
    static func unixSeconds(_ s: String) -> Int? {
        let b = Array(s.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for c in b[from..<(from + count)] {
                guard (0x30...0x39).contains(c) else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x74, b[13] == 0x3A, b[16] == 0x3A,
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
              let sec = num(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 61
        else { return nil }
        var i = 19
        if i < b.count && b[i] == 0x2E {
            i += 1
            while i < b.count && (0x30...0x39).contains(b[i]) { i += 1 }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == 0x5A || b[i] == 0x7A {
            guard i + 1 == b.count else { return nil }
        } else if b[i] == 0x2B || b[i] == 0x2D {
            guard i + 6 == b.count, b[i + 3] == 0x3A, let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == 0x2D ? -1 : 1)
        } else {
            return nil
        }
        // Days from the civil date (Howard Hinnant's algorithm).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return days * 86400 + h * 3600 + mi * 60 + sec - offset
    }
}
