public import Foundation

/// What a finished child process printed and how it ended.
public struct ChildProcessResult: Equatable, Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: Data

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

extension TestSupport {
    /// Runs `executable` with `arguments` to its end (blocking: call it off the cooperative pool from
    /// async tests), with `environment` (default: this process's) and `cwd`. Both output streams are
    /// collected, stderr on its own thread, so neither pipe can fill up and stall the child; with
    /// `discardingStderr` it goes to /dev/null (children that leave daemons holding it, such as gpg).
    public static func runChild(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                                cwd: String? = nil, discardingStderr: Bool = false) throws -> ChildProcessResult
    {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let environment { p.environment = environment }
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = discardingStderr ? FileHandle.nullDevice : err
        try p.run()
        let errBox = DataBox()
        let errDone = DispatchSemaphore(value: 0)
        if discardingStderr {
            errDone.signal()
        } else {
            Thread.detachNewThread {
                errBox.data = err.fileHandleForReading.readDataToEndOfFile()
                errDone.signal()
            }
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        errDone.wait()
        p.waitUntilExit()
        return ChildProcessResult(status: p.terminationStatus, stdout: o, stderr: errBox.data)
    }
}

/// The stderr bytes handed from the reading thread (read only after its semaphore).
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
