/// Masterminds semver v3 versions as Helm's repository index sorts them (`NewVersion`, loose form
/// `v?MAJOR(.MINOR(.PATCH)?)?(-PRE)?(+META)?`; build metadata ignored when comparing).
struct SemVer: Comparable, Sendable {
    var major: UInt64
    var minor: UInt64
    var patch: UInt64
    var prerelease: String

    init?(_ s: String) {
        guard ChartValidation.isValidSemver(s) else { return nil }
        var body = Substring(s)
        if body.hasPrefix("v") { body = body.dropFirst() }
        if let plus = body.firstIndex(of: "+") { body = body[..<plus] }
        var pre = ""
        if let dash = body.firstIndex(of: "-") {
            pre = String(body[body.index(after: dash)...])
            body = body[..<dash]
        }
        let nums = body.split(separator: ".", omittingEmptySubsequences: false).map { UInt64($0) }
        guard !nums.isEmpty, nums.count <= 3, let ma = nums[0] else { return nil }
        major = ma
        minor = nums.count > 1 ? (nums[1] ?? 0) : 0
        patch = nums.count > 2 ? (nums[2] ?? 0) : 0
        prerelease = pre
    }

    static func < (a: SemVer, b: SemVer) -> Bool {
        if a.major != b.major { return a.major < b.major }
        if a.minor != b.minor { return a.minor < b.minor }
        if a.patch != b.patch { return a.patch < b.patch }
        return comparePrerelease(a.prerelease, b.prerelease) < 0
    }

    static func == (a: SemVer, b: SemVer) -> Bool {
        a.major == b.major && a.minor == b.minor && a.patch == b.patch
            && comparePrerelease(a.prerelease, b.prerelease) == 0
    }

    /// SemVer 2 precedence: a release outranks its pre-releases; identifiers compare numerically
    /// when both are numeric, numeric ones rank lower than alphanumeric ones, a shorter list of equal
    /// identifiers ranks lower.
    static func comparePrerelease(_ a: String, _ b: String) -> Int {
        if a == b { return 0 }
        if a.isEmpty { return 1 }
        if b.isEmpty { return -1 }
        let pa = a.split(separator: ".", omittingEmptySubsequences: false)
        let pb = b.split(separator: ".", omittingEmptySubsequences: false)
        for i in 0..<max(pa.count, pb.count) {
            if i >= pa.count { return -1 }
            if i >= pb.count { return 1 }
            let x = pa[i], y = pb[i]
            if x == y { continue }
            switch (UInt64(x), UInt64(y)) {
            case let (nx?, ny?): return nx < ny ? -1 : 1
            case (_?, nil): return -1
            case (nil, _?): return 1
            default: return x < y ? -1 : 1
            }
        }
        return 0
    }
}
