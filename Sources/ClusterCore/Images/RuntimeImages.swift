import NIOPosix

extension ContainerRuntime {
    /// Runtimes without a store of their own only resolve (no registry pulls).
    public func pullImage(_ reference: String, policy: ImagePullPolicy, credentials: RegistryCredentials?,
                          progress: (@Sendable (ImagePullProgress) -> Void)?) async throws -> ContainerImage
    {
        try await image(reference)
    }
}

extension RuncRuntime {
    /// Pulls through the node's ``ImageStore`` on the runtime's blocking threads.
    public func pullImage(_ reference: String, policy: ImagePullPolicy, credentials: RegistryCredentials?,
                          progress: (@Sendable (ImagePullProgress) -> Void)?) async throws -> ContainerImage
    {
        let images = self.images
        return try await RuntimeThreads.pool.runIfActive {
            try images.image(reference, policy: policy, credentials: credentials, progress: progress)
        }
    }
}
