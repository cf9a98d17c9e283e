import CommandLineKit
import ChartEngine
import Templating

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `helmctl template [NAME] CHART`: render chart templates locally and print them as `helm template`.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Locally render templates.")

    @Argument(help: "[NAME] CHART")
    var arguments: [String] = []

    @Option(name: [.customShort("n"), .customLong("namespace")], help: "namespace scope for this request")
    var namespace: String?

    @OptionGroup var valueFlags: ValuesFlags

    @Option(name: [.customShort("s"), .customLong("show-only")], help: "only show manifests rendered from the given templates")
    var showOnly: [String] = []

    @Option(name: .customLong("output-dir"), help: "writes the executed templates to files in output-dir instead of stdout")
    var outputDir: String?

    @Flag(name: .customLong("include-crds"), help: "include CRDs in the templated output")
    var includeCRDs = false

    @Flag(name: .customLong("skip-tests"), help: "skip tests from templated output")
    var skipTests = false

    @Flag(name: .customLong("no-hooks"), help: "prevent hooks from running during install")
    var noHooks = false

    @Flag(name: .customLong("hide-secret"), help: "hide Kubernetes Secrets")
    var hideSecret = false

    @Flag(name: .customLong("skip-schema-validation"), help: "if set, disables JSON schema validation")
    var skipSchemaValidation = false

    @Option(name: .customLong("kube-version"), help: "Kubernetes version used for Capabilities.KubeVersion")
    var kubeVersion: String?

    @Option(name: [.customShort("a"), .customLong("api-versions")], help: "Kubernetes api versions used for Capabilities.APIVersions")
    var apiVersions: [String] = []

    @Flag(name: .customLong("release-name"), help: "use release name in the output-dir path")
    var useReleaseName = false

    @Flag(name: [.customShort("g"), .customLong("generate-name")], help: "generate the name (and omit the NAME parameter)")
    var generateName = false

    @Flag(name: .customLong("is-upgrade"), help: "set .Release.IsUpgrade instead of .Release.IsInstall")
    var isUpgrade = false

    /// Helm's global kubeconfig flags: offline they only choose the default namespace.
    @Option(name: .customLong("kubeconfig"), help: "path to the kubeconfig file")
    var kubeconfig: String?

    @Option(name: .customLong("kube-context"), help: "name of the kubeconfig context to use")
    var kubeContext: String?

    @OptionGroup var chartFlags: ChartPathFlags

    /// Helm's global `--debug`: accepted; successful renders print the same manifests either way.
    @Flag(name: .customLong("debug"), help: "enable verbose output")
    var debug = false

    func run() throws {
        let (name, chartRef) = try nameAndChart()
        // Helm's order: locate the chart, merge the values, then load the chart.
        let location = try ChartReference.locate(chartRef, options: chartFlags.reference, paths: GlobalPaths.current())
        var render = RenderOptions(releaseName: name, namespace: resolvedNamespace(),
                                   isInstall: !isUpgrade, isUpgrade: isUpgrade)
        if let kv = kubeVersion, !kv.isEmpty {
            do {
                let parsed = try KubeVersion.parse(kv)
                render.kubeVersion = parsed.version
            } catch let e as ChartEngineError {
                throw ChartEngineError(.usage, "invalid kube version '\(kv)': \(e.message)")
            }
        }
        // pflag's StringSlice flags split on commas.
        render.skipSchemaValidation = skipSchemaValidation
        render.apiVersions = apiVersions.flatMap { $0.split(separator: ",").map(String.init) }
        let valueOptions = valueFlags.valueOptions
        let userValues = try valueOptions.merged()
        let chart = try ChartReference.load(location)
        let options = TemplateOptions(render: render, showOnly: showOnly, outputDir: outputDir,
                                      useReleaseName: useReleaseName, includeCRDs: includeCRDs,
                                      skipTests: skipTests, disableHooks: noHooks, hideSecret: hideSecret)
        let out = try TemplateAction.run(chart: chart, values: userValues, options: options)
        ProcessLifetime.keep((chart, userValues))
        ErrorReporting.writeStdout(out)
    }

    /// Helm's `nameAndChart` for `helm template` (release name defaults to `release-name`).
    func nameAndChart() throws -> (String, String) {
        guard !arguments.isEmpty else {
            throw ChartEngineError(.usage,
                                   "\"helmctl template\" requires at least 1 argument\n\nUsage:  helmctl template [NAME] [CHART] [flags]")
        }
        if arguments.count > 2 {
            throw ChartEngineError(.usage, "expected at most two arguments, unexpected arguments: "
                + arguments[2...].joined(separator: ", "))
        }
        if arguments.count == 2 {
            if generateName {
                throw ChartEngineError(.usage, "cannot set --generate-name and also specify a name")
            }
            return (arguments[0], arguments[1])
        }
        if generateName {
            var base = String(arguments[0].split(separator: "/").last ?? "")
            if base == "." || base.isEmpty { base = "chart" }
            if let dot = base.firstIndex(of: ".") { base = String(base[..<dot]) }
            return ("\(base)-\(time(nil))", arguments[0])
        }
        return ("release-name", arguments[0])
    }

    /// `-n`, else `HELM_NAMESPACE`, else the current kubeconfig context's namespace, else `default`
    /// (Helm's `EnvSettings.Namespace`).
    func resolvedNamespace() -> String {
        if let ns = namespace, !ns.isEmpty { return ns }
        if let env = getenv("HELM_NAMESPACE") {
            let s = String(cString: env)
            if !s.isEmpty { return s }
        }
        return KubeconfigNamespace.current(kubeconfig: kubeconfig, context: kubeContext) ?? "default"
    }
}
