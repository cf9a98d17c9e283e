import ArgumentParser
import ChartEngine

/// `helmctl package PATH… [-d DIR] [--version V] [--app-version V]`: Helm v4's reproducible archive.
struct PackageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "Package a chart directory into a chart archive.")

    @Argument(help: "CHART_PATH...")
    var paths: [String] = []

    @Option(name: [.customShort("d"), .customLong("destination")], help: "location to write the chart.")
    var destination = "."

    @Option(name: .customLong("version"), help: "set the version on the chart to this semver version")
    var version: String?

    @Option(name: .customLong("app-version"), help: "set the appVersion on the chart to this version")
    var appVersion: String?

    @Flag(name: [.customShort("u"), .customLong("dependency-update")],
          help: "update dependencies from \"Chart.yaml\" to dir \"charts/\" before packaging")
    var dependencyUpdate = false

    func run() throws {
        guard !paths.isEmpty else {
            throw ChartEngineError(.usage, "need at least one argument, the path to the chart")
        }
        var dest = destination
        if dest == "." { dest = CurrentDirectory.path() }
        for path in paths {
            if dependencyUpdate {
                // Helm discards the manager's output here.
                try DependencyManager(chartPath: path, paths: GlobalPaths.current(), out: { _ in }).update()
            }
            let written = try ChartPackager.package(
                directory: path, destination: dest,
                options: .init(version: version, appVersion: appVersion))
            ErrorReporting.writeStdout("Successfully packaged chart and saved it to: \(written)\n")
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `os.Getwd()`.
enum CurrentDirectory {
    static func path() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return "." }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
