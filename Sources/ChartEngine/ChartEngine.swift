/// ChartEngine: Helm's semantics on top of the general template engine (DAG: helmctl → ChartEngine →
/// Templating → StructuredData).
///
/// - `Model/`: ``Chart``, ``ChartMetadata``, ``ChartDependency``, ``ChartFile``.
/// - `Loading/`: ``ChartLoader`` (directories with `.helmignore`, Chart.yaml decoding and validation,
///   values files), Go's `path.Match`.
/// - `Values/`: ``Coalescer`` (values coalescing with globals), ``DependencyProcessor`` (aliases,
///   tags, conditions, import-values), ``Strvals`` (`--set` grammar), ``ValueOptions``.
/// - `Rendering/`: ``Renderer`` (Helm's `engine.Render`), ``HelmFunctions`` (`include`, `tpl`,
///   `required`, `fail`, `lookup`), ``Capabilities``, ``FilesObject``, Helm's error rewording.
/// - `Manifests/`: ``ManifestSplitter``, ``KindOrder``, ``ManifestSorter`` (hooks apart).
/// - `Actions/`: ``TemplateAction`` (`helm template`).
public enum ChartEngineInfo {
    /// The Helm version whose behaviour this engine reproduces.
    public static let helmVersion = "v4.2.3"
}
