#if canImport(Glibc)
    import Glibc
#endif

/// `setxattr`/`getxattr` (sys/xattr.h is not part of the Glibc module), looked up in libc once.
enum ExtendedAttributes {
    private typealias Set = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeRawPointer?, Int, Int32) -> Int32
    private typealias Get = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?, Int) -> Int

    private static let setter: Set? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setxattr").map { unsafeBitCast($0, to: Set.self) }
    private static let getter: Get? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "getxattr").map { unsafeBitCast($0, to: Get.self) }

    /// Sets `name` to `value` on `path` (follows a final symlink, as setxattr does); false with errno on failure.
    static func set(_ path: String, _ name: String, _ value: String) -> Bool {
        guard let setter else { errno = ENOTSUP; return false }
        return value.withCString { v in setter(path, name, v, strlen(v), 0) == 0 }
    }

    /// The value of `name` on `path` (at most 255 bytes), nil when unset.
    static func get(_ path: String, _ name: String) -> String? {
        guard let getter else { return nil }
        var buf = [UInt8](repeating: 0, count: 256)
        let n = buf.withUnsafeMutableBytes { getter(path, name, $0.baseAddress, $0.count) }
        return n >= 0 ? String(decoding: buf[0..<n], as: UTF8.self) : nil
    }
}
