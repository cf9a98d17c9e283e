extension FunctionRegistry {
    mutating func registerCrypto() {
    }
}
