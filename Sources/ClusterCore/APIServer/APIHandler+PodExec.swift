import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// A validated `pods/exec` or `pods/attach` request: what to start on which node, and which
/// streams the client wants. The API server serves it over a WebSocket (``PodStreamSession``).
struct PodStreamPlan: Sendable {
    var agent: any NodeAgent
    var namespace: String
    var pod: String
    var uid: String
    var container: String
    /// Empty for attach.
    var command: [String]
    var attach: Bool
    var stdin: Bool
    var stdout: Bool
    var stderr: Bool
    var tty: Bool

    func start() async throws -> any ExecProcess {
        if attach {
            return try await agent.attach(namespace: namespace, pod: pod, uid: uid, container: container)
        }
        return try await agent.exec(namespace: namespace, pod: pod, uid: uid, container: container,
                                    config: ExecConfig(command: command, tty: tty, stdin: stdin))
    }
}

/// Where the handler leaves a plan while the server decides on a WebSocket upgrade: set (as a task
/// local) only around that decision, so the same routing, authentication and validation answer
/// both the upgrade and the plain request.
final class PodStreamCapture: Sendable {
    private let box = NIOLockedValueBox<PodStreamPlan?>(nil)
    func set(_ plan: PodStreamPlan) { box.withLockedValue { $0 = plan } }
    func take() -> PodStreamPlan? { box.withLockedValue { p in defer { p = nil }; return p } }

    @TaskLocal static var current: PodStreamCapture?
}

extension APIHandler {
    /// `pods/<p>/exec` and `pods/<p>/attach` (GET or POST with `command`, `container`, `stdin`,
    /// `stdout`, `stderr`, `tty`): validated here; served only over a WebSocket upgrade.
    func podStream(_ rr: ResourceRequest, attach: Bool) async throws -> APIResponse {
        let r = rr.request
        guard r.method == .GET || r.method == .POST else {
            throw StatusError.methodNotAllowed("\(r.method) is not supported on pods/\(attach ? "attach" : "exec")")
        }
        var allowed: Set<String> = ["container", "stdin", "stdout", "stderr", "tty"]
        if !attach { allowed.insert("command") }
        try checkParams(r, allowed: allowed)
        let pod = try await current(rr)
        let agent = try podAgent(pod)
        let phase = pod["status"]?["phase"]?.stringValue ?? ""
        if phase == "Succeeded" || phase == "Failed" {
            throw StatusError.badRequest("cannot \(attach ? "attach to" : "exec into") a container in a completed pod; current phase is \(phase)")
        }
        let container = try podContainer(pod, r) { names in
            // kubectl names the container; other clients get the first one, as the kubelet does.
            guard let first = names.first else { throw StatusError.badRequest("pod \(pod.name) has no containers") }
            return first
        }
        let command = r.params("command")
        if !attach && command.isEmpty { throw StatusError.badRequest("you must specify at least 1 command") }
        let (stdin, stdout, stderr, tty) = (r.flag("stdin"), r.flag("stdout"), r.flag("stderr"), r.flag("tty"))
        if !stdin && !stdout && !stderr {
            throw StatusError.badRequest("you must specify at least one of stdin, stdout, stderr")
        }
        let namespace = pod.metaString("namespace") ?? ""
        let uid = pod.metaString("uid") ?? ""
        guard agent.isRunning(namespace: namespace, pod: pod.name, uid: uid, container: container) else {
            // Kubernetes' API server relays the kubelet's refusal to stream from a container that
            // does not run (yet) as an internal error; kubectl prints the message.
            throw StatusError.internalError("unable to upgrade connection: container not found (\"\(container)\")")
        }
        let plan = PodStreamPlan(agent: agent, namespace: namespace, pod: pod.name, uid: uid, container: container,
                                 command: command, attach: attach, stdin: stdin, stdout: stdout, stderr: stderr, tty: tty)
        if let capture = PodStreamCapture.current {
            capture.set(plan)
            return .full(status: .switchingProtocols, contentType: "text/plain", body: [], headers: [])
        }
        // What Kubernetes answers a request that is not an upgrade (SPDY is not spoken here).
        throw StatusError.badRequest("Upgrade request required")
    }

    /// The plan for an exec/attach WebSocket upgrade, or the answer the request gets instead (it
    /// fails validation, or is not for exec/attach).
    func podStreamPlan(head: HTTPRequestHead, identity: Identity) async -> Result<PodStreamPlan, PodStreamRefusal> {
        let capture = PodStreamCapture()
        let response = await PodStreamCapture.$current.withValue(capture) {
            await handle(head: head, body: [], identity: identity)
        }
        if let plan = capture.take() { return .success(plan) }
        if case .full(_, _, let body, _) = response { return .failure(PodStreamRefusal(status: body)) }
        return .failure(PodStreamRefusal(status: PodStreamSession.failureStatus("the request cannot be served over a WebSocket")))
    }
}

/// Why an exec/attach WebSocket is not served: the Status (JSON) to send on channel 3.
struct PodStreamRefusal: Error, Sendable {
    var status: [UInt8]
}
