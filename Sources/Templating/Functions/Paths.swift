extension FunctionRegistry {
    mutating func registerPaths() {
    }
}
