import ChartEngine
import Foundation
import StructuredData
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// Differential conformance against the real Helm v4.2.3: every golden under Fixtures/conformance/goldens
// and Fixtures/charts was produced by Helm's own library (scripts/goldens.py; see
// Fixtures/conformance/README.md). Each case's chart files are written to a temporary directory, loaded with
// ChartLoader, rendered with Renderer and compared with Helm's render map or error text.

/// One case of a golden file.
struct ConformanceCase: Sendable {
    var area: String
    var name: String
    var files: [String: String]
    var output: [String: String]?
    var error: String?
    var errorSuffix: String?
    var errorTruncated: Bool
    var shape: String?
    var options: RenderSettings
}

/// The render options a case asks for (a Sendable mirror of the golden's `options` object).
struct RenderSettings: Sendable {
    var releaseName = "release-name"
    var namespace = "default"
    var revision = 1
    var isUpgrade = false
    var kubeVersion: String?
    var apiVersions: [String] = []

    var renderOptions: RenderOptions {
        var o = RenderOptions(releaseName: releaseName, namespace: namespace, revision: revision,
                              isInstall: !isUpgrade, isUpgrade: isUpgrade)
        if let kubeVersion { o.kubeVersion = kubeVersion }
        o.apiVersions = apiVersions
        return o
    }
}

enum Conformance {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let goldens = fixtures.appendingPathComponent("conformance/goldens")
    static let repoRoot = fixtures.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Helm rendered the goldens with TZ=UTC; date functions format in the local zone.
    static let utc: Void = {
        setenv("TZ", "UTC", 1)
        tzset()
    }()

