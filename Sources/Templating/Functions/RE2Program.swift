/// A compiled RE2 pattern run by a Pike VM: leftmost-first matching with submatches in time linear in
/// the input (as Go's `regexp` guarantees), so hostile patterns or values cannot make a render hang.
struct RE2Program: @unchecked Sendable {
    enum Inst {
        case literal(Unicode.Scalar, fold: Bool)
        case charClass(RE2CharClass)
        case anyChar
        case anyNotNL
        case assertion(RE2Assertion)
        /// Try `x` first, then `y`.
        case split(Int, Int)
        case jump(Int)
        case save(Int)
        case match
    }

    let insts: [Inst]
    /// Capture slots (2 per group, group 0 included).
    let slotCount: Int
    /// The pattern can only match at the start of the text (`^…` without `(?m)`, `\A…`).
    let anchoredStart: Bool
    /// A scalar every match must start with, to skip ahead quickly (Go's literal-prefix scan).
    let firstScalar: Unicode.Scalar?

    /// Go refuses programs this large (`expression too large`).
    static let maxInsts = 100_000

    struct TooLarge: Error {}

    init(_ root: RE2Parser.Node, groups: Int) throws(TooLarge) {
        var c = Compiler()
        c.emit(.save(0))
        try c.compile(root)
        c.emit(.save(1))
        c.emit(.match)
        insts = c.insts
        slotCount = 2 * (groups + 1)
        var pc = 1
        while pc < insts.count, case .save = insts[pc] { pc += 1 }
        if pc < insts.count, case .assertion(.beginText) = insts[pc] { anchoredStart = true } else { anchoredStart = false }
        if pc < insts.count, case .literal(let l, fold: false) = insts[pc] { firstScalar = l } else { firstScalar = nil }
    }

    private struct Compiler {
        var insts: [Inst] = []

        @discardableResult
        mutating func emit(_ i: Inst) -> Int {
            insts.append(i)
            return insts.count - 1
        }

        mutating func compile(_ n: RE2Parser.Node) throws(TooLarge) {
            if insts.count > RE2Program.maxInsts { throw TooLarge() }
            switch n {
            case .empty: break
            case .literal(let c, let fold): emit(.literal(c, fold: fold))
            case .charClass(let cls): emit(.charClass(cls))
            case .anyChar: emit(.anyChar)
            case .anyNotNL: emit(.anyNotNL)
            case .assertion(let a): emit(.assertion(a))
            case .capture(let k, let body):
                emit(.save(2 * k))
                try compile(body)
                emit(.save(2 * k + 1))
            case .concat(let items):
                for item in items { try compile(item) }
            case .alternate(let branches):
                var jumps: [Int] = []
                for (i, b) in branches.enumerated() {
                    if i < branches.count - 1 {
                        let split = emit(.split(0, 0))
                        try compile(b)
                        jumps.append(emit(.jump(0)))
                        insts[split] = .split(split + 1, insts.count)
                    } else {
                        try compile(b)
                    }
                }
                for j in jumps { insts[j] = .jump(insts.count) }
            case .repeated(let body, let lo, let hi, let greedy):
                for _ in 0..<lo { try compile(body) }
                if let hi {
                    // (x(x(x)?)?)? for the optional copies.
                    var splits: [Int] = []
                    for _ in lo..<hi {
                        splits.append(emit(.split(0, 0)))
                        try compile(body)
                    }
                    for s in splits { insts[s] = greedy ? .split(s + 1, insts.count) : .split(insts.count, s + 1) }
                } else if lo > 0 {
                    // x{n,}: the last mandatory copy loops.
                    let loopStart = lastCopyStart(body)
                    let end = insts.count + 1
                    emit(greedy ? .split(loopStart, end) : .split(end, loopStart))
                } else {
                    let split = emit(.split(0, 0))
                    try compile(body)
                    emit(.jump(split))
                    insts[split] = greedy ? .split(split + 1, insts.count) : .split(insts.count, split + 1)
                }
            }
        }

        /// Where the most recently compiled copy of `body` starts (it ends at the current end).
        private func lastCopyStart(_ body: RE2Parser.Node) -> Int {
            insts.count - Self.size(body)
        }

        private static func size(_ n: RE2Parser.Node) -> Int {
            switch n {
            case .empty: 0
            case .literal, .charClass, .anyChar, .anyNotNL, .assertion: 1
            case .capture(_, let b): size(b) + 2
            case .concat(let items): items.reduce(0) { $0 + size($1) }
            case .alternate(let bs): bs.reduce(0) { $0 + size($1) } + 2 * (bs.count - 1)
            case .repeated(let b, let lo, let hi, _):
                if let hi { size(b) * hi + (hi - lo) } else if lo > 0 { size(b) * lo + 1 } else { size(b) + 2 }
            }
        }
    }

