import CommandLineKit

ProcessTuning.apply(arguments: Array(CommandLine.arguments.dropFirst()))
ErrorReporting.run(HelmCtl.self)
