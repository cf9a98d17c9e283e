/// `Chart.yaml` validation as Helm's `Metadata.Validate` (messages prefixed `validation: `).
enum ChartValidation {
    static func validate(_ md: inout ChartMetadata) throws(ChartEngineError) {
        func fail(_ msg: String) -> ChartEngineError { ChartEngineError(.invalidChart, "validation: " + msg) }
        if md.apiVersion.isEmpty { throw fail("chart.metadata.apiVersion is required") }
        if md.name.isEmpty { throw fail("chart.metadata.name is required") }
        if md.name == "." || md.name == ".." || md.name.contains("/") || md.name.contains("\\") {
            throw fail("chart.metadata.name \"\(md.name)\" is invalid")
        }
        if md.version.isEmpty { throw fail("chart.metadata.version is required") }
        if !isValidSemver(md.version) { throw fail("chart.metadata.version \"\(md.version)\" is invalid") }
        if !(md.type.isEmpty || md.type == "application" || md.type == "library") {
            throw fail("chart.metadata.type must be application or library")
        }
        var seen: Set<String> = []
        for d in md.dependencies {
            if !d.alias.isEmpty && !d.alias.unicodeScalars.allSatisfy({ isAliasChar($0) }) {
                throw fail("dependency \"\(d.name)\" has disallowed characters in the alias")
            }
            let key = d.alias.isEmpty ? d.name : d.alias
            if seen.contains(key) { throw fail("more than one dependency with name or alias \"\(key)\"") }
            seen.insert(key)
        }
    }

    static func isAliasChar(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "-"
    }

    /// Masterminds semver v3 `NewVersion` (loose): `v?MAJOR(.MINOR(.PATCH)?)?(-PRE)?(+META)?`, with
    /// numeric pre-release identifiers free of leading zeros.
    static func isValidSemver(_ s: String) -> Bool {
        var rest = Substring(s)
        if rest.hasPrefix("v") { rest = rest.dropFirst() }
        var core = rest
        var pre: Substring?
        var meta: Substring?
        if let plus = rest.firstIndex(of: "+") {
            meta = rest[rest.index(after: plus)...]
            core = rest[..<plus]
        }
        if let dash = core.firstIndex(of: "-") {
            pre = core[core.index(after: dash)...]
            core = core[..<dash]
        }
        let nums = core.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(nums.count) else { return false }
        for n in nums where n.isEmpty || !n.allSatisfy({ $0.isASCII && $0.isNumber }) { return false }
        func identsOK(_ x: Substring, checkZeros: Bool) -> Bool {
            let ids = x.split(separator: ".", omittingEmptySubsequences: false)
            for id in ids {
                if id.isEmpty { return false }
                if !id.unicodeScalars.allSatisfy({ isAliasChar($0) && $0 != "_" }) { return false }
                if checkZeros && id.count > 1 && id.first == "0" && id.allSatisfy({ $0.isNumber }) { return false }
            }
            return true
        }
        if let p = pre, !identsOK(p, checkZeros: true) { return false }
        if let m = meta, !identsOK(m, checkZeros: false) { return false }
        return true
    }
}
