/// A line-based diff (Myers' O(ND) shortest edit script) and unified-diff hunks, for `helmctl diff`.
public enum LineDiff {
    /// What happens to one line.
    public enum Op: Sendable, Equatable {
        case equal, delete, insert
    }

    /// One line of an edit script.
    public struct Line: Sendable, Equatable {
        public var op: Op
        public var text: String

        public init(_ op: Op, _ text: String) {
            self.op = op
            self.text = text
        }
    }

    /// One `@@ -oldStart,oldCount +newStart,newCount @@` block (starts are 1-based, as in `diff -u`).
    public struct Hunk: Sendable, Equatable {
        public var oldStart: Int
        public var oldCount: Int
        public var newStart: Int
        public var newCount: Int
        public var lines: [Line]

        /// The `@@ … @@` line (a count of 1 is omitted and an empty range starts at the line before, as
        /// GNU diff and git print them).
        public var header: String {
            func range(_ start: Int, _ count: Int) -> String {
                let s = count == 0 ? start - 1 : start
                return count == 1 ? "\(s)" : "\(s),\(count)"
            }
            return "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@"
        }
    }

    /// The shortest edit script turning `a` into `b`, deletions before insertions at each change.
    ///
    /// Common leading and trailing lines are matched first; when the rest needs more than `maxEdits`
    /// edits (memory grows with their square) it is shown as all removed, then all added.
    public static func edits(_ a: [String], _ b: [String], maxEdits: Int = 4000) -> [Line] {
        var lo = 0
        while lo < a.count && lo < b.count && a[lo] == b[lo] { lo += 1 }
        var hiA = a.count, hiB = b.count
        while hiA > lo && hiB > lo && a[hiA - 1] == b[hiB - 1] {
            hiA -= 1
            hiB -= 1
        }
        let midA = Array(a[lo..<hiA]), midB = Array(b[lo..<hiB])
        let middle = myers(midA, midB, maxEdits: maxEdits)
            ?? midA.map { Line(.delete, $0) } + midB.map { Line(.insert, $0) }
        return a[..<lo].map { Line(.equal, $0) } + middle + a[hiA...].map { Line(.equal, $0) }
    }

    /// Myers' greedy forward search, then a walk back over the saved frontiers; nil past `maxEdits`.
    static func myers(_ a: [String], _ b: [String], maxEdits: Int) -> [Line]? {
        let n = a.count, m = b.count
        if n == 0 || m == 0 { return a.map { Line(.delete, $0) } + b.map { Line(.insert, $0) } }
        let maxD = n + m
        let off = maxD + 1
        var v = [Int](repeating: 0, count: 2 * maxD + 3)
        // The frontier before each round d (diagonals -d...d), for walking back.
        var trace: [[Int]] = []
        var found = false
        for d in 0...maxD {
            if d > maxEdits { return nil }
            trace.append(Array(v[(off - d)...(off + d)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1] : v[off + k - 1] + 1
                var y = x - k
                while x < n && y < m && a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[off + k] = x
                if x >= n && y >= m {
                    found = true
                    break
                }
            }
            if found { break }
        }
        var out: [Line] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let t = trace[d]
            let k = x - y
            let prevK = (k == -d || (k != d && t[d + k - 1] < t[d + k + 1])) ? k + 1 : k - 1
            // Round 0 starts from the virtual point (0, -1) on diagonal 1.
            let prevX = d == 0 ? 0 : t[d + prevK]
            let prevY = prevX - prevK
            while x > prevX && y > prevY {
                out.append(Line(.equal, a[x - 1]))
                x -= 1
                y -= 1
            }
            if d > 0 {
                if x == prevX { out.append(Line(.insert, b[y - 1])) } else { out.append(Line(.delete, a[x - 1])) }
            }
            x = prevX
            y = prevY
        }
        return out.reversed()
    }

    /// The changes between `a` and `b` as hunks with `context` unchanged lines around each change
    /// (negative = everything); changes closer than twice the context share a hunk.
    public static func hunks(_ a: [String], _ b: [String], context: Int) -> [Hunk] {
        let script = edits(a, b)
        let ctx = context < 0 ? script.count : context
        // Old/new 1-based line numbers at each script position.
        var oldNo: [Int] = [], newNo: [Int] = []
        var o = 1, nw = 1
        for l in script {
            oldNo.append(o)
            newNo.append(nw)
            if l.op != .insert { o += 1 }
            if l.op != .delete { nw += 1 }
        }
        let changed = script.indices.filter { script[$0].op != .equal }
        guard let first = changed.first else { return [] }
        // Merge change positions into [start, end] spans of the script.
        var spans: [(Int, Int)] = []
        var start = max(0, first - ctx), end = min(script.count - 1, first + ctx)
        for i in changed.dropFirst() {
            if i - ctx <= end + 1 {
                end = min(script.count - 1, i + ctx)
            } else {
                spans.append((start, end))
                start = max(0, i - ctx)
                end = min(script.count - 1, i + ctx)
            }
        }
        spans.append((start, end))
        return spans.map { s, e in
            let lines = Array(script[s...e])
            return Hunk(oldStart: oldNo[s], oldCount: lines.filter { $0.op != .insert }.count,
                        newStart: newNo[s], newCount: lines.filter { $0.op != .delete }.count, lines: lines)
        }
    }

    /// ANSI colours of the diff output.
    public enum Colour: String, Sendable {
        case red = "\u{1B}[31m", green = "\u{1B}[32m", yellow = "\u{1B}[33m"
        static let reset = "\u{1B}[0m"

        /// `text` wrapped in this colour when `enabled`.
        public func paint(_ text: String, _ enabled: Bool) -> String {
            enabled ? rawValue + text + Colour.reset : text
        }
    }

    /// Hunks as unified-diff text: `@@` headers (yellow), `-` lines (red), `+` lines (green).
    public static func render(_ hunks: [Hunk], colour: Bool) -> String {
        var out = ""
        for h in hunks {
            out += Colour.yellow.paint(h.header, colour) + "\n"
            for l in h.lines {
                switch l.op {
                case .equal: out += " " + l.text + "\n"
                case .delete: out += Colour.red.paint("-" + l.text, colour) + "\n"
                case .insert: out += Colour.green.paint("+" + l.text, colour) + "\n"
                }
            }
        }
        return out
    }

    /// Splits text into lines (a final newline does not make an extra empty line).
    public static func lines(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { parts.removeLast() }
        return parts
    }
}
