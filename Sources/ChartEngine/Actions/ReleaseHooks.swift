import KubeClient
import StructuredData

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ReleaseContext {
    /// Hook records from rendered hooks (Helm's `Hook` as stored in a release).
    static func hookRecords(_ hooks: [Hook]) -> [ReleaseHook] {
        hooks.map { h in
            ReleaseHook(name: h.manifest.name, kind: h.manifest.kind, path: h.manifest.path,
                        manifest: h.manifest.content, events: h.events, weight: h.weight,
                        deletePolicies: h.deletePolicies)
        }
    }

    /// Runs the hooks of `event` (`pre-install`, …): sorted by weight then name; per hook delete
    /// (before-hook-creation, the default), create, wait for Jobs/Pods to finish (bounded by
    /// ``timeoutSeconds``), record `last_run`, delete on `hook-succeeded`. A failure aborts.
    func runHooks(_ hooks: inout [ReleaseHook], event: String, release: String, namespace: String) throws {
        let indices = hooks.indices.filter { hooks[$0].events.contains(event) }.sorted { a, b in
            hooks[a].weight != hooks[b].weight ? hooks[a].weight < hooks[b].weight : hooks[a].name < hooks[b].name
        }
        for i in indices {
            let started = ReleaseTime.now()
            do {
                hooks[i].lastRun = try runHook(hooks[i], event: event, namespace: namespace)
            } catch {
                hooks[i].lastRun = ["started_at": .string(started), "completed_at": .string(ReleaseTime.now()),
                                    "phase": "Failed"]
                throw error
            }
        }
    }

    /// Runs one hook and returns its `last_run`.
    private func runHook(_ h: ReleaseHook, event: String, namespace: String) throws -> [String: Value] {
        guard let o = try objects(h.manifest, namespace: namespace).first else { return [:] }
        let policies = h.deletePolicies.isEmpty ? ["before-hook-creation"] : h.deletePolicies
        if policies.contains("before-hook-creation") { try delete([o], propagation: "Background") }
        let started = ReleaseTime.now()
        var failure: String?
        do {
            try createAndWait(o)
        } catch let e as KubeError {
            failure = e.message
        } catch let e as ChartEngineError {
            failure = e.message
        }
        if let failure {
            if policies.contains("hook-failed") { _ = try? delete([o]) }
            throw ChartEngineError(.io, "\(event) hooks failed: 1 error occurred:\n\t* \(failure)\n\n")
        }
        if policies.contains("hook-succeeded") && o.kind != "CustomResourceDefinition" { try delete([o]) }
        return ["started_at": .string(started), "completed_at": .string(ReleaseTime.now()), "phase": "Succeeded"]
    }

    private func createAndWait(_ o: ReleaseObject) throws {
        _ = try client.create(o.resource, namespace: o.namespace, o.object)
        if o.kind == "CustomResourceDefinition" { client.invalidateDiscovery() }
        try waitForHook(o)
    }

    /// Jobs must complete and Pods succeed; everything else is ready once created. Polls every 500 ms.
    func waitForHook(_ o: ReleaseObject) throws {
        guard o.kind == "Job" || o.kind == "Pod" else { return }
        let deadline = ReleaseTime.unixNow() + timeoutSeconds
        while true {
            let live = try client.get(o.resource, namespace: o.namespace, name: o.name)
            if o.kind == "Pod" {
                switch live["status"]?["phase"]?.stringValue {
                case "Succeeded": return
                case "Failed": throw ChartEngineError(.io, "pod \(o.name) failed")
                default: break
                }
            } else {
                for c in live["status"]?["conditions"]?.listValue ?? [] where c["status"]?.stringValue == "True" {
                    if c["type"]?.stringValue == "Complete" { return }
                    if c["type"]?.stringValue == "Failed" {
                        throw ChartEngineError(.io, "job \(o.name) failed: \(c["reason"]?.stringValue ?? "BackoffLimitExceeded")")
                    }
                }
            }
            if ReleaseTime.unixNow() >= deadline {
                throw ChartEngineError(.io, "resource \(o.kind)/\(o.name) not ready. status: InProgress, "
                    + "message: timed out waiting for the condition")
            }
            usleep(500_000)
        }
    }
}
