/// ClusterCore: the bundled cluster's API server, controllers and local-cluster assembly, built on
/// ClusterStore (revisioned key-value store) and ClusterAPI (pure Kubernetes API semantics).
/// See ../shared/design/ARCHITECTURE.md.
public enum ClusterCore {}
