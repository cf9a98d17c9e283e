import Templating

#if canImport(Glibc)
    import Glibc
#endif

/// Allocator settings for the short-lived commands (`template`, `package`, `repo index`, …).
///
/// glibc returns freed memory to the kernel eagerly (heap trimming, `madvise` of thread arenas,
/// `mmap` for blocks over 128 KiB), so a process that builds and drops large trees keeps faulting
/// fresh zeroed pages back in; profiles of `helmctl template` showed several percent of the run in
/// page faults and trimming. A run of a few hundred milliseconds gains nothing from giving memory
/// back, so these commands keep it. Long-running ones (`cluster`, `serve`) keep glibc's defaults.
enum ProcessTuning {
    /// (A comparison, not a `Set<String>`: the set's first hashing costs ~0.1 ms of runtime
    /// conformance lookups at every start.)
    static func apply(arguments: [String]) {
        guard let command = arguments.first(where: { !$0.hasPrefix("-") }), command != "cluster", command != "serve"
        else { return }
        let heapBreak = sbrk(0)
        keepMemory()
        // One-shot commands also skip freeing what they built before exiting, and their heap gets
        // huge pages (see ProcessLifetime), from where the heap ended before the top pad was set.
        ProcessLifetime.markShortLived(heapBreak: heapBreak)
    }

    private static func keepMemory() {
        #if canImport(Glibc)
            // `mallopt` is not in Swift's Glibc module; RTLD_DEFAULT is a null handle on glibc.
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(-1, 1 << 30)  // M_TRIM_THRESHOLD: never trim
            _ = mallopt(-2, 64 << 20)  // M_TOP_PAD: grow the heap in large steps
            _ = mallopt(-3, 32 << 20)  // M_MMAP_THRESHOLD: large blocks from the heap, not mmap
            _ = mallopt(1, 0)  // M_MXFAST: no fastbins, so no malloc_consolidate passes (~5% of a render)
        #endif
    }
}
