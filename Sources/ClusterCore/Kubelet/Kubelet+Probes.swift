import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// Which probe (v1.Container `startupProbe`, `livenessProbe`, `readinessProbe`).
enum ProbeKind: String, Sendable, CaseIterable {
    case startup, liveness, readiness

    var field: String { rawValue + "Probe" }
    var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// A container probe as the pod spec declares it (v1.Probe), with Kubernetes' defaults.
struct ProbeSpec: Sendable {
    enum Action: Sendable {
        case exec([String])
        case http(scheme: String, host: String?, path: String, port: Value, headers: [(String, String)])
        case tcp(host: String?, port: Value)
        case unsupported(String)
    }

    var action: Action
    var initialDelay: Int64
    var period: Int64
    var timeout: Int64
    var successThreshold: Int
    var failureThreshold: Int

    init?(_ v: Value?) {
        guard let v, v.mapValue != nil else { return nil }
        if let command = v["exec"]?["command"]?.listValue {
            action = .exec(command.compactMap(\.stringValue))
        } else if let get = v["httpGet"], get.mapValue != nil {
            let headers = (get["httpHeaders"]?.listValue ?? []).compactMap { h -> (String, String)? in
                guard let name = h["name"]?.stringValue, !name.isEmpty else { return nil }
                return (name, h["value"]?.stringValue ?? "")
            }
            action = .http(scheme: get["scheme"]?.stringValue ?? "HTTP", host: get["host"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
                           path: get["path"]?.stringValue ?? "/", port: get["port"] ?? .null, headers: headers)
        } else if let tcp = v["tcpSocket"], tcp.mapValue != nil {
            action = .tcp(host: tcp["host"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }, port: tcp["port"] ?? .null)
        } else if v["grpc"] != nil {
            action = .unsupported("gRPC probes are not supported")
        } else {
            action = .unsupported("the probe has no handler")
        }
        func number(_ field: String, _ fallback: Int64, minimum: Int64) -> Int64 {
            let n = v[field]?.intValue ?? fallback
            return n < minimum ? fallback : n
        }
        initialDelay = number("initialDelaySeconds", 0, minimum: 0)
        period = number("periodSeconds", 10, minimum: 1)
        timeout = number("timeoutSeconds", 1, minimum: 1)
        successThreshold = Int(number("successThreshold", 1, minimum: 1))
        failureThreshold = Int(number("failureThreshold", 3, minimum: 1))
    }

    /// A port given as a number, a numeric string, or the name of one of the container's ports.
    static func port(_ port: Value, container: Value) -> Int? {
        if let n = port.intValue { return (1...65535).contains(n) ? Int(n) : nil }
        guard let text = port.stringValue else { return nil }
        if let n = Int(text) { return (1...65535).contains(n) ? n : nil }
        let named = (container["ports"]?.listValue ?? []).first { $0["name"]?.stringValue == text }
        return named?["containerPort"]?.intValue.flatMap { (1...65535).contains($0) ? Int($0) : nil }
    }
}

/// One probe's recent history for the current container attempt.
struct ProbeCounter: Sendable {
    var successes = 0
    var failures = 0
    /// Not run again before this time (seconds on the kubelet's clock).
    var nextAt: Int64 = 0
    var inFlight = false
}

/// Probe state of one container attempt; a new attempt (another runtime id) starts afresh.
struct ProbeTrack: Sendable {
    var containerID: String?
    /// Readiness as probes judge it (true without readiness and startup probes).
    var ready = true
    /// Startup as the startup probe judges it (true without one); gates liveness and readiness.
    var started = true
    /// Killed for a failed liveness or startup probe: no more probes until it is restarted.
    var killing = false
    var counters: [ProbeKind: ProbeCounter] = [:]
}

/// Probe outcomes reported by probe tasks, collected on the next sync pass.
final class ProbeResults: Sendable {
    private let results = NIOLockedValueBox<[String: ProbeNetwork.Outcome]>([:])

    func put(_ id: String, _ kind: ProbeKind, _ outcome: ProbeNetwork.Outcome) {
        results.withLockedValue { $0[id + "/" + kind.rawValue] = outcome }
    }

    func take(_ id: String, _ kind: ProbeKind) -> ProbeNetwork.Outcome? {
        results.withLockedValue { $0.removeValue(forKey: id + "/" + kind.rawValue) }
    }

