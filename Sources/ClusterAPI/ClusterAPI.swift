/// ClusterAPI: the Kubernetes API's semantics as pure functions over `StructuredData.Value` — no
/// I/O, no clock of its own. Schema/ (built-in types from upstream `generated.proto`, typed and
/// strict field checks), Protobuf/ (request bodies), Patch/ (JSON, merge, strategic merge),
/// Apply/ (server-side apply and managedFields), Resources/ (catalogue, discovery, OpenAPI stub),
/// Selectors/, Table/ (kubectl's server-side printers), Admission/ (defaulting and validation).
/// Used by ClusterCore's API server; depends only on StructuredData.
public enum ClusterAPI {}
