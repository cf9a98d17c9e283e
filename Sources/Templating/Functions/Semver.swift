extension FunctionRegistry {
    mutating func registerSemver() {
    }
}
