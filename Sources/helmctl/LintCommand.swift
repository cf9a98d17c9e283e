import CommandLineKit
import ChartEngine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `helmctl lint [PATH…]`: examine charts for possible issues, as `helm lint`.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "examine a chart for possible issues")

    @Argument(help: "PATH")
    var paths: [String] = []

    @Flag(name: .customLong("strict"), help: "fail on lint warnings")
    var strict = false

    @Flag(name: .customLong("with-subcharts"), help: "lint dependent charts")
    var withSubcharts = false

    @Flag(name: .customLong("quiet"), help: "print only warnings and errors")
    var quiet = false

    @Flag(name: .customLong("skip-schema-validation"), help: "if set, disables JSON schema validation")
    var skipSchemaValidation = false

    @Option(name: .customLong("kube-version"), help: "Kubernetes version used for capabilities and deprecation checks")
    var kubeVersion: String = ""

    @Option(name: [.customShort("n"), .customLong("namespace")], help: "namespace scope for this request")
    var namespace: String?

    @OptionGroup var valueFlags: ValuesFlags

    @Flag(name: .customLong("debug"), help: "enable verbose output")
    var debug = false

    /// Helm's global kubeconfig flags: offline they only choose the default namespace.
    @Option(name: .customLong("kubeconfig"), help: "path to the kubeconfig file")
    var kubeconfig: String?

    @Option(name: .customLong("kube-context"), help: "name of the kubeconfig context to use")
    var kubeContext: String?

    func run() throws {
        var options = LintOptions(strict: strict, quiet: quiet, withSubcharts: withSubcharts,
                                  namespace: resolvedNamespace(), skipSchemaValidation: skipSchemaValidation)
        if !kubeVersion.isEmpty {
            do {
                options.kubeVersion = try KubeVersion.parse(kubeVersion)
            } catch let e as ChartEngineError {
                throw ChartEngineError(.usage, "invalid kube version '\(kubeVersion)': \(e.message)")
            }
        }
        let valueOptions = valueFlags.valueOptions
        options.values = try valueOptions.merged()
        let (output, failure) = LintAction.run(paths: paths, options: options)
        ErrorReporting.writeStdout(output)
        if let failure { throw ChartEngineError(.invalidChart, failure) }
    }

    /// `-n`, else `HELM_NAMESPACE`, else the current kubeconfig context's namespace, else `default`.
    func resolvedNamespace() -> String {
        if let ns = namespace, !ns.isEmpty { return ns }
        if let env = getenv("HELM_NAMESPACE") {
            let s = String(cString: env)
            if !s.isEmpty { return s }
        }
        return KubeconfigNamespace.current(kubeconfig: kubeconfig, context: kubeContext) ?? "default"
    }
}
