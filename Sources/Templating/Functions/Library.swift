/// The Sprig v3.3.0 library as Helm v4.2.3 exposes it, one area per file.
extension FunctionRegistry {
    mutating func registerLibrary() {
        registerStrings()
        registerConversion()
        registerMath()
        registerDefaults()
        registerReflection()
        registerPaths()
        registerEncoding()
        registerSerialization()
        registerLists()
        registerDicts()
        registerRegex()
        registerSemver()
        registerURLs()
        registerDates()
        registerCrypto()
        registerNetwork()
    }
}