    func forget(_ id: String) {
        results.withLockedValue { r in for k in ProbeKind.allCases { r.removeValue(forKey: id + "/" + k.rawValue) } }
    }
}

/// Probes: startup first, then liveness and readiness, each on its own period from the container's
/// start plus `initialDelaySeconds` (on the kubelet's clock). Probes run in their own tasks; a pass
/// applies the outcomes that arrived since the last one. Readiness feeds the container's `ready`
/// and the pod's Ready/ContainersReady; a failed liveness (or startup) probe kills the container
/// (SIGKILL) and the restart policy takes over, with `Unhealthy` and `Killing` events.
extension Kubelet {
    func probeContainers(_ pod: Value, _ record: inout PodRecord, now: Int64) async {
        for i in record.containers.indices where !record.containers[i].isInit {
            var c = record.containers[i]
            guard let id = c.id, case .running(let startedAt) = c.state,
                  let spec = containerSpec(pod, name: c.name, isInit: false) else { continue }
            var probes: [ProbeKind: ProbeSpec] = [:]
            for kind in ProbeKind.allCases { probes[kind] = ProbeSpec(spec[kind.field]) }
            if c.probes.containerID != id {
                c.probes = ProbeTrack(containerID: id, ready: probes[.readiness] == nil && probes[.startup] == nil,
                                      started: probes[.startup] == nil)
                for (kind, p) in probes { c.probes.counters[kind] = ProbeCounter(nextAt: startedAt + p.initialDelay) }
            }
            guard !probes.isEmpty, !c.probes.killing else { continue }
            for kind in ProbeKind.allCases {
                guard let p = probes[kind], let outcome = probeResults.take(id, kind) else { continue }
                await apply(outcome, kind, p, hasReadiness: probes[.readiness] != nil, to: &c, id: id, pod: pod)
                if c.probes.killing { break }
            }
            if !c.probes.killing {
                for kind in ProbeKind.allCases {
                    guard let p = probes[kind], (kind == .startup) != c.probes.started else { continue }
                    var counter = c.probes.counters[kind] ?? ProbeCounter(nextAt: startedAt + p.initialDelay)
                    guard !counter.inFlight, now >= counter.nextAt else { continue }
                    counter.inFlight = true
                    counter.nextAt = now + p.period
                    c.probes.counters[kind] = counter
                    let (runtime, results, workers, uid) = (self.runtime, probeResults, self.workers, record.uid)
                    Task {
                        let outcome = await Self.run(p, id: id, container: spec, runtime: runtime)
                        results.put(id, kind, outcome)
                        // Acted on by the pod's next sync: now, not at the next periodic one.
                        workers.request(uid)
                    }
                }
            }
            record.containers[i] = c
        }
    }

    private func apply(_ outcome: ProbeNetwork.Outcome, _ kind: ProbeKind, _ p: ProbeSpec, hasReadiness: Bool,
                       to c: inout ContainerRecord, id: String, pod: Value) async
    {
        var counter = c.probes.counters[kind] ?? ProbeCounter()
        counter.inFlight = false
        if outcome.success {
            counter.successes += 1
            counter.failures = 0
        } else {
            counter.failures += 1
            counter.successes = 0
            await podEvent(pod, container: c.name, reason: "Unhealthy", warning: true,
                           message: "\(kind.title) probe failed: \(outcome.message)")
        }
        c.probes.counters[kind] = counter
        switch kind {
        case .startup:
            if outcome.success {
                c.probes.started = true
                if !hasReadiness { c.probes.ready = true }
            }
        case .readiness:
            if outcome.success && counter.successes >= p.successThreshold { c.probes.ready = true }
            if !outcome.success && counter.failures >= p.failureThreshold { c.probes.ready = false }
        case .liveness:
            break
        }
        if kind != .readiness && !outcome.success && counter.failures >= p.failureThreshold {
            await podEvent(pod, container: c.name, reason: "Killing", warning: false,
                           message: "Container \(c.name) failed \(kind.rawValue) probe, will be restarted")
            c.probes.killing = true
            c.probes.ready = false
            probeResults.forget(id)
            try? await runtime.kill(id, signal: SIGKILL)
        }
    }

