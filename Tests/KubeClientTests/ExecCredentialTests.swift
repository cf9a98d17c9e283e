import Testing
import Foundation
import StructuredData
@testable import KubeClient

/// Kubeconfig `exec` credential plugins, with a small shell-script plugin.
@Suite(.serialized) struct ExecCredentialTests {
    /// A temp directory with `plugin.sh` printing `output` (and counting its runs in `runs`).
    final class Plugin {
        let dir: URL
        init(output: String, exitCode: Int = 0) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("exec-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let script = """
                #!/bin/sh
                echo run >> "$(dirname "$0")/runs"
                printf '%s' "$KUBERNETES_EXEC_INFO" > "$(dirname "$0")/info"
                printf '%s' "$PLUGIN_GREETING" > "$(dirname "$0")/greeting"
                cat <<'JSON'
                \(output)
                JSON
                exit \(exitCode)
                """
            let path = dir.appendingPathComponent("plugin.sh").path
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }
        deinit { try? FileManager.default.removeItem(at: dir) }
        var runs: Int { ((try? String(contentsOf: dir.appendingPathComponent("runs"), encoding: .utf8)) ?? "").split(separator: "\n").count }
        var info: String { (try? String(contentsOf: dir.appendingPathComponent("info"), encoding: .utf8)) ?? "" }
        var greeting: String { (try? String(contentsOf: dir.appendingPathComponent("greeting"), encoding: .utf8)) ?? "" }

        /// A kubeconfig in the plugin's directory naming it by a relative path.
        func config(server: String, apiVersion: String = "client.authentication.k8s.io/v1",
                    mode: String = "Never") throws -> KubeConfig {
            let text = """
                current-context: c
                contexts: [{name: c, context: {cluster: k, user: u}}]
                clusters: [{name: k, cluster: {server: "\(server)"}}]
                users:
                - name: u
                  user:
                    exec:
                      apiVersion: \(apiVersion)
                      command: ./plugin.sh
                      args: [get-token]
                      env: [{name: PLUGIN_GREETING, value: hello}]
                      interactiveMode: \(mode)
                      provideClusterInfo: true
                      installHint: install the plugin
                """
            let path = dir.appendingPathComponent("config").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return try KubeConfig.load(path: path)
        }
    }

    static func credential(_ status: String, apiVersion: String = "client.authentication.k8s.io/v1") -> String {
        #"{"apiVersion":"\#(apiVersion)","kind":"ExecCredential","status":{\#(status)}}"#
    }

    /// Runs blocking client work (it spawns the plugin) on a plain thread, not the cooperative pool.
    func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in
            Thread.detachNewThread { c.resume(with: Result { try body() }) }
        }
    }

    @Test func tokenIsUsedAndCachedUntilExpiry() async throws {
        let plugin = try Plugin(output: Self.credential(#""token":"tok-1","expirationTimestamp":"2999-01-01T00:00:00Z""#))
        let server = try FakeAPIServer(responses: [(200, "{}"), (200, "{}")])
        let cfg = try plugin.config(server: "http://127.0.0.1:\(server.port)")
        try await offPool {
            let c = try KubeClient(config: cfg)
            _ = try c.requestJSON("GET", "/version")
            _ = try c.requestJSON("GET", "/version")
        }
        #expect(plugin.runs == 1)
        #expect(server.recordedHeads.allSatisfy { $0.contains("Authorization: Bearer tok-1") })
        #expect(server.recordedHeads.count == 2)
        #expect(plugin.greeting == "hello")
        let info = try JSON.decode(plugin.info)
        #expect(info["kind"] == "ExecCredential" && info["spec"]?["interactive"] == .bool(false))
        #expect(info["spec"]?["cluster"]?["server"] == .string("http://127.0.0.1:\(server.port)"))
    }

    @Test func anExpiredCredentialIsFetchedAgain() async throws {
        let plugin = try Plugin(output: Self.credential(#""token":"old","expirationTimestamp":"2001-01-01T00:00:00Z""#,
                                                        apiVersion: "client.authentication.k8s.io/v1beta1"))
        let server = try FakeAPIServer(responses: [(200, "{}"), (200, "{}")])
        let cfg = try plugin.config(server: "http://127.0.0.1:\(server.port)", apiVersion: "client.authentication.k8s.io/v1beta1")
        try await offPool {
            let c = try KubeClient(config: cfg)
            _ = try c.requestJSON("GET", "/version")
            _ = try c.requestJSON("GET", "/version")
        }
        #expect(plugin.runs == 2)
    }

    @Test func aRejectedCredentialIsRenewedOnce() async throws {
        let plugin = try Plugin(output: Self.credential(#""token":"t""#))
        let server = try FakeAPIServer(responses: [(401, "{}"), (200, "{}")])
        let cfg = try plugin.config(server: "http://127.0.0.1:\(server.port)")
        try await offPool {
            let c = try KubeClient(config: cfg)
            _ = try c.requestJSON("GET", "/version")
        }
        #expect(plugin.runs == 2)
    }

    @Test func clientCertificateFromStatus() async throws {
        let plugin = try Plugin(output: Self.credential(#""clientCertificateData":"CERT","clientKeyData":"KEY""#))
        let cfg = try plugin.config(server: "https://127.0.0.1:1")
        let got = try await offPool { () -> KubeConfig in
            let c = try KubeClient(config: cfg)
            try c.ensureCredentials()
            return c.config
        }
        #expect(got.clientCertificate == Array("CERT".utf8) && got.clientKey == Array("KEY".utf8))
    }

    @Test(arguments: [
        (Self.credential(#""token":"t""#), 3, "executable ./plugin.sh failed with exit code 3"),
        (Self.credential(#""token":"t""#, apiVersion: "client.authentication.k8s.io/v1beta1"), 0,
         "configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/v1beta1"),
        (Self.credential(#""clientKeyData":"k""#), 0, "exec plugin returned only keyData"),
        (Self.credential(""), 0, "didn't return a token or cert/key pair"),
        ("not json", 0, "decoding stdout"),
    ])
    func pluginFailuresAreClearErrors(_ output: String, _ code: Int, _ message: String) async throws {
        let plugin = try Plugin(output: output, exitCode: code)
        let cfg = try plugin.config(server: "https://127.0.0.1:1")
        let error = try await offPool { () -> String in
            do { try KubeClient(config: cfg).ensureCredentials(); return "" } catch { return (error as? KubeError)?.message ?? "\(error)" }
        }
        #expect(error.contains(message), "\(error)")
        #expect(error.hasPrefix("Kubernetes cluster unreachable: getting credentials: "))
    }

    @Test func missingCommandShowsTheInstallHint() async throws {
        var exec = ExecConfig(command: "/nonexistent/kube-plugin", apiVersion: "client.authentication.k8s.io/v1", interactiveMode: "Never")
        exec.installHint = "install the plugin"
        var config = KubeConfig(server: "https://127.0.0.1:1")
        config.exec = exec
        let cfg = config
        let error = try await offPool { () -> String in
            do { try KubeClient(config: cfg).ensureCredentials(); return "" } catch { return (error as? KubeError)?.message ?? "\(error)" }
        }
        #expect(error.contains("executable /nonexistent/kube-plugin not found\n\ninstall the plugin"), "\(error)")
    }

    static func userConfig(_ user: String) -> String {
        "current-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n"
            + "clusters: [{name: k, cluster: {server: https://a}}]\nusers: [{name: u, user: \(user)}]\n"
    }

    @Test(arguments: [
        ("{auth-provider: {name: gcp}}", "The gcp auth plugin has been removed"),
        ("{auth-provider: {name: oidc}}", "no Auth Provider found for name \"oidc\""),
        ("{exec: {apiVersion: client.authentication.k8s.io/v1, command: x}}", "interactiveMode must be specified"),
        ("{exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}}", "invalid apiVersion"),
        ("{exec: {apiVersion: client.authentication.k8s.io/v1beta1}}", "command must be specified"),
    ])
    func configErrors(_ user: String, _ message: String) throws {
        let doc = try YAML.decode(Self.userConfig(user), numbersAsFloat: false)
        #expect { try KubeConfig.resolve([(doc: doc, dir: ".")], context: nil) } throws: { e in
            (e as? KubeError)?.message.contains(message) == true
        }
    }

    @Test(arguments: [
        ("1970-01-01T00:00:00Z", 0), ("2026-11-27T22:00:00Z", 1_795_816_800),
        ("2026-11-27T23:00:00.123+01:00", 1_795_816_800), ("2000-02-29T12:00:00-00:30", 951_827_400),
    ])
    func rfc3339(_ text: String, _ seconds: Int) {
        #expect(RFC3339.unixSeconds(text) == seconds)
    }

    @Test(arguments: ["", "2026-11-27", "2026-13-01T00:00:00Z", "2026-11-27T22:00:00", "2026-11-27T22:00:00Zjunk"])
    func rfc3339Rejects(_ text: String) {
        #expect(RFC3339.unixSeconds(text) == nil)
    }
}
