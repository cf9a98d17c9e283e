import Foundation
import Testing
@testable import ClusterCore

@Suite("process runner")
struct ProcessRunnerTests {
    @Test("captures stdout, stderr and the exit code")
    func capturesOutput() async throws {
        let out = try await ProcessRunner.run(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(out.stdout == "out\n")
        #expect(out.stderr == "err\n")
        #expect(out.status == 3)
    }

    @Test("returns when the child exits even though a process it left behind holds its output open")
    func doesNotWaitForLeftBehindProcesses() async throws {
        // The background sleep inherits stdout; EOF only comes when it ends, 60 s later.
        let out = try await ProcessRunner.run(["/bin/sh", "-c", "sleep 60 & echo $!"])
        let pid = pid_t(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(pid > 0)
        #expect(out.status == 0)
        // Still running: the runner did not wait for it. End it (we started it).
        #expect(kill(pid, 0) == 0)
        if pid > 0 { kill(pid, SIGKILL) }
    }

    @Test("children inherit no descriptors beyond stdin, stdout and stderr")
    func childrenInheritOnlyStandardDescriptors() async throws {
        // A descriptor of this process without close-on-exec, as Foundation's Pipe makes them.
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let out = try await ProcessRunner.run(["/bin/sh", "-c", "ls /proc/self/fd"])
        let open = Set(out.stdout.split(separator: "\n").compactMap { Int32($0) })
        // 0-2, plus the descriptor `ls` opens to read the directory.
        #expect(!open.contains(fds[0]) && !open.contains(fds[1]), "\(open.sorted())")
        #expect(open.filter { $0 > 2 }.count <= 1, "\(open.sorted())")
    }
}
