extension FunctionRegistry {
    mutating func registerEncoding() {
    }
}
