import CommandLineKit
import ChartEngine

/// Helm's values flags (`-f/--values` and the `--set` family), shared by every command that takes them.
struct ValuesFlags: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("values")], help: "specify values in a YAML file (can specify multiple)")
    var values: [String] = []

    @Option(name: .customLong("set"), help: "set values on the command line")
    var set: [String] = []

    @Option(name: .customLong("set-string"), help: "set STRING values on the command line")
    var setString: [String] = []

    @Option(name: .customLong("set-file"), help: "set values from respective files")
    var setFile: [String] = []

    @Option(name: .customLong("set-json"), help: "set JSON values on the command line")
    var setJSON: [String] = []

    @Option(name: .customLong("set-literal"), help: "set a literal STRING value on the command line")
    var setLiteral: [String] = []

    /// The flags as ChartEngine's value options (pflag's string-slice `-f` splits on commas).
    var valueOptions: ValueOptions {
        ValueOptions(valueFiles: values.flatMap { $0.split(separator: ",").map(String.init) },
                     jsonValues: setJSON, values: set, stringValues: setString, fileValues: setFile,
                     literalValues: setLiteral)
    }
}
