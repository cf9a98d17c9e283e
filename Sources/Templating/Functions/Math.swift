extension FunctionRegistry {
    mutating func registerMath() {
    }
}
