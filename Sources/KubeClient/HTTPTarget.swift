import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The event-loop thread every API-server connection of the process runs on, started on first use
/// (one thread: a CLI's requests are few and small; the caller's thread waits on its futures).
enum ClientEventLoop {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static var loop: any EventLoop { group.next() }
}

/// A transport failure, with whether the request surely never reached the server (so that any verb
/// may be retried).
struct TransportFailure: Error, Sendable {
    var error: KubeError
    var notSent: Bool
}

/// Where a URL's requests go: scheme, host and port (connections are shared per endpoint).
struct Endpoint: Hashable, Sendable {
    var tls: Bool
    /// The host without IPv6 brackets.
    var host: String
    var port: Int

    /// The `Host` header value.
    var hostHeader: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return (tls && port == 443) || (!tls && port == 80) ? h : "\(h):\(port)"
    }

    /// Splits `http(s)://host[:port]/path?query` into its endpoint and request target.
    static func parse(_ url: String) -> (Endpoint, String)? {
        let tls: Bool
        var rest: Substring
        if url.hasPrefix("https://") {
            tls = true
            rest = url.dropFirst(8)
        } else if url.hasPrefix("http://") {
            tls = false
            rest = url.dropFirst(7)
        } else {
            return nil
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host: Substring
        var portText: Substring = ""
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { return nil }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        var port = tls ? 443 : 80
        if !portText.isEmpty {
            guard portText.allSatisfy(\.isASCII), let p = Int(portText), (1...65535).contains(p) else { return nil }
            port = p
        }
        var target = String(rest)
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        return (Endpoint(tls: tls, host: String(host), port: port), target)
    }

    /// True when `host` is an IPv4 or IPv6 literal (no name resolution; no SNI).
    var isIPAddress: Bool { (try? SocketAddress(ipAddress: host, port: port)) != nil }
}

/// One request ready for the wire: where it goes and what it sends.
struct WireRequest: Sendable {
    var endpoint: Endpoint
    var head: HTTPRequestHead
    var body: ByteBuffer?
}

/// The TLS and credential settings of a client's connections, derived from its ``KubeConfig``.
struct ConnectionSettings: Sendable {
    var sslContext: NIOSSLContext?
    /// The name checked against the server certificate (`tls-server-name`, else the URL's host when
    /// it is a name; an IP address is checked against the certificate's IP entries).
    var serverName: String?
    var token: String
    /// Bumped whenever the settings change, so connections made with older credentials are not reused.
    var generation: Int

    /// Builds the TLS context for `config`'s certificate authority, client certificate and key.
    static func make(_ config: KubeConfig, generation: Int) -> Result<ConnectionSettings, KubeError> {
        var settings = ConnectionSettings(sslContext: nil, serverName: nil, token: config.token, generation: generation)
        guard config.server.hasPrefix("https://") else { return .success(settings) }
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if !config.certificateAuthority.isEmpty {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(config.certificateAuthority))
            }
            if !config.clientCertificate.isEmpty {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(config.clientCertificate).map { .certificate($0) }
            }
            if !config.clientKey.isEmpty {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: config.clientKey, format: .pem))
            }
        } catch {
            return .failure(KubeError(message: "Kubernetes cluster unreachable: unable to load TLS credentials of the kubeconfig: \(error)"))
        }
        if config.insecureSkipTLSVerify { tls.certificateVerification = .none }
        do {
            settings.sslContext = try NIOSSLContext(configuration: tls)
        } catch {
            return .failure(KubeError(message: "Kubernetes cluster unreachable: unable to set up TLS: \(error)"))
        }
        if !config.tlsServerName.isEmpty {
            settings.serverName = config.tlsServerName
        } else if let (e, _) = Endpoint.parse(config.server), !e.isIPAddress {
            settings.serverName = e.host
        }
        return .success(settings)
    }

    /// The request for `method url` with `headers` (`Name: value` lines) and `body`.
    func request(method: String, url: String, headers: [String], body: [UInt8]?) -> WireRequest? {
        guard let (endpoint, target) = Endpoint.parse(url) else { return nil }
        var h = HTTPHeaders()
        h.add(name: "Host", value: endpoint.hostHeader)
        h.add(name: "User-Agent", value: "helmctl/4.2.3")
        for line in headers {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            h.add(name: String(line[..<colon]), value: String(value))
        }
        if !token.isEmpty { h.add(name: "Authorization", value: "Bearer \(token)") }
        var buffer: ByteBuffer?
        if let body {
            h.add(name: "Content-Length", value: String(body.count))
            buffer = ByteBuffer(bytes: body)
        } else if method != "GET" && method != "HEAD" {
            h.add(name: "Content-Length", value: "0")
        }
        let head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: target, headers: h)
        return WireRequest(endpoint: endpoint, head: head, body: buffer)
    }
}
