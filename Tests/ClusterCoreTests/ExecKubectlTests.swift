import Foundation
import Testing
@testable import ClusterCore

/// The real kubectl (1.32, WebSocket v5 first) execs into a pod of an in-process API server.
@Suite("exec: real kubectl", .serialized)
struct ExecKubectlTests {
    /// Runs a shell command line with `KUBECONFIG` unset and kubectl pointed at the server; returns (status, stdout+stderr).
    static func run(_ command: String, port: Int, stdin: String? = nil) async throws -> (Int32, String) {
        try await offPool {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", command]
            var env = ProcessInfo.processInfo.environment
            env["KUBECONFIG"] = "/nonexistent"
            env["K"] = "kubectl --server=http://127.0.0.1:\(port) --request-timeout=60s"
            p.environment = env
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            let input = Pipe()
            p.standardInput = input
            try p.run()
            if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
            try input.fileHandleForWriting.close()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }

    @Test("kubectl exec: output, exit code, -i stdin, -it through a pseudo-terminal")
    func kubectlExec() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl") else {
            Issue.record("kubectl is not installed")
            return
        }
        try await ExecServerFixture.with { f in
            #expect(await f.runningPod("shell"))
            let port = f.port
            let hi = try await Self.run("$K exec shell -- echo hi", port: port)
            #expect(hi.0 == 0)
            #expect(hi.1 == "hi\n", "\(hi.1)")
            let failing = try await Self.run("$K exec shell -- sh -c 'echo to-stderr >&2; exit 3'", port: port)
            #expect(failing.0 == 3, "\(failing.1)")
            #expect(failing.1.contains("to-stderr"))
            #expect(failing.1.contains("command terminated with exit code 3"), "\(failing.1)")
            let piped = try await Self.run("$K exec -i shell -- sh -c 'cat; echo end'", port: port, stdin: "from stdin\n")
            #expect(piped.0 == 0, "\(piped.1)")
            #expect(piped.1 == "from stdin\nend\n", "\(piped.1)")
            // -t needs a terminal on kubectl's side: script(1) provides one.
            let tty = try await Self.run(#"script -qec "$K exec -it shell -- sh -c 'test -t 0 && echo on-a-tty; exit 6'" /dev/null"#, port: port)
            #expect(tty.1.contains("on-a-tty"), "\(tty.1)")
            #expect(tty.0 == 6, "\(tty.1)")
            // A command that cannot start: Kubernetes' error, kubectl's exit code 1 (with and without -it).
            let missing = try await Self.run("$K exec shell -- no-such-command", port: port)
            #expect(missing.0 == 1, "\(missing.1)")
            #expect(missing.1 == #"error: Internal error occurred: error executing command in container: failed to exec in container: OCI runtime exec failed: exec failed: unable to start container process: exec: "no-such-command": executable file not found in $PATH: unknown"# + "\n",
                    "\(missing.1)")
            let missingTTY = try await Self.run(#"script -qec "$K exec -it shell -- no-such-command" /dev/null"#, port: port)
            #expect(missingTTY.0 == 1, "\(missingTTY.1)")
            #expect(missingTTY.1.contains("executable file not found in $PATH"), "\(missingTTY.1)")
            #expect(await f.runningPod("talker", command: ["sh", "-c", "while true; do echo tick; sleep 0.2; done"]))
            // attach streams until killed: 20 s leaves room for kubectl to start and connect in a busy full run.
            let attach = try await Self.run("timeout 20 $K attach talker -c main", port: port)
            #expect(attach.1.contains("tick\ntick\n"), "\(attach.1)")
            // attach -i to a container with stdin (stdinOnce): kubectl's input reaches it, its end ends the process.
            #expect(await f.runningPod("reader", command: ["sh", "-c", "while read line; do echo got:$line; done; echo stdin-closed"], stdin: true))
            let attached = try await Self.run("printf 'one\\ntwo\\n' | timeout 20 $K attach -i reader -c main", port: port)
            #expect(attached.0 == 0, "\(attached.1)")
            #expect(attached.1.contains("got:one\ngot:two\nstdin-closed\n"), "\(attached.1)")
        }
    }
}
