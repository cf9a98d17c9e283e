import ChartEngine
import KubeClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shows a wait's progress on standard error: on a terminal one block redrawn in place (resources
/// ready x/y, what blocks, pods, recent Warning events); otherwise a plain line per change.
final class WaitProgressPrinter {
    private let tty: Bool
    private let fd: Int32
    private var drawnLines = 0
    private var lastLines: [String: String] = [:]
    private var lastWarnings: Set<String> = []
    private var reportedReady = false
    /// Heading word: `Waiting for` (operations) or `Watching` (`status --watch`).
    var watching = false

    init(fd: Int32 = 2, tty: Bool? = nil) {
        self.fd = fd
        self.tty = tty ?? (isatty(fd) == 1)
    }

    func report(_ p: WaitProgress) {
        if tty { redraw(p) } else { lines(p) }
    }

    /// The block drawn on a terminal (also what tests compare).
    static func block(_ p: WaitProgress, watching: Bool, width: Int = 120) -> [String] {
        var out: [String] = []
        let verb = watching ? "Watching" : (p.deleting ? "Waiting for deletion of" : "Waiting for")
        let limit = p.timeoutSeconds > 0 ? "/\(Self.duration(p.timeoutSeconds))" : ""
        let mode = watching ? "" : " (\(p.strategy.rawValue))"
        let word = p.deleting ? "gone" : "ready"
        out.append("\(verb) release \(p.release)\(mode): \(p.readyCount)/\(p.resources.count) resources \(word)"
            + " [\(Self.duration(p.elapsedSeconds))\(limit)]\(p.synced ? "" : " (syncing)")")
        for r in p.resources {
            let mark = r.readiness.isReady ? "✓" : (r.readiness.status == .failed ? "✗" : "…")
            out.append("  \(mark) \(r.readiness.isReady ? r.label : r.explanation)")
        }
        if !p.pods.isEmpty {
            out.append("Pods:")
            for pod in p.pods.prefix(10) { out.append("  \(pod.name): \(pod.summary.detail)") }
            if p.pods.count > 10 { out.append("  … and \(p.pods.count - 10) more") }
        }
        if !p.warnings.isEmpty {
            out.append("Warning events:")
            for w in p.warnings { out.append("  \(w)") }
        }
        return out.map { $0.count > width ? String($0.prefix(width - 1)) + "…" : $0 }
    }

    private func redraw(_ p: WaitProgress) {
        var cols = 120
        var ws = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 20 { cols = Int(ws.ws_col) }
        var s = ""
        if drawnLines > 0 { s += "\u{1B}[\(drawnLines)A\r" }
        s += "\u{1B}[J"
        let lines = Self.block(p, watching: watching, width: cols)
        s += lines.joined(separator: "\n") + "\n"
        drawnLines = lines.count
        ErrorReporting.writeAll(fd, s)
    }

    /// Plain lines: each resource's or pod's state when it changes, each new Warning event, and the end.
    private func lines(_ p: WaitProgress) {
        // Before the watches delivered their initial state every line would say "waiting for the watch".
        guard p.synced else { return }
        var s = ""
        let prefix = watching ? "watch" : "wait"
        for r in p.resources {
            let text = r.readiness.isReady ? (p.deleting ? "gone" : "ready") : r.explanation
            if lastLines["r:" + r.label] != text {
                lastLines["r:" + r.label] = text
                s += "\(prefix): \(r.readiness.isReady ? r.label + ": " + text : text)\n"
            }
        }
        for pod in p.pods where lastLines["p:" + pod.namespace + "/" + pod.name] != pod.summary.detail {
            lastLines["p:" + pod.namespace + "/" + pod.name] = pod.summary.detail
            s += "\(prefix): pod \(pod.namespace)/\(pod.name): \(pod.summary.detail)\n"
        }
        if p.deleting {
            // Pods that left the snapshot are gone.
            let present = Set(p.pods.map { "p:" + $0.namespace + "/" + $0.name })
            for key in lastLines.keys.sorted() where key.hasPrefix("p:") && !present.contains(key) && lastLines[key] != "gone" {
                lastLines[key] = "gone"
                s += "\(prefix): pod \(key.dropFirst(2)): gone\n"
            }
        }
        for w in p.warnings where !lastWarnings.contains(w) {
            lastWarnings.insert(w)
            s += "\(prefix): warning: \(w)\n"
        }
        if p.isComplete && !reportedReady && !watching {
            reportedReady = true
            s += "wait: \(p.readyCount)/\(p.resources.count) resources \(p.deleting ? "gone" : "ready") after \(Self.duration(p.elapsedSeconds))\n"
        }
        if !s.isEmpty { ErrorReporting.writeAll(fd, s) }
    }

    /// Go's duration text for whole seconds (`5m0s`, `12s`).
    static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(seconds % 60)s" }
        return "\(seconds / 3600)h\(seconds % 3600 / 60)m\(seconds % 60)s"
    }
}

