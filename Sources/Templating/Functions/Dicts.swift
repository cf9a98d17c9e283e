extension FunctionRegistry {
    mutating func registerDicts() {
    }
}
