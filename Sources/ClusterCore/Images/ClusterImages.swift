extension ClusterDataDirectory {
    /// The image store every node of the cluster uses (`RuncRuntime(root: path + "/runtime")` keeps its
    /// images under `runtime/images`), for `helmctl image load|ls|rm`.
    public var imageStore: ImageStore { ImageStore(root: path + "/runtime/images") }
}
