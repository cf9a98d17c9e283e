import CLibCrypto  // `struct tm` surfaces through OpenSSL's headers under MemberImportVisibility
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The commands' OCI entry points: `push`, `pull oci://…`, `registry login|logout`.
public enum OCIActions {
    /// Whether a chart reference names an OCI registry.
    public static func isOCI(_ ref: String) -> Bool { ref.hasPrefix("oci://") }

    static func client(host: String, plainHTTP: Bool, http: HTTPOptions, config: RegistryConfig) throws(ChartEngineError) -> OCIClient {
        var c = OCIClient(host: host, plainHTTP: plainHTTP)
        c.username = http.username
        c.password = http.password
        c.tls = http
        try c.useStoredCredentials(config)
        return c
    }

    /// Downloads `oci://HOST/REPO[:TAG]` at `version` (exact, constraint, or the newest), with its
    /// provenance layer when `withProvenance` and the manifest has one.
    public static func fetch(_ ref: String, version: String, plainHTTP: Bool, http: HTTPOptions,
                             config: RegistryConfig, withProvenance: Bool = false) throws(ChartEngineError) -> OCIResult
    {
        var r = try OCIReference(ref)
        var c = try client(host: r.host, plainHTTP: plainHTTP, http: http, config: config)
        r.tag = try c.resolveTag(r, version: version)
        return try c.pull(r, withProvenance: withProvenance)
    }

    /// `helm push`: returns what Helm prints (`Pushed: …` and `Digest: …`).
    public static func push(archive path: String, to remote: String, plainHTTP: Bool, http: HTTPOptions,
                            config: RegistryConfig) throws(ChartEngineError) -> String
    {
        guard isOCI(remote) else {
            throw ChartEngineError(.usage, "scheme prefix missing from remote (e.g. \"oci://\")")
        }
        let bytes = try ChartArchive.readArchiveFile(path)
        let r = try OCIReference(remote)
        var c = try client(host: r.host, plainHTTP: plainHTTP, http: http, config: config)
        // Helm's `created` annotation is the archive's inode change time (internal/time/ctime), so
        // pushing the same file twice gives the same manifest digest.
        var st = stat()
        let when = stat(path, &st) == 0 ? st.st_ctim.tv_sec : time(nil)
        // Helm's OCI pusher sends `CHART.tgz.prov` along when it sits next to the archive.
        let prov: [UInt8]? = FileSystem.kind(of: path + ".prov") == .file ? try FileSystem.read(path + ".prov") : nil
        let result = try c.push(chart: bytes, provenance: prov, to: r, created: rfc3339(when))
        return "Pushed: \(result.reference)\nDigest: \(result.digest)\n"
    }

    /// `helm registry login`: verifies the credentials, then stores them.
    public static func login(host: String, username: String, password: String, plainHTTP: Bool, http: HTTPOptions,
                             config: RegistryConfig) throws(ChartEngineError) -> String
    {
        var c = OCIClient(host: host, plainHTTP: plainHTTP)
        c.username = username
        c.password = password
        c.tls = http
        try c.ping()
        try config.store(host: host, username: username, password: password)
        return "Login Succeeded\n"
    }

    /// `helm registry logout`.
    public static func logout(host: String, config: RegistryConfig) throws(ChartEngineError) -> String {
        try config.remove(host: host)
        return "Removing login credentials for \(host)\n"
    }

    /// `t.UTC().Format(time.RFC3339)`.
    static func rfc3339(_ seconds: time_t) -> String {
        var t = seconds
        var tmv = tm()
        gmtime_r(&t, &tmv)
        func p(_ v: Int32, _ w: Int = 2) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(p(tmv.tm_year + 1900, 4))-\(p(tmv.tm_mon + 1))-\(p(tmv.tm_mday))T\(p(tmv.tm_hour)):\(p(tmv.tm_min)):\(p(tmv.tm_sec))Z"
    }
}
