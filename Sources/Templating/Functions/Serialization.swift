extension FunctionRegistry {
    mutating func registerSerialization() {
    }
}
