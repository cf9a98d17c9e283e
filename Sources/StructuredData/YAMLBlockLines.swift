/// The block-structure rules the byte-level YAML subset scanners (``YAMLHeadScan``,
/// ``YAMLValuesScan``) share: blocks indented with spaces, a nested block under a `key:` or `-`
/// with nothing after it, and a sequence written at the column of its mapping key.
protocol YAMLOpenBlock {
    var indent: Int { get }
    var isSequence: Bool { get }
}

enum YAMLBlockLines {
    /// Whether a content line at `indent` opens the nested block of the pending entry (a `key:`, or
    /// a `-` item, at `pendingIndent`): it does when more indented, or when it is a `- ` line at the
    /// column of a mapping key (a sequence under its key).
    static func opensPending(indent: Int, isDash: Bool, pendingIndent: Int, pendingIsItem: Bool) -> Bool {
        indent > pendingIndent || (indent == pendingIndent && isDash && !pendingIsItem)
    }

    /// Nesting deeper than this is left to the full decoder.
    static let maxDepth = 1000

    /// Where a content line at `indent` goes: into the pending entry's new block when it opens it,
    /// else into the open block of its indentation (closing those it is not inside; nothing to
    /// close before the first line). False when no open block has its indentation or the nesting
    /// is deeper than ``maxDepth``.
    static func place<Block: YAMLOpenBlock>(_ stack: inout [Block], lineAt indent: Int, isDash: Bool, opensPending: Bool,
                                            seenTop: Bool) -> Bool
    {
        if !opensPending && seenTop && !close(&stack, forLineAt: indent, isDash: isDash) { return false }
        return stack.count <= maxDepth
    }

    /// Closes the blocks a line at `indent` is not inside; false when no open block has its
    /// indentation (invalid YAML, or outside the subsets).
    static func close<Block: YAMLOpenBlock>(_ stack: inout [Block], forLineAt indent: Int, isDash: Bool) -> Bool {
        while let last = stack.last, last.indent > indent { stack.removeLast() }
        // A key at the column of a sequence written under its key ends that sequence.
        if !isDash, let last = stack.last, last.isSequence, last.indent == indent { stack.removeLast() }
        guard let last = stack.last, last.indent == indent else { return false }
        return true
    }
}
