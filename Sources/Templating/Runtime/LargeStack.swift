internal import CLibCrypto  // (pthread_attr_t zero-initialiser visibility)
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs work on a thread with a large stack. Go grows goroutine stacks to 1 GB, so deeply nested
/// templates (Go allows 100000 `{{template}}` levels, Helm 1000 `include`s per name) must not
/// overflow ours; the reservation is virtual memory, touched only as deep as execution goes.
public enum LargeStack {
    /// Default reservation: 1 GiB.
    public static let defaultSize = 1 << 30

    fileprivate final class Box<T>: @unchecked Sendable {
        var body: (() throws -> T)?
        var result: Result<T, any Error>?
        let size: Int
        init(size: Int, _ body: @escaping () throws -> T) {
            self.size = size
            self.body = body
        }
    }

    /// Marks threads this type started with their stack size, so nested calls (a loader inside an
    /// action inside a command) run in place instead of starting one thread per layer.
    static let stackKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The stack size of the current thread when this type started it, else 0.
    static var currentStackSize: Int {
        guard let p = pthread_getspecific(stackKey) else { return 0 }
        return Int(bitPattern: p)
    }

    /// Executes `body` on a thread with at least `size` bytes of stack and returns its result: the
    /// current thread when it already is one, else a fresh thread.
    public static func run<T>(size: Int = defaultSize, _ body: @escaping () throws -> T) throws -> T {
        if currentStackSize >= size { return try body() }
        let box = Box(size: size, body)
        guard let thread = start(box, size: size) else { return try body() }
        pthread_join(thread, nil)
        return try box.result!.get()
    }

    /// Runs `body(i)` for every `i` in `0..<count` on up to `workers` large-stack threads (the calling
    /// thread is one of them when it has a large stack). Indices are handed out in increasing order
    /// from a shared counter, so a loaded machine still spreads the work. `body` must be safe to call
    /// concurrently for different indices.
    public static func forEach(count: Int, workers: Int, size: Int = defaultSize, _ body: @escaping (Int) -> Void) {
        let workers = max(1, min(workers, count))
        let next = Counter()
        let loop: () -> Void = {
            while true {
                let i = next.take()
                if i >= count { return }
                body(i)
            }
        }
        if workers == 1 {
            _ = try? run(size: size) { loop() }
            return
        }
        var threads: [pthread_t] = []
        let extra = currentStackSize >= size ? workers - 1 : workers
        for _ in 0..<extra {
            if let t = start(Box<Void>(size: size, loop), size: size) { threads.append(t) }
        }
        if currentStackSize >= size || threads.isEmpty {
            _ = try? run(size: size) { loop() }
        }
        for t in threads { pthread_join(t, nil) }
    }

    /// A shared index counter.
    private final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = Lock()
        func take() -> Int {
            lock.withLock {
                defer { value += 1 }
                return value
            }
        }
    }

    private static func start<T>(_ box: Box<T>, size: Int) -> pthread_t? {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        pthread_attr_setstacksize(&attr, size)
        // A concrete, non-generic class crosses the C boundary: casting an `AnyObject` back to a
        // protocol would make the runtime scan every conformance in the binary (about half a
        // millisecond per Box<T> type, at start-up of every command).
        let ctx = Unmanaged.passRetained(Start(size: size, run: box.runBody)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attr, { raw in
            let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
            pthread_setspecific(LargeStack.stackKey, UnsafeRawPointer(bitPattern: start.size))
            HugePageHeap.adviseThreadArena()
            start.run()
            return nil
        }, ctx)
        if rc != 0 {
            Unmanaged<Start>.fromOpaque(ctx).release()
            return nil
        }
        return thread
    }

    /// What a new thread runs, and its stack size.
    private final class Start {
        let size: Int
        let run: () -> Void
        init(size: Int, run: @escaping () -> Void) {
            self.size = size
            self.run = run
        }
    }
}

extension LargeStack.Box {
    func runBody() {
        if let body {
            result = Result { try body() }
        }
    }
}
