extension FunctionRegistry {
    mutating func registerRegex() {
    }
}
