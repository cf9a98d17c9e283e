package import StructuredData

/// A `*semver.Version` from Masterminds/semver v3 (what Sprig's `semver` returns): loose parsing
/// (`v1`, `1.2`, leading zeros coerced), prerelease ordering and the methods templates call.
package struct SemverVersion: TemplateObject, Hashable {
    var major: UInt64
    var minor: UInt64
    var patch: UInt64
    var prerelease: String
    var metadata: String
    package var original: String
    /// `*semver.Version` (from `semver`) or `semver.Version` (from `IncMinor` and friends).
    var isPointer = true

    private static let looseSyntax =
        #"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$"#

    /// `semver.NewVersion` with its default `CoerceNewVersion`.
    /// `semver.NewVersion`; the error's message is the library's.
    package static func parse(_ s: String) throws(FunctionError) -> SemverVersion {
        do { return try parseUntyped(s) } catch let e as FunctionError { throw e } catch { throw FunctionError("\(error)") }
    }

    static func parseUntyped(_ s: String) throws -> SemverVersion {
        guard let re = try? GoRegexp.compile(looseSyntax), let m = re.firstMatch(in: s) else {
            throw FunctionError("invalid semantic version")
        }
        func group(_ i: Int) -> String { (i < m.count ? m[i] : nil) ?? "" }
        func number(_ text: String) throws -> UInt64 {
            let digits = text.hasPrefix(".") ? String(text.dropFirst()) : text
            guard let n = UInt64(digits) else {
                throw FunctionError(
                    "error parsing version segment: strconv.ParseUint: parsing \"\(digits)\": value out of range")
            }
            return n
        }
        let v = SemverVersion(
            major: try number(group(1)),
            minor: group(2).isEmpty ? 0 : try number(group(2)),
            patch: group(3).isEmpty ? 0 : try number(group(3)),
            prerelease: group(5), metadata: group(8), original: s)
        // Numeric prerelease identifiers may not have leading zeros (`1.2.3-01`).
        for part in v.prerelease.split(separator: ".", omittingEmptySubsequences: false) where !part.isEmpty {
            if part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), part.utf8.count > 1, part.hasPrefix("0") {
                throw FunctionError("version segment starts with 0")
            }
        }
        return v
    }

    package var string: String {
        var s = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { s += "-" + prerelease }
        if !metadata.isEmpty { s += "+" + metadata }
        return s
    }

    /// `Version.Compare`: -1, 0 or 1; metadata is ignored; a prerelease sorts before its release.
    package func compare(_ o: SemverVersion) -> Int {
        for (a, b) in [(major, o.major), (minor, o.minor), (patch, o.patch)] where a != b {
            return a < b ? -1 : 1
        }
        if prerelease == o.prerelease { return 0 }
        if prerelease.isEmpty { return 1 }
        if o.prerelease.isEmpty { return -1 }
        return Self.comparePrerelease(prerelease, o.prerelease)
    }

    static func comparePrerelease(_ a: String, _ b: String) -> Int {
        let sa = a.split(separator: ".", omittingEmptySubsequences: false)
        let sb = b.split(separator: ".", omittingEmptySubsequences: false)
        for i in 0..<max(sa.count, sb.count) {
            let x = i < sa.count ? String(sa[i]) : ""
            let y = i < sb.count ? String(sb[i]) : ""
            if x == y { continue }
            if x.isEmpty { return -1 }
            if y.isEmpty { return 1 }
            switch (UInt64(x), UInt64(y)) {
            case (nil, nil): return goStringLess(y, x) ? 1 : -1
            case (_?, nil): return -1
            case (nil, _?): return 1
            case (let p?, let q?): return p > q ? 1 : -1
            }
        }
        return 0
    }

    // MARK: TemplateObject

    package var goTypeName: String { isPointer ? "*semver.Version" : "semver.Version" }
    package var goKind: String { isPointer ? "ptr" : "struct" }
    package var formatted: String { string }
    package var dataValue: Value { .string(string) }

    package func member(_ name: String) -> TemplateMember? {
        let v = self
        @Sendable func other(_ args: [TemplateValue], _ method: String) throws -> SemverVersion {
            guard args.count == 1 else {
                throw FunctionError("wrong number of args for \(method): want 1 got \(args.count)")
            }
            guard case .object(let o) = args[0], let w = o as? SemverVersion, w.isPointer else {
                throw FunctionError("wrong type for value; expected *semver.Version; got \(args[0].goTypeName)")
            }
            return w
        }
        func compareMethod(_ body: @escaping @Sendable (Int) -> TemplateValue) -> TemplateMember {
            .method { args in body(v.compare(try other(args, name))) }
        }
        func next(_ f: @escaping @Sendable (inout SemverVersion) -> Void) -> TemplateMember {
            .method { _ in
                var n = v
                f(&n)
                n.isPointer = false
                let prefix = v.original.hasPrefix("v") ? "v" : ""
                n.original = prefix + n.string
                return .object(n)
            }
        }
        switch name {
        case "Major": return .method { _ in .int(Int64(bitPattern: v.major), .uint64) }
        case "Minor": return .method { _ in .int(Int64(bitPattern: v.minor), .uint64) }
        case "Patch": return .method { _ in .int(Int64(bitPattern: v.patch), .uint64) }
        case "Prerelease": return .method { _ in .string(v.prerelease) }
        case "Metadata": return .method { _ in .string(v.metadata) }
        case "Original": return .method { _ in .string(v.original) }
        case "String": return .method { _ in .string(v.string) }
        case "Compare": return compareMethod { .int($0) }
        case "LessThan": return compareMethod { .bool($0 < 0) }
        case "LessThanEqual": return compareMethod { .bool($0 <= 0) }
        case "GreaterThan": return compareMethod { .bool($0 > 0) }
        case "GreaterThanEqual": return compareMethod { .bool($0 >= 0) }
        case "Equal": return compareMethod { .bool($0 == 0) }
        case "IncPatch":
            return next { n in
                if n.prerelease.isEmpty { n.patch &+= 1 }
                n.prerelease = ""
                n.metadata = ""
            }
        case "IncMinor":
            return next { n in
                n.minor &+= 1
                n.patch = 0
                n.prerelease = ""
                n.metadata = ""
            }
        case "IncMajor":
            return next { n in
                n.major &+= 1
                n.minor = 0
                n.patch = 0
                n.prerelease = ""
                n.metadata = ""
            }
        default: return nil
        }
    }
}
