extension FunctionRegistry {
    /// Go's `text/template` builtins (`and`/`or` are handled by the executor, which short-circuits).
    mutating func registerBuiltins() {
    }
}
