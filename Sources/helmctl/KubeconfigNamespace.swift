import StructuredData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The namespace of the current kubeconfig context, as client-go's loader resolves it for Helm:
/// `--kubeconfig`, else the files of `KUBECONFIG` (`:`-separated, first `current-context` and first
/// context of a name win), else `~/.kube/config`; `--kube-context` picks another context.
enum KubeconfigNamespace {
    static func current(kubeconfig: String? = nil, context: String? = nil) -> String? {
        var paths: [String] = []
        if let explicit = kubeconfig, !explicit.isEmpty {
            paths = [explicit]
        } else if let env = getenv("KUBECONFIG"), !String(cString: env).isEmpty {
            paths = String(cString: env).split(separator: ":").map(String.init)
        } else if let home = getenv("HOME") {
            paths = [String(cString: home) + "/.kube/config"]
        }
        var currentContext: String? = (context?.isEmpty ?? true) ? nil : context
        var contexts: [String: String] = [:]
        for path in paths {
            guard let text = readText(path), case .map(let doc)? = try? YAML.decode(text, numbersAsFloat: false)
            else { continue }
            if currentContext == nil, case .string(let c)? = doc["current-context"], !c.isEmpty { currentContext = c }
            if case .list(let list)? = doc["contexts"] {
                for item in list {
                    guard case .string(let name)? = item["name"], contexts[name] == nil else { continue }
                    if case .string(let ns)? = item["context"]?["namespace"] { contexts[name] = ns } else { contexts[name] = "" }
                }
            }
        }
        guard let c = currentContext, let ns = contexts[c], !ns.isEmpty else { return nil }
        return ns
    }

    static func readText(_ path: String) -> String? {
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
}
