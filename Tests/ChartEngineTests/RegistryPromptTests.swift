@testable import ChartEngine
import Foundation
import Testing
import TestSupport

/// `helmctl registry login` without `--password`/`--password-stdin` asks on standard output and
/// reads standard input, the secret with the terminal echo off (Helm's registry_login.go).
struct RegistryPromptTests {
    static var ready: Bool { FileManager.default.isExecutableFile(atPath: RepositoryCLITests.binary) }

    /// Runs helmctl with `input` as standard input (a pipe, not a terminal).
    static func runPiped(_ args: [String], input: String, home: RepoFixtures.Home) async throws -> RepositoryCLITests.Result {
        try await offCooperativePool {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: RepositoryCLITests.binary)
            p.arguments = args
            var env = ProcessInfo.processInfo.environment
            env["HELM_REGISTRY_CONFIG"] = home.dir + "/registry.json"
            p.environment = env
            let inp = Pipe(), out = Pipe(), err = Pipe()
            p.standardInput = inp
            p.standardOutput = out
            p.standardError = err
            try p.run()
            inp.fileHandleForWriting.write(Data(input.utf8))
            try inp.fileHandleForWriting.close()
            let o = out.fileHandleForReading.readDataToEndOfFile()
            let e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return .init(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                         stderr: String(decoding: e, as: UTF8.self))
        }
    }

    @Test(.enabled(if: ready))
    func pipedInputFollowsHelmsPrompts() async throws {
        let home = try RepoFixtures.home()
        // The username line is read; the silent password prompt needs a terminal (moby/term's
        // tcgetattr fails on a pipe).
        #expect(try await Self.runPiped(["registry", "login", "127.0.0.1:1"], input: "user\n", home: home)
            == .init(status: 1, stdout: "Username: Password: ", stderr: "Error: inappropriate ioctl for device\n"))
        #expect(try await Self.runPiped(["registry", "login", "127.0.0.1:1", "-u", "user"], input: "", home: home)
            == .init(status: 1, stdout: "Password: ", stderr: "Error: inappropriate ioctl for device\n"))
        #expect(try await Self.runPiped(["registry", "login", "127.0.0.1:1"], input: "", home: home)
            == .init(status: 1, stdout: "Username: ", stderr: "Error: EOF\n"))
        // --password-stdin trims one "\n" then one "\r"; --password warns as Helm does.
        let viaStdin = try await Self.runPiped(["registry", "login", "127.0.0.1:1", "-u", "u", "--password-stdin", "--plain-http"],
                                               input: "pw\r\n", home: home)
        #expect(viaStdin.status == 1 && viaStdin.stdout.isEmpty && !viaStdin.stderr.contains("WARNING"), "\(viaStdin)")
        let viaFlag = try await Self.runPiped(["registry", "login", "127.0.0.1:1", "-u", "u", "-p", "pw", "--plain-http"],
                                              input: "", home: home)
        #expect(viaFlag.stderr.hasPrefix("WARNING: Using --password via the CLI is insecure. Use --password-stdin.\n"), "\(viaFlag)")
        #expect(!FileManager.default.fileExists(atPath: home.dir + "/registry.json"))
    }

    @Test(.enabled(if: ready && TestRegistry.available, "needs helmctl and docker-registry"))
    func terminalPasswordIsReadWithoutEcho() async throws {
        let registry = try TestRegistry()
        defer { registry.stop() }
        let home = try RepoFixtures.home()
        let result = try await offCooperativePool { try Self.loginOnTerminal(registry.host, home: home) }
        #expect(result.status == 0 && result.stderr == "Login Succeeded\n", "\(result)")
        #expect(result.stdout == "Username: Password: \n", "\(result)")
        // The terminal showed the typed username but never the password.
        #expect(result.echoed.contains("someone") && !result.echoed.contains("s3cr3t!"), "\(result.echoed)")
        let config = try String(contentsOfFile: home.dir + "/registry.json", encoding: .utf8)
        #expect(config.contains(Data("someone:s3cr3t!".utf8).base64EncodedString()), "\(config)")
    }

    struct TerminalRun: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var echoed: String
    }

    /// `registry login HOST --plain-http` with a pseudo-terminal as standard input (Python's `pty`,
    /// as Swift's Glibc hides posix_openpt): types the username, waits for the password prompt,
    /// types the password, then collects what the terminal echoed (the slave stays open meanwhile,
    /// so the echo is still readable after helmctl exits).
    static let driver = #"""
import json, os, pty, select, subprocess, sys
binary, host = sys.argv[1], sys.argv[2]
master, slave = pty.openpty()
p = subprocess.Popen([binary, "registry", "login", host, "--plain-http"], stdin=slave,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out = b""
def wait_for(text):
    global out
    while not out.endswith(text):
        chunk = os.read(p.stdout.fileno(), 1024)
        if not chunk: return
        out += chunk
wait_for(b"Username: "); os.write(master, b"someone\n")
wait_for(b"Password: "); os.write(master, b"s3cr3t!\n")
rest, err = p.communicate(timeout=120)
echo = b""
while select.select([master], [], [], 0.5)[0]:
    chunk = os.read(master, 4096)
    if not chunk: break
    echo += chunk
print(json.dumps({"status": p.returncode, "stdout": (out + rest).decode(), "stderr": err.decode(), "echoed": echo.decode()}))
"""#

    static func loginOnTerminal(_ host: String, home: RepoFixtures.Home) throws -> TerminalRun {
        let script = home.dir + "/pty-driver.py"
        try driver.write(toFile: script, atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["HELM_REGISTRY_CONFIG"] = home.dir + "/registry.json"
        let data = try TestSupport.runChild("/usr/bin/python3", [script, RepositoryCLITests.binary, host], environment: env,
                                            discardingStderr: true).stdout
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return TerminalRun(status: Int32(json["status"] as? Int ?? -1), stdout: json["stdout"] as? String ?? "",
                           stderr: json["stderr"] as? String ?? "", echoed: json["echoed"] as? String ?? "")
    }
}
