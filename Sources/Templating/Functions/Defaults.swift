extension FunctionRegistry {
    mutating func registerDefaults() {
    }
}
