/// `helm dependency list` (action.Dependency.List): the declared dependencies with their status on
/// disk, then warnings for `charts/` entries Chart.yaml does not declare.
public enum DependencyList {
    public static func run(chartPath: String, maxColumnWidth: Int = 80) throws -> String {
        let chart = try ChartLoader.load(directory: chartPath)
        let deps = chart.metadata.dependencies
        if deps.isEmpty { return "WARNING: no dependencies at \(joinPath(chartPath, "charts"))\n" }
        var t = TextTable(maxColumnWidth: maxColumnWidth)
        t.addRow(["NAME", "VERSION", "REPOSITORY", "STATUS"])
        for d in deps { t.addRow([d.name, d.version, d.repository, status(chartPath, d, chart)]) }
        var out = t.render() + "\n\n"
        out += missing(chartPath, deps)
        return out
    }

    /// The `charts/` entries (Go's `filepath.Glob` order).
    static func chartsEntries(_ chartPath: String) -> [String] {
        ((try? FileSystem.list(joinPath(chartPath, "charts"))) ?? []).map { joinPath(chartPath, "charts", $0) }
    }

    /// `dependencyStatus`.
    static func status(_ chartPath: String, _ dep: ChartDependency, _ parent: Chart) -> String {
        let prefix = dep.name + "-"
        let archives = chartsEntries(chartPath).filter {
            let base = String($0.split(separator: "/").last ?? "")
            return base.hasPrefix(prefix) && base.hasSuffix(".tgz")
        }
        if archives.count > 1 {
            let found = archives.filter {
                let base = String($0.split(separator: "/").last ?? "")
                return isStrictSemver(String(base.dropFirst(prefix.count).dropLast(4)))
            }
            if found.count == 1 {
                if let r = archiveStatus(found[0], dep) { return r }
            } else if found.count > 1 {
                return "too many matches"
            }
        } else if archives.count == 1, let r = archiveStatus(archives[0], dep) {
            return r
        }
        guard let sub = parent.dependencies.last(where: { $0.name == dep.name }) else { return "missing" }
        if let v = versionStatus(sub.metadata.version, dep.version) { return v }
        return "unpacked"
    }

    /// `statArchiveForStatus`.
    static func archiveStatus(_ path: String, _ dep: ChartDependency) -> String? {
        guard FileSystem.kind(of: path) != .missing else { return nil }
        guard let c = try? ChartArchive.load(path: path) else { return "corrupt" }
        if c.name != dep.name { return "misnamed" }
        return versionStatus(c.metadata.version, dep.version) ?? "ok"
    }

    static func versionStatus(_ actual: String, _ wanted: String) -> String? {
        if actual == wanted { return nil }
        guard let ok = Semver.satisfies(actual, wanted) else { return "invalid version" }
        if !Semver.isValid(actual) { return "invalid version" }
        return ok ? nil : "wrong version"
    }

    /// `printMissing`.
    static func missing(_ chartPath: String, _ reqs: [ChartDependency]) -> String {
        var out = ""
        for f in chartsEntries(chartPath) {
            let kind = FileSystem.kind(of: f)
            if kind != .directory && !f.hasSuffix(".tgz") { continue }
            guard let c = try? ChartLoader.load(directory: f) else {
                out += "WARNING: \"\(f)\" is not a chart.\n"
                continue
            }
            if !reqs.contains(where: { $0.name == c.name }) { out += "WARNING: \"\(f)\" is not in Chart.yaml.\n" }
        }
        return out
    }

    /// Masterminds `StrictNewVersion`: `MAJOR.MINOR.PATCH[-PRE][+META]`, no `v`, no leading zeros.
    static func isStrictSemver(_ s: String) -> Bool {
        var core = Substring(s)
        if let plus = core.firstIndex(of: "+") {
            let meta = core[core.index(after: plus)...]
            if meta.isEmpty || !meta.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isIdent) { return false }
            core = core[..<plus]
        }
        if let dash = core.firstIndex(of: "-") {
            let pre = core[core.index(after: dash)...]
            if pre.isEmpty || !pre.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isIdent) { return false }
            core = core[..<dash]
        }
        let nums = core.split(separator: ".", omittingEmptySubsequences: false)
        return nums.count == 3 && nums.allSatisfy { n in
            !n.isEmpty && n.allSatisfy(\.isASCIIDigit) && (n.count == 1 || n.first != "0")
        }
    }

    static func isIdent(_ s: Substring) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCIIDigit || ($0.isASCII && $0.isLetter) || $0 == "-" }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
