/// Helm's `validateNoDeprecations`: a warning for API versions deprecated at the Kubernetes version
/// being linted for (`--kube-version`, default v1.36 as Helm v4.2.3 is built).
enum DeprecationRules {
    static let defaultVersion = (major: 1, minor: 36)

    /// The table by `apiVersion kind` (the scheme's lookup is case-sensitive).
    static let index: [String: DeprecatedAPIs.Entry] = Dictionary(
        DeprecatedAPIs.entries.map { ($0.apiVersion + " " + $0.kind, $0) }, uniquingKeysWith: { a, _ in a })

    static func problem(_ o: K8sObjectStub, kubeVersion: KubeVersion?) -> String? {
        if o.apiVersion.isEmpty || o.kind.isEmpty { return nil }
        guard let e = index[o.apiVersion + " " + o.kind] else { return nil }
        var current = defaultVersion
        if let kv = kubeVersion {
            guard let major = Int(kv.major), let minor = Int(kv.minor) else { return nil }
            current = (major, minor)
        }
        if current.major < e.deprecated.major
            || (current.major == e.deprecated.major && current.minor < e.deprecated.minor)
        {
            return nil
        }
        var msg = "\(e.apiVersion) \(e.kind) is deprecated in v\(e.deprecated.major).\(e.deprecated.minor)+"
        if let r = e.removed { msg += ", unavailable in v\(r.major).\(r.minor)+" }
        if let r = e.replacement { msg += "; use \(r.apiVersion) \(r.kind)" }
        return msg
    }
}
