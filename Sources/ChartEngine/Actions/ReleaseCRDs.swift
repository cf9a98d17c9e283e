import KubeClient
import StructuredData

/// Helm's `installCRDs`: the `crds/` files of a chart and its subcharts are created before anything
/// is rendered (never updated or deleted), then awaited until the API server serves them, so the
/// chart's own custom resources resolve through a fresh discovery.
extension ReleaseContext {
    /// Seconds Helm gives new CRDs to become `Established` (its fixed 60 s).
    static let crdEstablishedTimeoutSeconds = 60.0

    /// The `crds/` objects of a chart and its subcharts as one manifest stream.
    static func crdManifest(_ chart: Chart) -> String {
        TemplateAction.crdObjects(chart).map { "---\n# Source: \($0.path)\n\($0.text)\n" }.joined()
    }

    /// Creates the CRDs of `chart` that do not exist yet (an existing one is left alone, as Helm does),
    /// waits until the created ones are `Established`, and drops cached discovery. Returns the names
    /// of the CRDs created.
    @discardableResult
    func installCRDs(_ chart: Chart, namespace: String) throws -> [String] {
        var created: [ReleaseObject] = []
        for file in TemplateAction.crdObjects(chart) {
            let objs: [ReleaseObject]
            do { objs = try objects(file.text, namespace: namespace) } catch {
                throw ChartEngineError(.io, "failed to install CRD \(file.path): \(ReleaseContext.message(error))")
            }
            for o in objs {
                do {
                    if try client.createIfMissing(o.resource, namespace: o.namespace, o.object) != nil { created.append(o) }
                } catch {
                    throw ChartEngineError(.io, "failed to install CRD \(file.path): \(error.message)")
                }
            }
        }
        guard !created.isEmpty else { return [] }
        // The new kinds must be visible to discovery before the templates are rendered and applied.
        client.invalidateDiscovery()
        try awaitEstablished(created, timeoutSeconds: ReleaseContext.crdEstablishedTimeoutSeconds)
        return created.map(\.name)
    }

    /// Polls the CRDs until each is `Established=True`; `NamesAccepted=False` (a name clash with another
    /// CRD) fails at once with the server's reason; past the timeout the error names the CRDs left.
    func awaitEstablished(_ crds: [ReleaseObject], timeoutSeconds: Double) throws {
        let clock = wait.clock
        let start = clock()
        var pending = crds
        var delay = 20_000
        var lastState: [String: String] = [:]
        while true {
            var next: [ReleaseObject] = []
            for o in pending {
                let live: Value?
                do { live = try client.getIfExists(o.resource, namespace: nil, name: o.name) } catch {
                    throw ChartEngineError(.io, "failed to wait for CRD \"\(o.name)\": \(error.message)")
                }
                guard let live else {
                    lastState[o.name] = "not found"
                    next.append(o)
                    continue
                }
                let state = CRDState(live)
                if state.established { continue }
                if let clash = state.namesRejected {
                    throw ChartEngineError(.io, "CRD \"\(o.name)\" was not accepted by the API server: \(clash)")
                }
                lastState[o.name] = state.summary
                next.append(o)
            }
            pending = next
            if pending.isEmpty { return }
            if clock() - start >= timeoutSeconds {
                let names = pending.map { "\"\($0.name)\" (\(lastState[$0.name] ?? "no status"))" }
                throw ChartEngineError(.io, "CRDs not Established after \(Int(timeoutSeconds))s: "
                    + names.joined(separator: ", "))
            }
            client.sleeper(delay)
            delay = min(delay * 2, 250_000)
        }
    }
}

/// The conditions of a live CRD that matter to the installer.
struct CRDState {
    var established = false
    /// The message of `NamesAccepted=False`.
    var namesRejected: String?
    /// The conditions as `Type=Status` for an error message.
    var summary = ""

    init(_ crd: Value) {
        var parts: [String] = []
        for c in crd["status"]?["conditions"]?.listValue ?? [] {
            let type = c["type"]?.stringValue ?? "", status = c["status"]?.stringValue ?? ""
            parts.append("\(type)=\(status)")
            if type == "Established" && status == "True" { established = true }
            if type == "NamesAccepted" && status == "False" {
                let why = [c["reason"]?.stringValue, c["message"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }
                namesRejected = why.isEmpty ? "NamesAccepted=False" : why.joined(separator: ": ")
            }
        }
        summary = parts.isEmpty ? "no conditions yet" : parts.joined(separator: ", ")
    }
}
