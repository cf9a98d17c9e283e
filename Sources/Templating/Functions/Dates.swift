extension FunctionRegistry {
    mutating func registerDates() {
    }
}
