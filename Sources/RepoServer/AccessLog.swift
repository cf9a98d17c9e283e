import NIOCore
import NIOHTTP1

/// One access-log line in the Combined Log Format:
/// `HOST - USER [TIME] "METHOD TARGET VERSION" STATUS BYTES "REFERER" "USER-AGENT"`.
struct AccessLogLine: Sendable {
    var remote: String
    var user = "-"
    var requestLine: String
    var referer: String
    var userAgent: String
    var status = 0
    var bytes = 0

    init(request: HTTPRequestHead, remote: SocketAddress?) {
        self.remote = remote?.ipAddress ?? "-"
        requestLine = "\(request.method.rawValue) \(request.uri) HTTP/\(request.version.major).\(request.version.minor)"
        referer = request.headers.first(name: "Referer") ?? "-"
        userAgent = request.headers.first(name: "User-Agent") ?? "-"
    }

    /// The line, given the log-format time of the response (cached per second by the caller).
    func text(time: String) -> String {
        var line = ""
        line.reserveCapacity(96 + requestLine.utf8.count + userAgent.utf8.count)
        line += Self.clean(remote)
        line += " - "
        line += Self.clean(user)
        line += " ["
        line += time
        line += "] \""
        line += Self.clean(requestLine)
        line += "\" "
        line += String(status)
        line += " "
        line += String(bytes)
        line += " \""
        line += Self.clean(referer)
        line += "\" \""
        line += Self.clean(userAgent)
        line += "\""
        return line
    }

    /// Escapes quotes, backslashes and control bytes so a client cannot forge log lines.
    static func clean(_ s: String) -> String {
        // Fast path: nothing to escape (the usual case).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return s
        }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20 || u.value == 0x7f: out += "\\x" + (u.value < 16 ? "0" : "") + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