    // MARK: Execution

    private static func isWord(_ c: Unicode.Scalar?) -> Bool {
        guard let v = c?.value else { return false }
        return (v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122) || v == 95
    }

    private func holds(_ a: RE2Assertion, _ input: [Unicode.Scalar], _ pos: Int) -> Bool {
        let n = input.count
        switch a {
        case .beginText: return pos == 0
        case .endText: return pos == n
        case .beginLine: return pos == 0 || input[pos - 1] == "\n"
        case .endLine: return pos == n || input[pos] == "\n"
        case .wordBoundary, .noWordBoundary:
            let before = pos > 0 ? input[pos - 1] : nil
            let after = pos < n ? input[pos] : nil
            return (Self.isWord(before) != Self.isWord(after)) == (a == .wordBoundary)
        }
    }

    private struct Thread {
        var pc: Int
        var slots: [Int]
    }

    /// Adds the threads reachable from `pc` without consuming input, in priority order.
    private func addThread(_ list: inout [Thread], _ onList: inout [Int], _ stamp: Int, pc: Int, slots: [Int],
                           input: [Unicode.Scalar], pos: Int, stack: inout [(Int, [Int])]) {
        stack.append((pc, slots))
        while let (pc, slots) = stack.popLast() {
            if onList[pc] == stamp { continue }
            onList[pc] = stamp
            switch insts[pc] {
            case .jump(let t): stack.append((t, slots))
            case .split(let x, let y):
                stack.append((y, slots))
                stack.append((x, slots))
            case .save(let k):
                var s = slots
                if k < s.count { s[k] = pos }
                stack.append((pc + 1, s))
            case .assertion(let a):
                if holds(a, input, pos) { stack.append((pc + 1, slots)) }
            default:
                list.append(Thread(pc: pc, slots: slots))
            }
        }
    }

    /// The leftmost-first match starting at or after `from`, as slot positions (scalar offsets; -1
    /// for groups that did not take part).
    func search(_ input: [Unicode.Scalar], from: Int) -> [Int]? {
        let n = input.count
        var onList = [Int](repeating: -1, count: insts.count)
        var clist: [Thread] = []
        var nlist: [Thread] = []
        var matched: [Int]?
        let initial = [Int](repeating: -1, count: slotCount)
        var stamp = 0
        var stack: [(Int, [Int])] = []
        if anchoredStart && from > 0 { return nil }
        var pos = from
        // Threads for the current position are added under stamp 2*pos; the next list under 2*pos+1.
        while pos <= n {
            if clist.isEmpty, matched == nil, let f = firstScalar {
                while pos < n, input[pos] != f { pos += 1 }
                if pos >= n { break }
            }
            if anchoredStart && pos > 0 && clist.isEmpty { break }
            stamp = 2 * pos
            if matched == nil && !(anchoredStart && pos > 0) {
                // Re-mark the threads already on the list so the new start thread has lowest priority.
                for t in clist { onList[t.pc] = stamp }
                addThread(&clist, &onList, stamp, pc: 0, slots: initial, input: input, pos: pos, stack: &stack)
            }
            if clist.isEmpty {
                // Nothing can start here (e.g. a failed assertion); try the next position.
                if matched != nil || anchoredStart { break }
                pos += 1
                if let f = firstScalar {
                    while pos < n, input[pos] != f { pos += 1 }
                }
                continue
            }
            nlist.removeAll(keepingCapacity: true)
            let nextStamp = 2 * pos + 1
            let c: Unicode.Scalar? = pos < n ? input[pos] : nil
            threads: for t in clist {
                switch insts[t.pc] {
                case .match:
                    matched = t.slots
                    break threads
                case .literal(let l, let fold):
                    if let c, c == l || (fold && RE2Fold.equal(c, l)) {
                        addThread(&nlist, &onList, nextStamp, pc: t.pc + 1, slots: t.slots, input: input, pos: pos + 1, stack: &stack)
                    }
                case .charClass(let cls):
                    if let c, cls.matches(c) {
                        addThread(&nlist, &onList, nextStamp, pc: t.pc + 1, slots: t.slots, input: input, pos: pos + 1, stack: &stack)
                    }
                case .anyChar:
                    if c != nil {
                        addThread(&nlist, &onList, nextStamp, pc: t.pc + 1, slots: t.slots, input: input, pos: pos + 1, stack: &stack)
                    }
                case .anyNotNL:
                    if let c, c != "\n" {
                        addThread(&nlist, &onList, nextStamp, pc: t.pc + 1, slots: t.slots, input: input, pos: pos + 1, stack: &stack)
                    }
                default: break
                }
            }
            swap(&clist, &nlist)
            if clist.isEmpty && matched != nil { break }
            pos += 1
        }
        return matched
    }
}
