/// Lets a one-shot process skip freeing the large structures it built, as clang's `-disable-free`
/// does: `helmctl template` exits right after printing, and releasing a 500-template chart's parse
/// trees, render contexts and outputs node by node costs milliseconds that the exit reclaims at once.
///
/// Off by default (libraries, tests and long-running commands free as usual); the CLI turns it on
/// for short-lived commands before running them.
public enum ProcessLifetime {
    nonisolated(unsafe) private static var shortLived = false
    nonisolated(unsafe) private static var kept: [Any] = []
    private static let lock = Lock()

    /// Declares the process short-lived (call once, at start, before any thread exists, after the
    /// allocator's top pad is set): its heap is also advised to use huge pages (``HugePageHeap``)
    /// from `heapBreak` on — the program break (`sbrk(0)`) read before the top pad was set.
    public static func markShortLived(heapBreak: UnsafeMutableRawPointer?) {
        shortLived = true
        if let heapBreak { HugePageHeap.adviseMainHeap(above: heapBreak) }
    }

    /// Keeps `value` alive until the process exits when it is short-lived; otherwise does nothing.
    public static func keep(_ value: Any) {
        guard shortLived else { return }
        lock.withLock { kept.append(value) }
    }
}
