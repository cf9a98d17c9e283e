import ChartEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `helm registry login`'s `getUsernamePassword`/`readLine` (pkg/cmd/registry_login.go): with
/// neither `--password` nor `--password-stdin` the username (when missing) and the password or
/// token are asked for on standard output and read from standard input, the secret with the
/// terminal's echo turned off. As in Helm (moby/term), a silent prompt on a standard input that is
/// not a terminal fails with the `tcgetattr` error.
enum CredentialPrompt {
    /// The credentials to log in with; `stdin` reads standard input (tests pass their own).
    static func usernamePassword(username: String, password: String, passwordFromStdin: Bool,
                                 stdin: Int32 = 0) throws -> (username: String, password: String)
    {
        var user = username
        var secret = password
        if passwordFromStdin {
            // Helm trims one `\n`, then one `\r` (bytes: `"\r\n"` is a single Swift Character).
            var bytes = StandardInput.readAll()
            if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            secret = String(decoding: bytes, as: UTF8.self)
        } else if secret.isEmpty {
            if user.isEmpty {
                user = goTrimSpace(try readLine("Username: ", silent: false, fd: stdin))
            }
            if user.isEmpty {
                secret = try readLine("Token: ", silent: true, fd: stdin)
                if secret.isEmpty { throw ChartEngineError(.usage, "token required") }
            } else {
                secret = try readLine("Password: ", silent: true, fd: stdin)
                if secret.isEmpty { throw ChartEngineError(.usage, "password required") }
            }
        } else {
            ErrorReporting.writeStderr("WARNING: Using --password via the CLI is insecure. Use --password-stdin.\n")
        }
        return (user, secret)
    }

    /// Prints `prompt` and reads one line (without its `\n` or `\r\n`); `silent` turns the
    /// terminal's echo off for the read and prints the newline the user's Enter did not show.
    static func readLine(_ prompt: String, silent: Bool, fd: Int32) throws -> String {
        var saved = termios()
        if silent {
            // Echo goes off before the prompt shows (Helm turns it off just after), so nothing typed
            // in response can be echoed; what is printed is the same.
            guard tcgetattr(fd, &saved) == 0 else {
                let code = errno
                ErrorReporting.writeStdout(prompt)
                throw ChartEngineError(.io, errnoText(code))
            }
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            guard tcsetattr(fd, TCSANOW, &quiet) == 0 else {
                let code = errno
                ErrorReporting.writeStdout(prompt)
                throw ChartEngineError(.io, errnoText(code))
            }
        }
        defer { if silent { _ = tcsetattr(fd, TCSANOW, &saved) } }
        ErrorReporting.writeStdout(prompt)
        let line = try readOneLine(fd)
        if silent { ErrorReporting.writeStdout("\n") }
        return line
    }

    /// bufio's `ReadLine` on a fresh reader: bytes up to `\n` (a `\r` before it dropped); end of input
    /// before any byte is Go's `EOF` error. Lines are capped at 64 KiB (bufio's buffer is 4 KiB and
    /// would return a prefix; nobody types a longer secret).
    static func readOneLine(_ fd: Int32) throws -> String {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 1 << 16 {
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw ChartEngineError(.io, errnoText(errno)) }
            if n == 0 {
                if bytes.isEmpty { throw ChartEngineError(.io, "EOF") }
                break
            }
            if byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Go's `syscall.Errno.Error()` text (strerror, lower-cased first letter).
    static func errnoText(_ code: Int32) -> String {
        guard let p = strerror(code) else { return "errno \(code)" }
        let s = String(cString: p)
        guard let first = s.first else { return s }
        return first.lowercased() + s.dropFirst()
    }
}

/// Go's `strings.TrimSpace` for ASCII whitespace (bytes, so `"\r\n"` is trimmed too).
func goTrimSpace(_ s: String) -> String {
    let ws: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C]
    var b = Array(s.utf8)
    while let f = b.first, ws.contains(f) { b.removeFirst() }
    while let l = b.last, ws.contains(l) { b.removeLast() }
    return String(decoding: b, as: UTF8.self)
}
