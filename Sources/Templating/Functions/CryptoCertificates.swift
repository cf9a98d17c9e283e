extension FunctionRegistry {
    mutating func registerCertificates() {}
}
