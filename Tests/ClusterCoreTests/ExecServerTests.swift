import Foundation
import NIOHTTP1
import Testing
@testable import ClusterCore

/// `pods/exec` and `pods/attach` over real WebSockets against a real API server and kubelet.
@Suite("exec: pods/exec and pods/attach over WebSocket", .serialized)
struct ExecServerTests {
    static func execPath(_ pod: String, _ command: [String], _ flags: String) -> String {
        let args = command.map { "command=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        return "/api/v1/namespaces/default/pods/\(pod)/exec?" + (args + ["container=main", flags]).joined(separator: "&")
    }

    @Test("v5 and v4: stdout/stderr apart, exit code on channel 3, stdin in fragments with pings, v5 close, tty resize")
    func streams() async throws {
        try await ExecServerFixture.with { f in
            #expect(await f.runningPod("shell"))
            let port = f.port
            try await offPool {
                // Output, error output and a non-zero exit code.
                let ws = try RawWebSocketClient(port: port)
                let (code, headers) = try ws.handshake(path: Self.execPath("shell", ["sh", "-c", "echo out; echo err >&2; exit 3"], "stdout=true&stderr=true"),
                                                       protocols: ["v5.channel.k8s.io"])
                #expect(code == 101)
                #expect(headers["sec-websocket-protocol"] == "v5.channel.k8s.io")
                let frames = ws.readUntilClose()
                #expect(frames.text(1) == "out\n")
                #expect(frames.text(2) == "err\n")
                #expect(frames.status?["reason"] as? String == "NonZeroExitCode")
                let causes = (frames.status?["details"] as? [String: Any])?["causes"] as? [[String: Any]]
                #expect(causes?.first?["message"] as? String == "3")
                #expect(frames.last?.closeCode == 1000)
            }
            try await offPool {
                // stdin split over a fragmented message with a ping between the fragments, then v5's close of channel 0.
                let ws = try RawWebSocketClient(port: port)
                let (code, _) = try ws.handshake(path: Self.execPath("shell", ["cat"], "stdin=true&stdout=true&stderr=true"),
                                                 protocols: ["v5.channel.k8s.io"])
                #expect(code == 101)
                ws.sendFrame(opcode: 2, [0] + Array("hel".utf8), fin: false)
                ws.sendFrame(opcode: 9, Array("are you there".utf8))
                ws.sendFrame(opcode: 0, Array("lo\n".utf8))
                let pong = ws.readFrame()
                #expect(pong?.opcode == 10)
                #expect(pong?.payload == Array("are you there".utf8))
                ws.sendFrame(opcode: 2, [255, 0])
                let frames = ws.readUntilClose()
                #expect(frames.text(1) == "hello\n")
                #expect(frames.status?["status"] as? String == "Success")
            }
            try await offPool {
                // v4 when that is what the client offers.
                let ws = try RawWebSocketClient(port: port)
                let (code, headers) = try ws.handshake(path: Self.execPath("shell", ["echo", "hi"], "stdout=true"),
                                                       protocols: ["v4.channel.k8s.io"])
                #expect(code == 101)
                #expect(headers["sec-websocket-protocol"] == "v4.channel.k8s.io")
                let frames = ws.readUntilClose()
                #expect(frames.text(1) == "hi\n")
                #expect(frames.status?["status"] as? String == "Success")
            }
            try await offPool {
                // A terminal: resize on channel 4, input on 0, one output stream.
                let ws = try RawWebSocketClient(port: port)
                let (code, _) = try ws.handshake(path: Self.execPath("shell", ["sh"], "stdin=true&stdout=true&tty=true"),
                                                 protocols: ["v5.channel.k8s.io"])
                #expect(code == 101)
                ws.sendChannel(4, #"{"Width":90,"Height":20}"#)
                ws.sendChannel(0, "stty size; exit 4\n")
                let frames = ws.readUntilClose()
                #expect(frames.text(1).contains("20 90"), "\(frames.text(1))")
                let causes = (frames.status?["details"] as? [String: Any])?["causes"] as? [[String: Any]]
                #expect(causes?.first?["message"] as? String == "4")
            }
        }
    }

    @Test("refusals answer as plain HTTP; hostile frames close the connection with RFC 6455 codes")
    func refusalsAndHostileFrames() async throws {
        try await ExecServerFixture.with { f in
            #expect(await f.runningPod("target"))
            let port = f.port
            try await offPool {
                let cases: [(String, Bool, String, Int, String)] = [
                    (Self.execPath("target", ["true"], "stdout=true"), false, "good-token", 400, "Upgrade request required"),
                    (Self.execPath("missing", ["true"], "stdout=true"), true, "good-token", 404, "not found"),
                    (Self.execPath("target", [], "stdout=true"), true, "good-token", 400, "at least 1 command"),
                    (Self.execPath("target", ["true"], "tty=false"), true, "good-token", 400, "at least one of stdin, stdout, stderr"),
                    ("/api/v1/namespaces/default/pods/target/exec?command=true&container=other&stdout=true", true, "good-token", 400, "not valid"),
                    (Self.execPath("target", ["true"], "stdout=true"), true, "bad-token", 401, "Unauthorized"),
                ]
                // Without an upgrade: a plain HTTP answer. With one, the refusal comes as the
                // channel-3 Status right after the switch (the real API server answers non-101; a
                // declined upgrade cannot be answered through NIO's typed upgrade handler).
                for (path, upgrade, token, want, message) in cases {
                    let ws = try RawWebSocketClient(port: port)
                    do {
                        let (code, headers) = try ws.handshake(path: path, protocols: ["v5.channel.k8s.io"], token: token, upgrade: upgrade)
                        if upgrade {
                            #expect(code == 101, "\(path)")
                            let frames = ws.readUntilClose()
                            #expect(frames.status?["status"] as? String == "Failure", "\(path)")
                            #expect(frames.status?["code"] as? Int == want, "\(path)")
                            #expect((frames.status?["message"] as? String ?? "").contains(message), "\(path): \(frames.status ?? [:])")
                        } else {
                            #expect(code == want, "\(path)")
                            #expect(ws.body(headers).contains(message), "\(path)")
                        }
                    } catch {
                        Issue.record("\(path) (token \(token)): \(error)")
                    }
                }
                // A protocol we do not speak: no sub-protocol in the answer (client-go then gives up on
                // WebSocket) and a Failure.
                let old = try RawWebSocketClient(port: port)
                let (code, headers) = try old.handshake(path: Self.execPath("target", ["true"], "stdout=true"), protocols: ["channel.k8s.io"])
                #expect(code == 101)
                #expect(headers["sec-websocket-protocol"] == nil)
                #expect(old.readUntilClose().status?["status"] as? String == "Failure")
            }
            let hostile: [(String, [UInt8], Int)] = [
                ("unmasked", RawWebSocketClient.frame(opcode: 2, [0, 65], mask: false), 1002),
                ("reserved opcode", RawWebSocketClient.frame(opcode: 3, [0, 65]), 1002),
                ("reserved bit", RawWebSocketClient.frame(opcode: 2, [0, 65], rsv: 4), 1002),
                ("2^40-byte length", RawWebSocketClient.frame(opcode: 2, [], declaredLength: 1 << 40), 1009),
                ("continuation first", RawWebSocketClient.frame(opcode: 0, [0, 65]), 1002),
            ]
            for (name, bytes, want) in hostile {
                try await offPool {
                    let ws = try RawWebSocketClient(port: port)
                    let (code, _) = try ws.handshake(path: Self.execPath("target", ["sleep", "30"], "stdin=true&stdout=true"),
                                                     protocols: ["v5.channel.k8s.io"])
                    #expect(code == 101)
                    ws.send(bytes)
                    let frames = ws.readUntilClose()
                    #expect(frames.last?.closeCode == want, "\(name): \(frames.map(\.opcode))")
                    #expect(ws.closedByServer(), "\(name)")
                }
            }
            // The sessions above ended their processes: only the pod's own process is left. (On
            // failure the matching processes are listed with their parents, state and age: this
            // check has failed now and then under a full parallel run, cause not yet known.)
            func matching() async -> String {
                (try? await offPool { () -> String in
                    let out = Pipe()
                    let ps = Process()
                    ps.executableURL = URL(fileURLWithPath: "/bin/sh")
                    ps.arguments = ["-c", "ps -eo pid,ppid,stat,etimes,args | grep '[s]leep 30'"]
                    ps.standardOutput = out
                    try ps.run()
                    ps.waitUntilExit()
                    return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                }) ?? "(ps failed)"
            }
            var left = ""
            let ended = await eventually {
                left = await matching()
                return left.isEmpty
            }
            #expect(ended, "processes left by the hostile sessions:\n\(left)")
        }
    }

    @Test("refused starts (missing command, container not running) switch protocols, then send Kubernetes' InternalError Status on channel 3", arguments: [
        "v5.channel.k8s.io", "v4.channel.k8s.io",
    ])
    func refusedStarts(subprotocol: String) async throws {
        try await ExecServerFixture.with { f in
            #expect(await f.runningPod("target"))
            // A pod whose main container waits behind an init container that never ends.
            let waiting = f.kubelet.podJSON("waiting", command: ["sleep", "3600"], initCommand: ["sleep", "3600"])
                .replacingOccurrences(of: #""spec":{"#, with: #""spec":{"nodeName":"\#(KubeletFixture.node)","#)
            #expect(await f.kubelet.api.call(.POST, "/api/v1/namespaces/default/pods", json: waiting).code == 201)
            let port = f.port
            let cases: [(String, String)] = [
                (Self.execPath("target", ["no-such-command"], "stdout=true&stderr=true"),
                 #"Internal error occurred: error executing command in container: failed to exec in container: OCI runtime exec failed: exec failed: unable to start container process: exec: "no-such-command": executable file not found in $PATH: unknown"#),
                (Self.execPath("target", ["no-such-command"], "stdin=true&stdout=true&tty=true"),
                 #"exec: "no-such-command": executable file not found in $PATH"#),
                (Self.execPath("waiting", ["true"], "stdout=true"),
                 #"Internal error occurred: unable to upgrade connection: container not found ("main")"#),
                ("/api/v1/namespaces/default/pods/waiting/attach?container=main&stdout=true",
                 #"Internal error occurred: unable to upgrade connection: container not found ("main")"#),
            ]
            try await offPool {
                for (path, message) in cases {
                    let ws = try RawWebSocketClient(port: port)
                    let (code, headers) = try ws.handshake(path: path, protocols: [subprotocol])
                    #expect(code == 101, "\(path)")
                    #expect(headers["sec-websocket-protocol"] == subprotocol)
                    let frames = ws.readUntilClose()
                    // Nothing but the Status: runc's complaint is not passed on as output.
                    #expect(frames.text(1).isEmpty && frames.text(2).isEmpty, "\(path): \(frames.text(1))\(frames.text(2))")
                    #expect(frames.status?["status"] as? String == "Failure", "\(path)")
                    #expect(frames.status?["reason"] as? String == "InternalError", "\(path)")
                    #expect(frames.status?["code"] as? Int == 500, "\(path)")
                    #expect((frames.status?["message"] as? String ?? "").contains(message), "\(path): \(frames.status ?? [:])")
                }
            }
        }
    }

    @Test("attach with stdin: input reaches a stdin: true container's process; with stdinOnce, closing it ends the process")
    func attachStdin() async throws {
        try await ExecServerFixture.with { f in
            #expect(await f.runningPod("reader", command: ["sh", "-c", "while read line; do echo got:$line; done; echo stdin-closed"], stdin: true))
            let port = f.port
            try await offPool {
                let ws = try RawWebSocketClient(port: port)
                let (code, _) = try ws.handshake(path: "/api/v1/namespaces/default/pods/reader/attach?container=main&stdin=true&stdout=true",
                                                 protocols: ["v5.channel.k8s.io"])
                #expect(code == 101)
                ws.sendChannel(0, "hello\n")
                ws.sendChannel(0, "world\n")
                ws.sendFrame(opcode: 2, [255, 0])  // v5: stdin ends
                let frames = ws.readUntilClose()
                #expect(frames.text(1) == "got:hello\ngot:world\nstdin-closed\n", "\(frames.text(1))")
                #expect(frames.status?["status"] as? String == "Success")
            }
        }
    }

    @Test("attach follows the container's output from now on and ends with it")
    func attach() async throws {
        try await ExecServerFixture.with { f in
            // Never restarted: a container restarted at once after its exit would print "early" again to
            // an attach that came late (a busy full test run); 3 s leave room for the attach to connect.
            #expect(await f.runningPod("ticker", command: ["sh", "-c", "echo early; sleep 3; for i in 1 2 3 4 5 6 7 8; do echo tick $i; sleep 0.3; done"],
                                       restartPolicy: "Never"))
            let port = f.port
            try await offPool {
                let ws = try RawWebSocketClient(port: port)
                let (code, _) = try ws.handshake(path: "/api/v1/namespaces/default/pods/ticker/attach?container=main&stdout=true",
                                                 protocols: ["v5.channel.k8s.io"])
                #expect(code == 101)
                let frames = ws.readUntilClose()
                #expect(frames.text(1).contains("tick 8"), "\(frames.text(1))")
                #expect(!frames.text(1).contains("early"))
                #expect(frames.status?["status"] as? String == "Success")
            }
        }
    }
}
