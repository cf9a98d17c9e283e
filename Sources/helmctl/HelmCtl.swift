import CommandLineKit

/// The `helmctl` command: a Helm-compatible chart tool.
struct HelmCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "helmctl",
        abstract: "Render, package and install Helm charts.",
        subcommands: [
            TemplateCommand.self, PackageCommand.self, ShowCommand.self, RepoCommand.self, SearchCommand.self,
            PullCommand.self, DependencyCommand.self, CreateCommand.self, LintCommand.self, ServeCommand.self,
            VerifyCommand.self, PushCommand.self, RegistryCommand.self, ClusterCommand.self, ImageCommand.self,
            InstallCommand.self, UpgradeCommand.self, RollbackCommand.self, UninstallCommand.self, ListCommand.self,
            HistoryCommand.self, StatusCommand.self, GetCommand.self, TestCommand.self, DiffCommand.self,
        ])
}
