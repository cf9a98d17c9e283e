extension FunctionRegistry {
    mutating func registerURLs() {
    }
}
