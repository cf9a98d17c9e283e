extension FunctionRegistry {
    mutating func registerReflection() {
    }
}
