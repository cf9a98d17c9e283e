#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Helm's configuration, cache and data locations (pkg/helmpath with pkg/cli's environment):
/// `HELM_CONFIG_HOME`, else `$XDG_CONFIG_HOME/helm`, else `~/.config/helm` (likewise cache and data);
/// `HELM_REPOSITORY_CONFIG` and `HELM_REPOSITORY_CACHE` override the repository file and cache.
public struct HelmPaths: Sendable, Equatable {
    /// `repositories.yaml`.
    public var repositoryConfig: String
    /// The directory holding `<repo>-index.yaml` and `<repo>-charts.txt`.
    public var repositoryCache: String
    /// Helm's data home (plugins, starters).
    public var dataHome: String

    public init(repositoryConfig: String, repositoryCache: String, dataHome: String = "") {
        self.repositoryConfig = repositoryConfig
        self.repositoryCache = repositoryCache
        self.dataHome = dataHome
    }

    /// The locations for an environment (defaults to the process environment).
    public static func fromEnvironment(_ env: (String) -> String? = HelmPaths.processEnv) -> HelmPaths {
        let home = env("HOME") ?? ""
        func base(_ helmVar: String, _ xdgVar: String, _ fallback: String) -> String {
            if let v = env(helmVar), !v.isEmpty { return v }
            if let x = env(xdgVar), !x.isEmpty { return joinPath(x, "helm") }
            return joinPath(home, fallback, "helm")
        }
        let config = base("HELM_CONFIG_HOME", "XDG_CONFIG_HOME", ".config")
        let cache = base("HELM_CACHE_HOME", "XDG_CACHE_HOME", ".cache")
        let data = base("HELM_DATA_HOME", "XDG_DATA_HOME", ".local/share")
        var repoConfig = joinPath(config, "repositories.yaml")
        if let v = env("HELM_REPOSITORY_CONFIG"), !v.isEmpty { repoConfig = v }
        var repoCache = joinPath(cache, "repository")
        if let v = env("HELM_REPOSITORY_CACHE"), !v.isEmpty { repoCache = v }
        return HelmPaths(repositoryConfig: repoConfig, repositoryCache: repoCache, dataHome: data)
    }

    /// `getenv`.
    public static func processEnv(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }

    /// `helmpath.CacheIndexFile`: `<repo>-index.yaml` in the repository cache.
    public func indexFile(_ repo: String) -> String { joinPath(repositoryCache, repo + "-index.yaml") }

    /// `helmpath.CacheChartsFile`: `<repo>-charts.txt` in the repository cache.
    public func chartsFile(_ repo: String) -> String { joinPath(repositoryCache, repo + "-charts.txt") }
}
