public import StructuredData

/// How serious a lint finding is (Helm's `support.*Sev`).
public enum LintSeverity: Int, Sendable, Comparable {
    case unknown = 0, info, warning, error

    /// The label printed between brackets.
    public var label: String {
        switch self {
        case .unknown: "UNKNOWN"
        case .info: "INFO"
        case .warning: "WARNING"
        case .error: "ERROR"
        }
    }

    public static func < (a: LintSeverity, b: LintSeverity) -> Bool { a.rawValue < b.rawValue }
}

/// One finding: `[SEVERITY] PATH: MESSAGE` (Helm's `support.Message`).
public struct LintMessage: Sendable, Equatable, CustomStringConvertible {
    public var severity: LintSeverity
    /// The chart-relative file or directory (`Chart.yaml`, `templates/x.yaml`), the absolute chart
    /// directory for dependency findings, or empty.
    public var path: String
    public var message: String

    public init(_ severity: LintSeverity, _ path: String, _ message: String) {
        self.severity = severity
        self.path = path
        self.message = message
    }

    public var description: String { "[\(severity.label)] \(path): \(message)" }
}

/// The outcome of linting one path (Helm's `action.LintResult`).
public struct LintResult: Sendable, Equatable {
    public var totalChartsLinted = 0
    public var messages: [LintMessage] = []
    /// Failures: messages at or above the tolerance (error, or warning with `--strict`), or why the
    /// path could not be linted at all.
    public var errors: [String] = []

    public init() {}

    /// Helm's `HasWarningsOrErrors`.
    public var hasWarningsOrErrors: Bool { messages.contains { $0.severity > .info } }
}

/// `helm lint` options.
public struct LintOptions: Sendable {
    /// `--strict`: warnings fail the chart too.
    public var strict: Bool
    /// `--quiet`: only charts with warnings or errors, and only those messages.
    public var quiet: Bool
    /// `--with-subcharts`: also lint every chart found under each path's `charts/`.
    public var withSubcharts: Bool
    /// The release namespace templates see.
    public var namespace: String
    /// `--kube-version`: capabilities and the deprecation threshold (default v1.36).
    public var kubeVersion: KubeVersion?
    /// Values from `-f`/`--set`… .
    public var values: [String: Value]
    /// `--skip-schema-validation`: do not check values against `values.schema.json` files.
    public var skipSchemaValidation: Bool

    public init(strict: Bool = false, quiet: Bool = false, withSubcharts: Bool = false, namespace: String = "default",
                kubeVersion: KubeVersion? = nil, values: [String: Value] = [:], skipSchemaValidation: Bool = false)
    {
        self.skipSchemaValidation = skipSchemaValidation
        self.strict = strict
        self.quiet = quiet
        self.withSubcharts = withSubcharts
        self.namespace = namespace
        self.kubeVersion = kubeVersion
        self.values = values
    }
}

/// One lint run over one chart directory (Helm's `support.Linter`).
struct Linter {
    /// The absolute chart directory.
    var chartDir: String
    var messages: [LintMessage] = []
    var highestSeverity: LintSeverity = .unknown

    init(chartDir: String) { self.chartDir = chartDir }

    /// Records `problem` (if any) at `severity`; true when the rule passed.
    @discardableResult
    mutating func rule(_ severity: LintSeverity, _ path: String, _ problem: String?) -> Bool {
        guard let problem else { return true }
        messages.append(LintMessage(severity, path, problem))
        if severity > highestSeverity { highestSeverity = severity }
        return false
    }

    /// A chart-relative path joined as Go's `filepath.Join` does.
    func path(_ relative: String) -> String { GoPath.clean(chartDir + "/" + relative) }
}
