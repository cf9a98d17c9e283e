extension FunctionRegistry {
    mutating func registerConversion() {
    }
}
