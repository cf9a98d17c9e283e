import StructuredData

/// Helm's `rules.Chartfile`: the `Chart.yaml` checks, in Helm's order.
enum ChartfileRules {
    static let file = "Chart.yaml"

    static func run(_ linter: inout Linter) {
        let chartPath = linter.path(file)
        if FileSystem.kind(of: chartPath) == .directory {
            linter.rule(.error, file, "should be a file, not a directory")
        }
        let text: String
        let metadata: ChartMetadata
        switch load(chartPath) {
        case .failure(let message):
            linter.rule(.error, file, "unable to parse YAML\n\t" + message)
            return
        case .success(let loaded):
            text = loaded.text
            metadata = loaded.metadata
        }
        linter.rule(.warning, file, strictProblem(text).map { "failed to strictly parse chart metadata file\n\t" + $0 })
        let raw = (try? YAML.decode(text)).flatMap { v -> [String: Value]? in
            if case .map(let m) = v { return m }
            return nil
        } ?? [:]

        linter.rule(.error, file, nameProblem(metadata))
        linter.rule(.error, file, apiVersionProblem(metadata))
        linter.rule(.error, file, stringTypeProblem(raw, "version"))
        linter.rule(.error, file, versionProblem(metadata.version))
        linter.rule(.error, file, stringTypeProblem(raw, "appVersion"))
        linter.rule(.error, file, maintainerProblem(metadata, raw: raw))
        linter.rule(.error, file, metadata.sources.first { !URLValidation.isRequestURL($0) }
            .map { "invalid source URL '\($0)'" })
        linter.rule(.info, file, metadata.icon.isEmpty ? "icon is recommended" : nil)
        linter.rule(.error, file, !metadata.icon.isEmpty && !URLValidation.isRequestURL(metadata.icon)
            ? "invalid icon URL '\(metadata.icon)'" : nil)
        linter.rule(.error, file, !metadata.type.isEmpty && metadata.apiVersion != "v2"
            ? "chart type is not valid in apiVersion '\(metadata.apiVersion)'. It is valid in apiVersion 'v2'" : nil)
        linter.rule(.error, file, !metadata.dependencies.isEmpty && metadata.apiVersion != "v2"
            ? "dependencies are not valid in the Chart file with apiVersion '\(metadata.apiVersion)'. They are valid in apiVersion 'v2'"
            : nil)
        linter.rule(.warning, file, isStrictSemVer(metadata.version)
            ? nil : "version '\(metadata.version)' is not a valid SemVerV2")
    }

    enum Loaded {
        case success((text: String, metadata: ChartMetadata))
        case failure(String)
    }

    /// `chartutil.LoadChartfile`: read and decode without Helm's loader defaults or validation.
    static func load(_ path: String) -> Loaded {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path)
        } catch {
            return .failure(error.message)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let value: Value
        do {
            value = try YAML.decode(text)
        } catch {
            return .failure("error converting YAML to JSON: \(error)")
        }
        do {
            return .success((text, try MetadataDecoding.decode(value)))
        } catch {
            let prefix = "cannot load Chart.yaml: "
            let m = error.message
            return .failure(m.hasPrefix(prefix) ? String(m.dropFirst(prefix.count)) : m)
        }
    }

    static func nameProblem(_ md: ChartMetadata) -> String? {
        if md.name.isEmpty { return "name is required" }
        if GoPath.base(md.name) != md.name { return "chart name \(quoteGo(md.name)) is invalid" }
        return nil
    }

    static func apiVersionProblem(_ md: ChartMetadata) -> String? {
        if md.apiVersion.isEmpty { return "apiVersion is required. The value must be either \"v1\" or \"v2\"" }
        if md.apiVersion != "v1" && md.apiVersion != "v2" {
            return "apiVersion '\(md.apiVersion)' is not valid. The value must be either \"v1\" or \"v2\""
        }
        return nil
    }

    /// `isStringValue`: the raw YAML value must be a string; the message names its Go type as
    /// `encoding/json` decodes it into `interface{}`.
    static func stringTypeProblem(_ raw: [String: Value], _ key: String) -> String? {
        guard let v = raw[key] else { return nil }
        let type: String
        switch v {
        case .string: return nil
        case .int, .float: type = "float64"
        case .bool: type = "bool"
        case .null: type = "<nil>"
        case .list: type = "[]interface {}"
        case .map: type = "map[string]interface {}"
        }
        return "\(key) should be of type string but it's of type \(type)"
    }

    /// `validateChartVersion`: present, loose SemVer, and above `0.0.0-0`.
    static func versionProblem(_ version: String) -> String? {
        if version.isEmpty { return "version is required" }
        if !ChartValidation.isValidSemver(version) { return "version '\(version)' is not a valid SemVer" }
        // Only 0.0.0-0 itself fails Masterminds' `>0.0.0-0`.
        var core = Substring(version)
        if core.hasPrefix("v") { core = core.dropFirst() }
        if let plus = core.firstIndex(of: "+") { core = core[..<plus] }
        if let dash = core.firstIndex(of: "-"), core[core.index(after: dash)...] == "0",
           core[..<dash].split(separator: ".").allSatisfy({ Int($0) == 0 })
        {
            return "version \"0.0.0-0\" is less than or equal to \"0.0.0-0\""
        }
        return nil
    }

    static func maintainerProblem(_ md: ChartMetadata, raw: [String: Value]) -> String? {
        var rawItems: [Value] = []
        if case .list(let l)? = raw["maintainers"] { rawItems = l }
        for (i, m) in md.maintainers.enumerated() {
            // A `null` entry decodes to a nil *Maintainer in Helm.
            if i < rawItems.count, rawItems[i].isNull { return "a maintainer entry is empty" }
            if m.name.isEmpty { return "each maintainer requires a name" }
            if !m.email.isEmpty && !URLValidation.isEmail(m.email) {
                return "invalid email '\(m.email)' for maintainer '\(m.name)'"
            }
            if !m.url.isEmpty && !URLValidation.isURL(m.url) {
                return "invalid url '\(m.url)' for maintainer '\(m.name)'"
            }
        }
        return nil
    }

    /// Masterminds `StrictNewVersion`: exactly `MAJOR.MINOR.PATCH`, no `v`, no leading zeros.
    static func isStrictSemVer(_ s: String) -> Bool {
        var core = Substring(s)
        var pre: Substring?
        var meta: Substring?
        if let plus = core.firstIndex(of: "+") {
            meta = core[core.index(after: plus)...]
            core = core[..<plus]
        }
        if let dash = core.firstIndex(of: "-") {
            pre = core[core.index(after: dash)...]
            core = core[..<dash]
        }
        func numeric(_ x: Substring) -> Bool { !x.isEmpty && x.allSatisfy { $0.isASCII && $0.isNumber } }
        func ident(_ x: Substring) -> Bool {
            !x.isEmpty && x.unicodeScalars.allSatisfy { ChartValidation.isAliasChar($0) && $0 != "_" }
        }
        let nums = core.split(separator: ".", omittingEmptySubsequences: false)
        guard nums.count == 3, nums.allSatisfy({ numeric($0) && ($0.count == 1 || $0.first != "0") }) else {
            return false
        }
        if let p = pre {
            for id in p.split(separator: ".", omittingEmptySubsequences: false) {
                if !ident(id) { return false }
                if numeric(id) && id.count > 1 && id.first == "0" { return false }
            }
        }
        if let m = meta, !m.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(ident) { return false }
        return true
    }
}
