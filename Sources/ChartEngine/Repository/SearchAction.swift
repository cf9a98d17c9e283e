import StructuredData
import Templating

/// `helm search repo` (pkg/cmd/search_repo.go and pkg/cmd/search): searches the cached indexes of
/// the configured repositories.
public enum SearchAction {
    /// The command's options.
    public struct Options: Sendable {
        public var terms: [String] = []
        public var regexp = false
        public var versions = false
        public var devel = false
        public var version = ""
        public var maxColumnWidth = 50
        public var failOnNoResult = false
        public var format = RepoActions.Format.table
        public init() {}
    }

    /// One hit: `repo/chart` and the index entry.
    struct Result {
        var name: String
        var score: Int
        var chart: IndexEntry
    }

    static let maxScore = 25
    static let sep: Character = "\u{0B}"

    /// Runs the search; `warn` receives Helm's "repo is corrupt or missing" warnings.
    public static func run(_ o: Options, paths: HelmPaths, warn: (String) -> Void) throws(ChartEngineError) -> String {
        var version = o.version
        if version.isEmpty { version = o.devel ? ">0.0.0-0" : ">0.0.0" }
        guard let rf = try? RepositoryFile.load(paths.repositoryConfig), !rf.repositories.isEmpty else {
            throw ChartEngineError(.usage, "no repositories configured")
        }
        // The search index: key (repo/chart, or repo/chart$$version with all versions) → line, entry.
        var lines: [(key: String, line: String, chart: IndexEntry)] = []
        for r in rf.repositories {
            let index: RepoIndex
            do {
                index = try RepoIndex.load(path: paths.indexFile(r.name))
            } catch {
                warn("repo is corrupt or missing repo=\(r.name) error=\(goQuoteIfNeeded(error.message))")
                continue
            }
            for name in index.entries.keys.sorted() {
                guard let refs = index.entries[name], let first = refs.first else { continue }
                let fname = GoPath.clean(r.name + "/" + name)
                for e in (o.versions || !version.isEmpty ? refs : [first]) {
                    let key = (o.versions || !version.isEmpty) ? fname + "$$" + e.metadata.version : fname
                    lines.append((key, indexLine(r.name, e), e))
                }
            }
        }
        var results: [Result] = []
        if o.terms.isEmpty {
            results = lines.map { Result(name: stripVersion($0.key), score: 0, chart: $0.chart) }
        } else {
            let term = o.terms.joined(separator: " ")
            if o.regexp {
                let re: GoRegexp
                do {
                    re = try GoRegexp.compile(term)
                } catch {
                    throw ChartEngineError(.usage, error.message)
                }
                for l in lines {
                    let scalars = Array(l.line.unicodeScalars)
                    guard let m = re.allMatches(scalars, limit: 1).first, let whole = m[0] else { continue }
                    let start = String(String.UnicodeScalarView(scalars[..<whole.lowerBound])).utf8.count
                    let score = calcScore(start, l.line)
                    if score < maxScore {
                        results.append(Result(name: stripVersion(l.key), score: score, chart: l.chart))
                    }
                }
            } else {
                let lt = term.lowercased()
                for l in lines {
                    let lv = l.line.lowercased()
                    guard let r = lv.range(of: lt) else { continue }
                    let pos = lv.utf8.distance(from: lv.utf8.startIndex, to: r.lowerBound)
                    let score = calcScore(pos, lv)
                    if score < maxScore {
                        // Helm reports the lower-cased key for literal searches.
                        let lk = l.key.lowercased()
                        results.append(Result(name: stripVersion(lk), score: score, chart: l.chart))
                    }
                }
            }
        }
        results.sort(by: less)
        // applyConstraint
        let constraint: SemverConstraints
        do {
            constraint = try SemverConstraints.parse(version)
        } catch {
            throw ChartEngineError(.usage, "an invalid version/constraint format: \(error.message)")
        }
        var data: [Result] = []
        var found: Set<String> = []
        for r in results {
            if !o.versions && found.contains(r.name) { continue }
            guard let v = try? SemverVersion.parse(r.chart.metadata.version) else { continue }
            if constraint.check(v) {
                data.append(r)
                found.insert(r.name)
            }
        }
        return try write(data, o)
    }

    static func write(_ data: [Result], _ o: Options) throws(ChartEngineError) -> String {
        if data.isEmpty && o.failOnNoResult { throw ChartEngineError(.usage, "no results found") }
        switch o.format {
        case .table:
            if data.isEmpty { return "No results found\n" }
            var t = TextTable(maxColumnWidth: o.maxColumnWidth)
            t.addRow(["NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"])
            for r in data {
                t.addRow([r.name, r.chart.metadata.version, r.chart.metadata.appVersion, r.chart.metadata.description])
            }
            return t.render() + "\n"
        case .json:
            let items = data.map { r in
                "{\"name\":\(RepoActions.jsonString(r.name)),\"version\":\(RepoActions.jsonString(r.chart.metadata.version)),"
                    + "\"app_version\":\(RepoActions.jsonString(r.chart.metadata.appVersion)),"
                    + "\"description\":\(RepoActions.jsonString(r.chart.metadata.description))}"
            }
            return "[" + items.joined(separator: ",") + "]\n"
        case .yaml:
            return YAML.encode(.list(data.map { r in
                .map(["name": .string(r.name), "version": .string(r.chart.metadata.version),
                      "app_version": .string(r.chart.metadata.appVersion),
                      "description": .string(r.chart.metadata.description)])
            }))
        }
    }

    /// The key without its `$$version` suffix.
    static func stripVersion(_ key: String) -> String {
        guard let r = key.range(of: "$$") else { return key }
        return String(key[..<r.lowerBound])
    }

    /// `indstr`: the text a search matches (name, repo/name, description, keywords; `\v`-separated).
    static func indexLine(_ repo: String, _ e: IndexEntry) -> String {
        let md = e.metadata
        return md.name + String(sep) + repo + "/" + md.name + String(sep) + md.description + String(sep)
            + md.keywords.joined(separator: " ")
    }

    /// `calcScore`: how many separators precede the match (byte offset `index`).
    static func calcScore(_ index: Int, _ line: String) -> Int {
        var splits: [Int] = []
        var offset = 0
        for ch in line.unicodeScalars {
            if ch == "\u{0B}" { splits.append(offset) }
            offset += String(ch).utf8.count
        }
        for (i, pos) in splits.enumerated() where index <= pos { return i }
        return splits.count
    }

    /// `scoreSorter.Less`: lower score first; equal names newest version first; else by name.
    static func less(_ a: Result, _ b: Result) -> Bool {
        if a.score != b.score { return a.score < b.score }
        if a.name == b.name {
            guard Semver.isValid(a.chart.metadata.version), Semver.isValid(b.chart.metadata.version) else { return false }
            return Semver.greater(a.chart.metadata.version, b.chart.metadata.version)
        }
        return a.name < b.name
    }

    /// slog's text quoting: values with spaces, quotes or `=` are Go-quoted.
    static func goQuoteIfNeeded(_ s: String) -> String {
        if s.isEmpty || s.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.asciiValue.map { $0 < 0x20 } ?? false }) {
            return goQuote(s)
        }
        return s
    }
}
