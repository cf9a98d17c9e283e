#if canImport(Glibc)
    import Glibc
#endif

/// Byte-wise three-way comparison of the UTF-8 of `a` and `b` (negative, zero, positive), Go's
/// string order, with `memcmp` over contiguous storage: sorting hundreds of keys or paths with the
/// generic element-by-element `lexicographicallyPrecedes` showed up in rendering profiles.
public func utf8Compare(_ a: String, _ b: String) -> Int {
    var a = a
    var b = b
    return a.withUTF8 { pa in
        b.withUTF8 { pb in
            let n = min(pa.count, pb.count)
            if n > 0, let x = pa.baseAddress, let y = pb.baseAddress {
                let c = memcmp(x, y, n)
                if c != 0 { return Int(c) }
            }
            return pa.count - pb.count
        }
    }
}

/// Go's `<` on strings (byte order of the UTF-8).
@inline(__always)
public func utf8Less(_ a: String, _ b: String) -> Bool { utf8Compare(a, b) < 0 }
