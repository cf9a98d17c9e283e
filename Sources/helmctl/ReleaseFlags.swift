import CommandLineKit
import ChartEngine
import KubeClient
import StructuredData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Helm's global cluster flags shared by the release commands.
struct ClusterFlags: ParsableArguments {
    @Option(name: [.customShort("n"), .customLong("namespace")], help: "namespace scope for this request")
    var namespace: String?

    @Option(name: .customLong("kubeconfig"), help: "path to the kubeconfig file")
    var kubeconfig: String?

    @Option(name: .customLong("kube-context"), help: "name of the kubeconfig context to use")
    var kubeContext: String?

    @Option(name: .customLong("kube-token"), help: "bearer token used for authentication")
    var kubeToken: String?

    @Option(name: .customLong("kube-apiserver"), help: "the address and the port for the Kubernetes API server")
    var kubeAPIServer: String?

    @Flag(name: .customLong("kube-insecure-skip-tls-verify"), help: "skip server certificate verification")
    var insecure = false

    @Flag(name: .customLong("debug"), help: "enable verbose output")
    var debug = false

    /// `-n`, else `HELM_NAMESPACE`, else the context's namespace, else `default`.
    func resolvedNamespace(_ cfg: KubeConfig?) -> String {
        if let ns = namespace, !ns.isEmpty { return ns }
        if let env = getenv("HELM_NAMESPACE"), !String(cString: env).isEmpty { return String(cString: env) }
        return cfg?.namespace ?? "default"
    }

    /// The kubeconfig with the command-line overrides.
    func config() throws -> KubeConfig {
        var cfg: KubeConfig
        if let server = kubeAPIServer, !server.isEmpty {
            cfg = (try? KubeConfig.load(path: kubeconfig, context: kubeContext)) ?? KubeConfig(server: server)
            cfg.server = server
        } else {
            cfg = try KubeConfig.load(path: kubeconfig, context: kubeContext)
        }
        if let t = kubeToken, !t.isEmpty { cfg.token = t }
        if insecure { cfg.insecureSkipTLSVerify = true }
        return cfg
    }

    /// For `--dry-run=client`: no cluster is contacted and records live in memory, as Helm's client
    /// dry run (the kubeconfig only supplies the namespace when it can be read).
    func offlineContext() throws -> (ReleaseContext, String) {
        let cfg = try? config()
        let client = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:0"))
        let ns = resolvedNamespace(cfg)
        return (ReleaseContext(client: client, store: ReleaseStore(driver: MemoryReleaseDriver(namespace: ns))), ns)
    }

    /// `$HELM_CACHE_HOME/discovery` (else `$XDG_CACHE_HOME/helm/…`, else `~/.cache/helm/…`); nil when
    /// `HELMCTL_DISCOVERY_CACHE=0`.
    static func discoveryCacheDirectory() -> String? {
        func env(_ k: String) -> String? {
            guard let v = getenv(k) else { return nil }
            let s = String(cString: v)
            return s.isEmpty ? nil : s
        }
        if env("HELMCTL_DISCOVERY_CACHE") == "0" { return nil }
        if let h = env("HELM_CACHE_HOME") { return h + "/discovery" }
        if let x = env("XDG_CACHE_HOME") { return x + "/helm/discovery" }
        if let home = env("HOME") { return home + "/.cache/helm/discovery" }
        return nil
    }

    /// The context of an install or upgrade of `release`, made before the chart is loaded so that
    /// the release's history is already being read (``ReleaseStore/readHistoryAhead(_:)``) while the
    /// chart loads and renders; its errors are thrown where the caller takes the result, after the
    /// chart's, as before.
    func earlyContext(release: String, offline: Bool) -> Result<(ReleaseContext, String), any Error> {
        let made = Result { () throws -> (ReleaseContext, String) in offline ? try offlineContext() : try context() }
        if !offline, case .success(let (ctx, _)) = made { ctx.store.readHistoryAhead(release) }
        return made
    }

    /// The client and release store for `namespace` (nil = all namespaces, for listing).
    func context(allNamespaces: Bool = false) throws -> (ReleaseContext, String) {
        let cfg = try config()
        let client = try KubeClient(config: cfg)
        if let dir = ClusterFlags.discoveryCacheDirectory() { client.useDiscoveryCache(directory: dir) }
        let ns = resolvedNamespace(cfg)
        let store = try ReleaseStore.fromEnvironment(client: client, namespace: allNamespaces ? nil : ns)
        return (ReleaseContext(client: client, store: store), ns)
    }
}

/// `-o table|json|yaml`.
enum ReleaseOutput: String, ExpressibleByArgument {
    case table, json, yaml
}