    /// Area names (golden file stems), sorted.
    static var areas: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: goldens.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func json(_ url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: url)
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return obj
    }

    static func cases(area: String) throws -> [ConformanceCase] {
        let doc = try json(goldens.appendingPathComponent(area + ".json"))
        let raw = doc["cases"] as? [[String: Any]] ?? []
        return raw.map { c in
            var settings = RenderSettings()
            if let o = c["options"] as? [String: Any] {
                if let v = o["releaseName"] as? String { settings.releaseName = v }
                if let v = o["namespace"] as? String { settings.namespace = v }
                if let v = o["revision"] as? Int { settings.revision = v }
                if let v = o["isUpgrade"] as? Bool { settings.isUpgrade = v }
                if let v = o["kubeVersion"] as? String { settings.kubeVersion = v }
                if let v = o["apiVersions"] as? [String] { settings.apiVersions = v }
            }
            return ConformanceCase(
                area: area, name: c["name"] as? String ?? "?", files: c["files"] as? [String: String] ?? [:],
                output: c["output"] as? [String: String], error: c["error"] as? String,
                errorSuffix: c["errorSuffix"] as? String, errorTruncated: c["errorTruncated"] as? Bool ?? false,
                shape: c["shape"] as? String, options: settings)
        }
    }

    static func writeChart(_ files: [String: String], into dir: URL) throws {
        let fm = FileManager.default
        for (rel, content) in files {
            let url = dir.appendingPathComponent(rel)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
    }

    /// Renders a chart directory; the render map, or the error text as Helm words it. Runs on a thread
    /// with a large stack: the corpus nests `include` 1000 deep and `template` up to Go's 100000 limit,
    /// which overflows the small stacks of Swift Testing's worker threads in debug builds.
    static func render(directory: String, options: RenderOptions) -> Result<[String: String], RenderFailure> {
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = renderHere(directory: directory, options: options)
            done.signal()
        }
        thread.stackSize = 1 << 30
        thread.start()
        done.wait()
        return box.value ?? .failure(RenderFailure(message: "render thread produced no result"))
    }

    final class ResultBox: @unchecked Sendable {
        var value: Result<[String: String], RenderFailure>?
    }

    static func renderHere(directory: String, options: RenderOptions) -> Result<[String: String], RenderFailure> {
        _ = utc
        do {
            let chart = try ChartLoader.load(directory: directory)
            return .success(try Renderer.render(chart: chart, values: .map([:]), options: options))
        } catch let e as ChartEngineError {
            return .failure(RenderFailure(message: e.message))
        } catch {
            return .failure(RenderFailure(message: String(describing: error)))
        }
    }

    /// Checks one case; nil when it matches Helm, else a one-line reason.
    static func check(_ c: ConformanceCase, in root: URL) -> String? {
        let dir = root.appendingPathComponent(c.name).appendingPathComponent("conf")
        do {
            try writeChart(c.files, into: dir)
        } catch {
            return "cannot write chart: \(error)"
        }
        let result = render(directory: dir.path, options: c.options.renderOptions)
        switch (result, c.error, c.output) {
        case (.failure(let got), let want?, _):
            if c.errorTruncated {
                if got.message.hasPrefix(want), got.message.hasSuffix(c.errorSuffix ?? "") { return nil }
                return "error differs from Helm's (prefix/suffix): " + firstDifference(want, got.message)
            }
            return got.message == want ? nil : "error: " + firstDifference(want, got.message)
        case (.failure(let got), nil, _):
            return "unexpected error: " + oneLine(got.message)
        case (.success(let out), let want?, _):
            return "expected error \(oneLine(want)), got output \(oneLine(out.sorted { $0.key < $1.key }.first?.value ?? ""))"
        case (.success(let out), nil, let want?):
            return compareOutput(out, want, shape: c.shape)
        case (.success, nil, nil):
            return "golden has neither output nor error"
        }
    }

    /// `CONFORMANCE_CASES=name1,area/name2,area3` runs only those cases (all when unset);
    /// `CONFORMANCE_SKIP=…` (same syntax) leaves cases out.
    static let only = nameSet("CONFORMANCE_CASES")
    static let skip = nameSet("CONFORMANCE_SKIP")

    static func nameSet(_ variable: String) -> Set<String>? {
        guard let v = ProcessInfo.processInfo.environment[variable], !v.isEmpty else { return nil }
        return Set(v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    static func selected(_ c: ConformanceCase) -> Bool {
        func matches(_ set: Set<String>) -> Bool {
            set.contains(c.name) || set.contains("\(c.area)/\(c.name)") || set.contains(c.area)
        }
        if let skip, matches(skip) { return false }
        guard let only else { return true }
        return matches(only)
    }

    static let caseFile = "conf/templates/case.yaml"

    static func compareOutput(_ got: [String: String], _ want: [String: String], shape: String?) -> String? {
        let missing = Set(want.keys).subtracting(got.keys).sorted()
        let extra = Set(got.keys).subtracting(want.keys).sorted()
        if !missing.isEmpty { return "missing output file(s) \(missing.joined(separator: ", "))" }
        if !extra.isEmpty { return "extra output file(s) \(extra.joined(separator: ", "))" }
        for key in want.keys.sorted() {
            let g = got[key] ?? "", w = want[key] ?? ""
            if key == caseFile, let shape {
                guard let re = try? Regex(shape) else { return "invalid shape regex \(shape)" }
                if (try? re.wholeMatch(in: g)) == nil { return "\(key): \(oneLine(g)) does not match shape \(shape)" }
                continue
            }
            if g != w { return "\(key): " + firstDifference(w, g) }
        }
        return nil
    }

    /// `line N col C: want … got …` for the first differing line, both sides shown from a little
    /// before the first differing character.
    static func firstDifference(_ want: String, _ got: String) -> String {
        let w = want.split(separator: "\n", omittingEmptySubsequences: false)
        let g = got.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(w.count, g.count) {
            let a = i < w.count ? Array(w[i]) : Array("<end>")
            let b = i < g.count ? Array(g[i]) : Array("<end>")
            if a == b { continue }
            var col = 0
            while col < a.count, col < b.count, a[col] == b[col] { col += 1 }
            let from = max(0, col - 30)
            let wa = clip(String(a[from...])), gb = clip(String(b[min(from, b.count)...]))
            let lead = from > 0 ? "…" : ""
            return "line \(i + 1) col \(col + 1): want \((lead + wa).debugDescription) got \((lead + gb).debugDescription)"
        }
        return "differs only in trailing text"
    }

    static func oneLine(_ s: String) -> String { clip(s.replacingOccurrences(of: "\n", with: "⏎")).debugDescription }
    static func clip(_ s: String) -> String { s.count > 120 ? String(s.prefix(120)) + "…" : s }

    static func temporaryDirectory(_ label: String) throws -> URL {
        URL(fileURLWithPath: try TemporaryDirectories.make("helmctl-conformance-\(label)"))
    }
}

extension Conformance {
    /// `Fixtures/conformance/known-differences.txt`: case name → reason.
    static func knownDifferences() throws -> [String: String] {
        let url = fixtures.appendingPathComponent("conformance/known-differences.txt")
        var out: [String: String] = [:]
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") { continue }
            let parts = t.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            out[String(parts[0])] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        }
        return out
    }
}

