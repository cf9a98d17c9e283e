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
        init(_ body: @escaping () throws -> T) { self.body = body }
    }

    /// Executes `body` on a fresh thread with `size` bytes of stack and returns its result.
    public static func run<T>(size: Int = defaultSize, _ body: @escaping () throws -> T) throws -> T {
        let box = Box(body)
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        pthread_attr_setstacksize(&attr, size)
        let ctx = Unmanaged.passRetained(box as AnyObject).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attr, { raw in
            let obj = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue()
            (obj as! any LargeStackRunnable).runBody()
            return nil
        }, ctx)
        if rc != 0 {
            Unmanaged<AnyObject>.fromOpaque(ctx).release()
            return try body()
        }
        pthread_join(thread, nil)
        return try box.result!.get()
    }
}

protocol LargeStackRunnable { func runBody() }

extension LargeStack.Box: LargeStackRunnable {
    func runBody() {
        if let body {
            result = Result { try body() }
        }
    }
}