    /// Runs one probe once.
    static func run(_ p: ProbeSpec, id: String, container: Value, runtime: any ContainerRuntime) async -> ProbeNetwork.Outcome {
        switch p.action {
        case .unsupported(let why):
            return ProbeNetwork.Outcome(success: false, message: why)
        case .exec(let command):
            return await execProbe(command, id: id, timeout: p.timeout, runtime: runtime)
        case .tcp(let host, let port):
            guard let number = ProbeSpec.port(port, container: container) else {
                return ProbeNetwork.Outcome(success: false, message: "invalid port \(JSON.encode(port))")
            }
            guard case .running(let pid) = await runtime.status(id), pid > 0 else {
                return ProbeNetwork.Outcome(success: false, message: "container is not running")
            }
            return await ProbeNetwork.probe(pid: pid, host: host ?? "127.0.0.1", port: number, timeout: Double(p.timeout), http: nil)
        case .http(let scheme, let host, let path, let port, let headers):
            guard scheme.uppercased() == "HTTP" else {
                return ProbeNetwork.Outcome(success: false, message: "\(scheme) probes are not supported (HTTP only)")
            }
            guard let number = ProbeSpec.port(port, container: container) else {
                return ProbeNetwork.Outcome(success: false, message: "invalid port \(JSON.encode(port))")
            }
            guard case .running(let pid) = await runtime.status(id), pid > 0 else {
                return ProbeNetwork.Outcome(success: false, message: "container is not running")
            }
            let normalized = path.hasPrefix("/") ? path : "/" + path
            return await ProbeNetwork.probe(pid: pid, host: host ?? "127.0.0.1", port: number, timeout: Double(p.timeout),
                                            http: ProbeNetwork.HTTPRequest(path: normalized, headers: headers))
        }
    }

    /// An exec probe: exit code 0 succeeds; past `timeout` seconds the command is killed and fails.
    static func execProbe(_ command: [String], id: String, timeout: Int64, runtime: any ContainerRuntime) async -> ProbeNetwork.Outcome {
        guard !command.isEmpty else { return ProbeNetwork.Outcome(success: false, message: "the exec probe has no command") }
        let process: any ExecProcess
        do {
            process = try await runtime.exec(id, ExecConfig(command: command))
            try await process.started()
        } catch {
            return ProbeNetwork.Outcome(success: false, message: "\(error)")
        }
        let code: Int32? = await withTaskGroup(of: Int32?.self) { group in
            group.addTask { await process.wait() }
            group.addTask {
                try? await Task.sleep(for: .seconds(timeout))
                return nil
            }
            let first = await group.next() ?? nil
            // The wait ends only with the process: end it when the timeout came first.
            if first == nil { process.terminate() }
            group.cancelAll()
            return first
        }
        var output: [UInt8] = []
        for await chunk in process.output where output.count < 10240 {
            switch chunk {
            case .stdout(let b), .stderr(let b): output += b
            }
        }
        guard let code else {
            return ProbeNetwork.Outcome(success: false, message: "command \(JSON.encode(.list(command.map { .string($0) }))) timed out")
        }
        let text = String(decoding: output.prefix(10240), as: UTF8.self)
        return ProbeNetwork.Outcome(success: code == 0, message: code == 0 ? text : (text.isEmpty ? "command exited with code \(code)" : text))
    }

    /// Records a core/v1 Event about a pod's container, as the kubelet reports probe results.
    func podEvent(_ pod: Value, container: String, reason: String, warning: Bool, message: String) async {
        let namespace = pod.metaString("namespace") ?? "default"
        let time = Value.string(Timestamps.rfc3339(clock.now()))
        var suffix = ""
        for _ in 0..<16 { suffix.append(String(UInt8.random(in: 0..<16), radix: 16)) }
        let event: Value = .map([
            "apiVersion": "v1", "kind": "Event",
            "metadata": .map(["name": .string(pod.name + "." + suffix), "namespace": .string(namespace)]),
            "involvedObject": .map([
                "apiVersion": "v1", "kind": "Pod", "name": .string(pod.name), "namespace": .string(namespace),
                "uid": .string(pod.metaString("uid") ?? ""), "fieldPath": .string("spec.containers{\(container)}"),
            ]),
            "reason": .string(reason), "message": .string(message), "type": .string(warning ? "Warning" : "Normal"),
            "source": .map(["component": "kubelet", "host": .string(nodeName)]),
            "firstTimestamp": time, "lastTimestamp": time, "count": 1,
            "reportingComponent": "kubelet", "reportingInstance": .string(nodeName),
        ])
        _ = await api.call(.POST, "/api/v1/namespaces/\(namespace)/events", event)
    }
}
