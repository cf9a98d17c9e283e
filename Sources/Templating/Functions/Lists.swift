extension FunctionRegistry {
    mutating func registerLists() {
    }
}