struct RenderFailure: Error {
    var message: String
}

@Suite("Conformance with Helm v4.2.3")
struct ConformanceTests {
    @Test("template cases", arguments: Conformance.areas)
    func area(_ area: String) throws {
        let cases = try Conformance.cases(area: area)
        #expect(!cases.isEmpty, "no cases in golden \(area).json")
        let root = try Conformance.temporaryDirectory(area)
        defer { try? FileManager.default.removeItem(at: root) }
        var failures: [String] = []
        var checked = 0
        let known = try Conformance.knownDifferences()
        for c in cases where Conformance.selected(c) {
            checked += 1
            let reason = Conformance.check(c, in: root)
            if let why = known[c.name] {
                if reason == nil {
                    failures.append("\(c.name): now matches Helm — remove it from known-differences.txt")
                } else {
                    print("known difference \(area)/\(c.name): \(why)")
                }
                continue
            }
            if let reason { failures.append("\(c.name): \(reason)") }
        }
        if !failures.isEmpty {
            // One line per failing case; recorded directly so the list is not repeated as an expansion.
            let summary = failures.joined(separator: "\n  ")
            Issue.record("\(area): \(failures.count)/\(checked) cases differ from Helm v4.2.3\n  \(summary)")
        }
    }

    /// Whole charts: fixture charts (Fixtures/charts/NAME with NAME.golden.json) and the repo's sample
    /// charts (charts/NAME with Fixtures/sample-charts/NAME.golden.json).
    static var chartGoldens: [String] {
        let fm = FileManager.default
        var out: [String] = []
        for (dir, prefix) in [(Conformance.fixtures.appendingPathComponent("charts"), "fixtures"),
                              (Conformance.fixtures.appendingPathComponent("sample-charts"), "charts")]
        {
            let names = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            for file in names where file.hasSuffix(".golden.json") {
                let name = String(file.dropLast(".golden.json".count))
                // A sample chart's golden may be committed before (or without) the chart itself.
                if prefix == "charts",
                   !fm.fileExists(atPath: Conformance.repoRoot.appendingPathComponent("charts/\(name)/Chart.yaml").path)
                {
                    continue
                }
                out.append("\(prefix)/\(name)")
            }
        }
        return out.sorted()
    }

    @Test("whole charts", arguments: chartGoldens)
    func chart(_ label: String) throws {
        let parts = label.split(separator: "/", maxSplits: 1).map(String.init)
        let (kind, name) = (parts[0], parts[1])
        let chartDir: URL, golden: URL
        if kind == "fixtures" {
            chartDir = Conformance.fixtures.appendingPathComponent("charts/\(name)")
            golden = Conformance.fixtures.appendingPathComponent("charts/\(name).golden.json")
        } else {
            chartDir = Conformance.repoRoot.appendingPathComponent("charts/\(name)")
            golden = Conformance.fixtures.appendingPathComponent("sample-charts/\(name).golden.json")
        }
        let doc = try Conformance.json(golden)
        let release = doc["release"] as? [String: String] ?? [:]
        let options = RenderOptions(releaseName: release["name"] ?? "release-name",
                                    namespace: release["namespace"] ?? "default")
        let result = Conformance.render(directory: chartDir.path, options: options)
        switch result {
        case .failure(let e):
            if let want = doc["error"] as? String {
                if !e.message.hasPrefix(want) {
                    Issue.record("\(label): \(Conformance.firstDifference(want, e.message))")
                }
            } else {
                Issue.record("\(label): unexpected error \(Conformance.oneLine(e.message))")
            }
        case .success(let out):
            guard let want = doc["output"] as? [String: String] else {
                Issue.record("\(label): Helm failed with \(doc["error"] ?? "?"), we rendered")
                return
            }
            if let reason = Conformance.compareOutput(out, want, shape: nil) {
                Issue.record("\(label): \(reason)")
            }
            // The sorted `# Source:` stream and the notes, as install --dry-run=client / helm template build them.
            if let wantError = doc["manifestError"] as? String {
                do {
                    let chart = try ChartLoader.load(directory: chartDir.path)
                    _ = try TemplateAction.renderResources(chart: chart, values: [:],
                                                           options: TemplateOptions(render: options))
                    Issue.record("\(label): Helm rejected the manifests (\(Conformance.oneLine(wantError))), we did not")
                } catch let e as ChartEngineError {
                    if e.message != wantError {
                        Issue.record("\(label): \(Conformance.firstDifference(wantError, e.message))")
                    }
                } catch {
                    Issue.record("\(label): unexpected error \(error)")
                }
            }
            if let manifest = doc["manifest"] as? String {
                do {
                    let chart = try ChartLoader.load(directory: chartDir.path)
                    let release = try TemplateAction.renderResources(chart: chart, values: [:],
                                                                     options: TemplateOptions(render: options))
                    // Recorded rather than #expect-ed so the whole stream is not printed as an expansion.
                    if release.manifest != manifest {
                        Issue.record("\(label) manifest: \(Conformance.firstDifference(manifest, release.manifest))")
                    }
                    let notes = doc["notes"] as? String ?? ""
                    if release.notes != notes {
                        Issue.record("\(label) notes: \(Conformance.firstDifference(notes, release.notes))")
                    }
                } catch {
                    Issue.record("\(label): manifest build failed: \(error)")
                }
            }
        }
    }

