extension FunctionRegistry {
    /// `getHostByName`: Helm v4.2.3 replaces Sprig's DNS lookup with a stub returning "" unless
    /// `--enable-dns` is given (ChartEngine may register the live version).
    mutating func registerNetwork() {
        register("getHostByName", [.string]) { _, _ in .string("") }
    }
}
