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

    func text(time: Int) -> String {
        "\(Self.clean(remote)) - \(Self.clean(user)) [\(HTTPDate.logFormat(time))] \"\(Self.clean(requestLine))\" "
            + "\(status) \(bytes) \"\(Self.clean(referer))\" \"\(Self.clean(userAgent))\""
    }

    /// Escapes quotes, backslashes and control bytes so a client cannot forge log lines.
    static func clean(_ s: String) -> String {
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