    /// Every one of the 240 callable names (helm-behaviour.md §1.2) is exercised by at least one case.
    @Test func everyFunctionHasACase() throws {
        let list = try String(contentsOf: Conformance.fixtures.appendingPathComponent(
            "conformance/function-names.txt"), encoding: .utf8)
        let wanted = list.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(wanted.count == 240, "function-names.txt should list 240 names, has \(wanted.count)")
        var used = Set<String>()
        for area in Conformance.areas {
            for c in try Conformance.cases(area: area) {
                for (path, text) in c.files where path != "Chart.yaml" && path != "values.yaml" {
                    used.formUnion(TemplateIdentifiers.scan(text))
                }
            }
        }
        let missing = wanted.filter { !used.contains($0) }
        #expect(missing.isEmpty, "functions without a conformance case: \(missing.joined(separator: " "))")
    }

    @Test func identifierScannerIgnoresFieldsVariablesAndStrings() {
        let ids = TemplateIdentifiers.scan(#"x {{ upper .Values.lower $trim "quote" `cat` 'a' | add1 }} hello"#)
        #expect(ids == ["upper", "add1"])
    }
}

/// Bare identifiers (function names and keywords) used inside `{{ }}` actions: names after `.` or `$`
/// (fields, variables) and string/raw/char literals do not count.
enum TemplateIdentifiers {
    static func scan(_ text: String) -> Set<String> {
        var out = Set<String>()
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            let body = rest[open.upperBound...]
            guard let close = body.range(of: "}}") else { break }
            identifiers(in: body[..<close.lowerBound], into: &out)
            rest = body[close.upperBound...]
        }
        return out
    }

    private static func identifiers(in action: Substring, into out: inout Set<String>) {
        let chars = Array(action.unicodeScalars)
        var i = 0
        var previous: Unicode.Scalar = " "
        func isStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.isASCII && c.properties.isAlphabetic) }
        func isPart(_ c: Unicode.Scalar) -> Bool { isStart(c) || ("0"..."9").contains(c) }
        while i < chars.count {
            let c = chars[i]
            if c == "\"" || c == "'" || c == "`" {
                // Skip the literal; `\` escapes only in "…" and '…'.
                i += 1
                while i < chars.count, chars[i] != c {
                    if chars[i] == "\\", c != "`" { i += 1 }
                    i += 1
                }
                i += 1
                previous = c
                continue
            }
            if isStart(c) {
                var j = i
                while j < chars.count, isPart(chars[j]) { j += 1 }
                if previous != ".", previous != "$", !isPart(previous) {
                    out.insert(String(String.UnicodeScalarView(chars[i..<j])))
                }
                previous = chars[j - 1]
                i = j
                continue
            }
            previous = c
            i += 1
        }
    }
}
