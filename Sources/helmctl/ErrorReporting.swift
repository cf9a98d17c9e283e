import CommandLineKit
import ChartEngine
import ClusterCore
import KubeClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place that maps errors to output and exit codes.
///
/// Helm prints `Error: MESSAGE` on standard error and exits 1 for every failure, usage errors
/// included (cobra's `unknown flag: --x`), so helmctl does the same; help and `--version` exit 0.
enum ErrorReporting {
    static func run(_ root: HelmCtl.Type) -> Never {
        do {
            let arguments = GlobalFlagOrder.moved(Array(CommandLine.arguments.dropFirst()))
            var command = try CommandParser.parse(root, arguments)
            try command.run()
            exit(0)
        } catch let e as ChartEngineError {
            fail(e.message)
        } catch let e as ClusterError {
            fail(e.description)
        } catch let e as KubeError {
            fail(e.message)
        } catch let e as CommandLineError {
            fail(e.message)
        } catch CleanExit.helpRequest(let path) {
            writeStdout(Help.text(path))
            exit(0)
        } catch let e as ExitCode {
            exit(e.rawValue)
        } catch {
            fail(String(describing: error))
        }
    }

    static func fail(_ message: String) -> Never {
        writeStderr("Error: \(message)\n")
        exit(1)
    }

    static func writeStderr(_ s: String) { writeAll(2, s) }

    static func writeStdout(_ s: String) { writeAll(1, s) }

    /// Unbuffered write of the whole string to a file descriptor.
    static func writeAll(_ fd: Int32, _ s: String) {
        var bytes = Array(s.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buf in
                write(fd, buf.baseAddress.map { $0 + offset }, buf.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
    }
}
