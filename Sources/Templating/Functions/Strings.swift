extension FunctionRegistry {
    mutating func registerStrings() {
    }
}
