import NIOConcurrencyHelpers
#if canImport(Glibc)
    import Glibc
#endif

/// TCP and HTTP probes from inside a container's network namespace: a dedicated thread enters
/// `/proc/<pid>/ns/net` (setns affects only the calling thread, which then ends) and connects
/// there, so probes reach `127.0.0.1` in the pod whether or not the pod has an address of its own.
enum ProbeNetwork {
    struct Outcome: Sendable, Equatable {
        var success: Bool
        var message: String
    }

    /// An HTTP GET (scheme HTTP) for httpGet probes.
    struct HTTPRequest: Sendable {
        var path: String
        var headers: [(String, String)]
    }

    /// `setns(2)` is not in Swift's Glibc module (it needs _GNU_SOURCE); glibc exports it.
    private typealias SetnsFunction = @convention(c) (Int32, Int32) -> Int32
    private static let setnsFunction: SetnsFunction? = {
        guard let symbol = dlsym(nil, "setns") else { return nil }
        return unsafeBitCast(symbol, to: SetnsFunction.self)
    }()
    private static let cloneNewNet: Int32 = 0x4000_0000

    /// Connects to `host:port` in `pid`'s network namespace; with `http`, sends the request and
    /// judges the status line (200-399 succeed). Blocks up to about `timeout` seconds.
    static func probe(pid: Int32, host: String, port: Int, timeout: Double, http: HTTPRequest?) async -> Outcome {
        (try? await DedicatedThread.run { run(pid: pid, host: host, port: port, timeout: timeout, http: http) })
            ?? Outcome(success: false, message: "cannot start a probe thread")
    }

    private static func run(pid: Int32, host: String, port: Int, timeout: Double, http: HTTPRequest?) -> Outcome {
        guard let setns = setnsFunction else { return Outcome(success: false, message: "setns is unavailable") }
        let ns = open("/proc/\(pid)/ns/net", O_RDONLY | O_CLOEXEC)
        guard ns >= 0 else { return Outcome(success: false, message: "container network namespace: \(systemError(errno))") }
        let entered = setns(ns, cloneNewNet)
        close(ns)
        guard entered == 0 else { return Outcome(success: false, message: "setns: \(systemError(errno))") }
        let deadline = ClusterProcess.monotonicSeconds() + max(0.1, timeout)
        let target = "\(host):\(port)"
        let fd: Int32
        switch connect(host: host, port: port, deadline: deadline) {
        case .success(let s): fd = s
        case .failure(let message): return Outcome(success: false, message: "dial tcp \(target): \(message)")
        }
        defer { close(fd) }
        guard let http else { return Outcome(success: true, message: "") }
        var request = "GET \(http.path.isEmpty ? "/" : http.path) HTTP/1.1\r\n"
        var names = Set<String>()
        for (name, value) in http.headers {
            names.insert(name.lowercased())
            request += "\(name): \(value)\r\n"
        }
        if !names.contains("host") { request += "Host: \(target)\r\n" }
        if !names.contains("user-agent") { request += "User-Agent: kube-probe/1.32\r\n" }
        if !names.contains("accept") { request += "Accept: */*\r\n" }
        request += "Connection: close\r\n\r\n"
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return Outcome(success: false, message: "Get \"http://\(target)\(http.path)\": \(systemError(errno))") }
            sent += n
        }
        // The status line is all a probe judges.
        var reply: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while !reply.contains(UInt8(ascii: "\n")) && reply.count < 8192 {
            let left = Int32(max(0, (deadline - ClusterProcess.monotonicSeconds()) * 1000))
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, left)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else {
                return Outcome(success: false, message: "Get \"http://\(target)\(http.path)\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
            }
            let n = recv(fd, &buf, buf.count, 0)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            reply += buf[0..<n]
        }
        let line = String(decoding: reply.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let code = Int(parts[1]) else {
            return Outcome(success: false, message: "Get \"http://\(target)\(http.path)\": malformed HTTP response \"\(line.prefix(80))\"")
        }
        if (200..<400).contains(code) { return Outcome(success: true, message: "") }
        return Outcome(success: false, message: "HTTP probe failed with statuscode: \(code)")
    }

    /// An errno as Go words it in probe messages ("connection refused", lower case).
    private static func systemError(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    private enum Dial {
        case success(Int32)
        case failure(String)
    }

    /// A non-blocking connect bounded by `deadline` (IPv4 literal addresses; names are not resolved here).
    private static func connect(host: String, port: Int, deadline: Double) -> Dial {
        guard (1...65535).contains(port) else { return .failure("invalid port \(port)") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { return .failure("cannot resolve \(host) (IPv4 addresses only)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return .failure(systemError(errno)) }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 && errno != EINPROGRESS {
            let message = systemError(errno)
            close(fd)
            return .failure("connect: \(message)")
        }
        if rc != 0 {
            while true {
                let left = Int32(max(0, (deadline - ClusterProcess.monotonicSeconds()) * 1000))
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let ready = poll(&p, 1, left)
                if ready < 0 && errno == EINTR { continue }
                if ready <= 0 {
                    close(fd)
                    return .failure("i/o timeout")
                }
                break
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 {
                close(fd)
                return .failure("connect: \(systemError(error))")
            }
        }
        // Blocking from here on; reads are bounded by poll.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return .success(fd)
    }
}
