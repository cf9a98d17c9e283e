extension FunctionRegistry {
    mutating func registerNetwork() {
    }
}
