import CommandLineKit
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

    @Flag(name: .customLong("sign"), help: "use a PGP private key to sign this package")
    var sign = false

    @Option(name: .customLong("key"), help: "name of the key to use when signing. Used if --sign is true")
    var key = ""

    @Option(name: .customLong("keyring"), help: "location of a public keyring")
    var keyring = DefaultKeyring.path()

    @Option(name: .customLong("passphrase-file"), help: "location of a file which contains the passphrase for the signing key. Use \"-\" in order to read from stdin.")
    var passphraseFile = ""

    func run() throws {
        guard !paths.isEmpty else {
            throw ChartEngineError(.usage, "need at least one argument, the path to the chart")
        }
        if sign {
            if key.isEmpty { throw ChartEngineError(.usage, "--key is required for signing a package") }
            if keyring.isEmpty { throw ChartEngineError(.usage, "--keyring is required for signing a package") }
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
            if sign {
                let prov = try Provenance.sign(archivePath: written, key: key, keyring: keyring,
                                               passphraseFile: passphraseFile.isEmpty ? nil : passphraseFile)
                try writeFile(written + ".prov", prov)
            }
            ErrorReporting.writeStdout("Successfully packaged chart and saved it to: \(written)\n")
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes the `.prov` (mode 0644, as Helm's `os.WriteFile`).
private func writeFile(_ path: String, _ text: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw ChartEngineError(.io, "open \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    var off = 0
    while off < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + off }, bytes.count - off) }
        if n < 0 {
            if errno == EINTR { continue }
            throw ChartEngineError(.io, "write \(path): \(String(cString: strerror(errno)))")
        }
        off += n
    }
}

/// `os.Getwd()`.
enum CurrentDirectory {
    static func path() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return "." }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
