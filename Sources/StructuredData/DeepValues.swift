#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Guards the recursive encoders against deeply nested values: decoders accept up to 10000 levels
/// (Go's limits), more than a default thread stack survives in recursive Swift code, so deep values
/// are encoded on a thread with a large (virtual, touched-on-demand) stack, as Go's growable
/// goroutine stacks would allow.
enum DeepValues {
    /// Depth above which encoding moves to a large stack.
    static let threshold = 256
    /// Stack reserved for deep work: 512 MiB.
    static let stackSize = 512 << 20

    /// Nesting depth of `v` (scalars are 0), computed iteratively; stops counting at `limit`.
    static func depth(_ v: Value, limit: Int = threshold + 1) -> Int {
        var maxDepth = 0
        var pending: [(Value, Int)] = [(v, 0)]
        while let (x, d) = pending.popLast() {
            maxDepth = max(maxDepth, d)
            if maxDepth >= limit { return maxDepth }
            switch x {
            case .list(let items): for item in items { pending.append((item, d + 1)) }
            case .map(let m): for item in m.values { pending.append((item, d + 1)) }
            default: break
            }
        }
        return maxDepth
    }

    /// Runs `body` directly for shallow values, else on a large-stack thread.
    static func run<T>(for v: Value, _ body: () -> T) -> T {
        guard depth(v) > threshold else { return body() }
        return withoutActuallyEscaping(body) { escapable in
            onLargeStack(escapable) ?? escapable()
        }
    }

    fileprivate final class Box<T>: @unchecked Sendable {
        let body: () -> T
        var result: T?
        init(_ body: @escaping () -> T) { self.body = body }
    }

    /// nil when no thread could be started (the caller then runs inline).
    private static func onLargeStack<T>(_ body: @escaping () -> T) -> T? {
        let box = Box(body)
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        pthread_attr_setstacksize(&attr, stackSize)
        let ctx = Unmanaged.passRetained(box as AnyObject).toOpaque()
        #if canImport(Glibc)
            var thread = pthread_t()
        #else
            var thread: pthread_t?
        #endif
        let rc = pthread_create(&thread, &attr, { raw in
            guard let raw else { return nil }
            let obj = Unmanaged<AnyObject>.fromOpaque(raw).takeRetainedValue()
            (obj as? any DeepRunnable)?.runBody()
            return nil
        }, ctx)
        guard rc == 0 else {
            Unmanaged<AnyObject>.fromOpaque(ctx).release()
            return nil
        }
        #if canImport(Glibc)
            pthread_join(thread, nil)
        #else
            if let thread { pthread_join(thread, nil) }
        #endif
        return box.result
    }
}

private protocol DeepRunnable { func runBody() }

extension DeepValues.Box: DeepRunnable {
    func runBody() { result = body() }
}