/// Release printing shared by install/upgrade/status/get.
enum ReleasePrinter {
    /// `helm status`'s text layout (Helm v4 `statusPrinter.WriteTable`, without the resources table).
    static func status(_ r: Release, showMetadata: Bool = false, debug: Bool = false, hideNotes: Bool = false,
                       resources: String = "") -> String {
        var s = "NAME: \(r.name)\n"
        if !r.info.lastDeployed.isEmpty { s += "LAST DEPLOYED: \(ReleaseTime.ansic(r.info.lastDeployed))\n" }
        s += "NAMESPACE: \(r.namespace)\n"
        s += "STATUS: \(r.info.status.rawValue)\n"
        s += "REVISION: \(r.version)\n"
        if showMetadata {
            s += "CHART: \(r.chartName)\nVERSION: \(r.chartVersion)\nAPP_VERSION: \(r.appVersion)\n"
        }
        s += "DESCRIPTION: \(r.info.description)\n"
        if !resources.isEmpty { s += "RESOURCES:\n\(resources)\n" }
        let tests = r.hooks.filter { $0.events.contains("test") }
        if tests.isEmpty {
            s += "TEST SUITE: None\n"
        } else {
            for h in tests {
                guard let started = h.lastRun["started_at"]?.stringValue, !started.isEmpty,
                      !started.hasPrefix("0001-01-01") else { continue }
                s += "TEST SUITE:     \(h.name)\n"
                s += "Last Started:   \(ReleaseTime.ansic(started))\n"
                s += "Last Completed: \(ReleaseTime.ansic(h.lastRun["completed_at"]?.stringValue ?? ""))\n"
                s += "Phase:          \(h.lastRun["phase"]?.stringValue ?? "")\n"
            }
        }
        if debug {
            s += "USER-SUPPLIED VALUES:\n" + YAML.encode(.map(r.config)) + "\n"
            s += "COMPUTED VALUES:\n" + YAML.encode(.map(ValuesFile.mergeMaps(r.chartValues, r.config))) + "\n"
        }
        if r.info.description.lowercased() == "dry run complete" || debug {
            s += "HOOKS:\n" + r.hooks.map { "---\n# Source: \($0.path)\n\($0.manifest)\n" }.joined()
            s += "MANIFEST:\n\(r.manifest)\n"
        }
        if !hideNotes && !r.info.notes.isEmpty {
            s += "NOTES:\n\(r.info.notes.trimmingGoSpaceCLI())\n"
        }
        return s
    }

    static func encoded(_ v: Value, _ format: ReleaseOutput) -> String {
        format == .yaml ? YAML.encode(v) : JSON.encode(v) + "\n"
    }

    /// A uitable-style table: every cell padded to its column's width, cells joined by tabs.
    static func table(_ rows: [[String]], maxColWidth: Int = 0) -> String {
        var rows = rows
        if maxColWidth > 3 {
            // uitable's truncation: at most maxColWidth characters, the cut marked with "...".
            rows = rows.map { $0.map { $0.count > maxColWidth ? String($0.prefix(maxColWidth - 3)) + "..." : $0 } }
        }
        guard let first = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: first.count)
        for row in rows { for (i, c) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        return rows.map { row in
            row.enumerated().map { i, c in c + String(repeating: " ", count: max(0, widths[i] - c.count)) }
                .joined(separator: "\t")
        }.joined(separator: "\n") + "\n"
    }

    static func output(_ r: Release, _ format: ReleaseOutput) -> String {
        switch format {
        case .table: return status(r, showMetadata: false)
        default: return encoded(r.json, format)
        }
    }
}

extension String {
    func trimmingGoSpaceCLI() -> String {
        let ws: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"]
        var s = Substring(self).unicodeScalars
        while let f = s.first, ws.contains(f) { s = s.dropFirst() }
        while let l = s.last, ws.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// Parses `--labels k=v,k2=v2`.
func parseLabels(_ items: [String]) throws -> [String: String] {
    var out: [String: String] = [:]
    for item in items.flatMap({ $0.split(separator: ",").map(String.init) }) {
        guard let eq = item.firstIndex(of: "=") else {
            throw ChartEngineError(.usage, "invalid argument \"\(item)\" for \"-l, --labels\" flag: \(item) must be formatted as key=value")
        }
        out[String(item[..<eq])] = String(item[item.index(after: eq)...])
    }
    return out
}

/// `HELM_MAX_HISTORY` or 10.
func defaultHistoryMax() -> Int {
    if let e = getenv("HELM_MAX_HISTORY"), let n = Int(String(cString: e)) { return n }
    return 10
}

/// Parses Go durations like `5m0s`, `300s`, `1h` into seconds.
func parseDuration(_ s: String) throws -> Int {
    var total = 0.0
    var num = ""
    var chars = Array(s)
    if chars.isEmpty { return 0 }
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if c.isNumber || c == "." { num.append(c); i += 1; continue }
        var unit = String(c)
        if c == "m" && i + 1 < chars.count && chars[i + 1] == "s" { unit = "ms"; i += 1 }
        guard let v = Double(num) else { throw ChartEngineError(.usage, "time: invalid duration \"\(s)\"") }
        switch unit {
        case "h": total += v * 3600
        case "m": total += v * 60
        case "s": total += v
        case "ms": total += v / 1000
        default: throw ChartEngineError(.usage, "time: invalid duration \"\(s)\"")
        }
        num = ""
        i += 1
    }
    if !num.isEmpty {
        if num == "0" { return Int(total) }
        throw ChartEngineError(.usage, "time: missing unit in duration \"\(s)\"")
    }
    chars = []
    return Int(total.rounded(.up))
}
