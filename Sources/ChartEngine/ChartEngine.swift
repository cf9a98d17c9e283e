/// ChartEngine: Helm's semantics on top of the general template engine — the chart model, loading,
/// values, rendering and (later) packaging, repositories and releases.
public enum ChartEngineInfo {
    /// The Helm version whose behaviour this engine reproduces.
    public static let helmVersion = "v4.2.3"
}
