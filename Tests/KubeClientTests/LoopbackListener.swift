import Foundation

/// A listening TCP socket on 127.0.0.1 with a port the kernel picked, for the tests' fake servers.
enum LoopbackListener {
    /// The socket and its port; throws when it cannot bind or listen.
    static func open(backlog: Int32 = 16) throws -> (fd: Int32, port: Int) {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, len) == 0 && getsockname(sock, $0, &len) == 0 }
        }
        guard bound, listen(sock, backlog) == 0 else {
            close(sock)
            throw POSIXError(.EADDRINUSE)
        }
        return (sock, Int(UInt16(bigEndian: addr.sin_port)))
    }
}
