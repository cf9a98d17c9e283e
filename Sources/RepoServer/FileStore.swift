import NIOConcurrencyHelpers
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file with the identity it had when opened; closes itself when released.
/// Only touched by one request at a time (thread-pool reads are sequenced by the writer).
final class OpenFile: @unchecked Sendable {
    let fd: Int32
    let size: Int
    let mtimeSeconds: Int
    let etag: String

    /// Opens `path` read-only (never following a final symlink: the scan already resolved it) and
    /// `fstat`s the descriptor, so the headers describe exactly the bytes that will be read.
    /// Blocking: call on the thread pool.
    init(path: String) throws(RepoServerError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw RepoServerError("open \(path): \(DirectoryScanner.errorText(errno))") }
        var st = stat()
        guard fstat(fd, &st) == 0, DirectoryScanner.isRegular(st) else {
            close(fd)
            throw RepoServerError("stat \(path): not a regular file")
        }
        self.fd = fd
        size = Int(st.st_size)
        mtimeSeconds = Int(st.st_mtim.tv_sec)
        etag = ScannedFile(relativePath: "", absolutePath: path, kind: .archive, size: Int(st.st_size),
                           mtimeSeconds: Int(st.st_mtim.tv_sec), mtimeNanoseconds: Int(st.st_mtim.tv_nsec),
                           inode: UInt64(st.st_ino)).etag
    }

    deinit { close(fd) }

    /// Reads up to `count` bytes at `offset` (blocking: call on the thread pool). Empty at end of file.
    func read(offset: Int, count: Int) throws(RepoServerError) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        var failure: Int32 = 0
        while buffer.readableBytes < count {
            let already = buffer.readableBytes
            let n = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count - already) { raw in
                let r = pread(fd, raw.baseAddress, count - already, off_t(offset + already))
                if r < 0 { failure = errno }
                return max(r, 0)
            }
            if failure == EINTR {
                failure = 0
                continue
            }
            if failure != 0 { throw RepoServerError("read: \(DirectoryScanner.errorText(failure))") }
            if n == 0 { break }
        }
        return buffer
    }
}

/// Small files kept in memory, so hot archives and provenance files are answered from the event loop
/// without touching the disk. Entries are keyed by the file's identity (size, mtime, inode) so a
/// replaced file is never answered from a stale entry.
final class FileCache: Sendable {
    struct Entry: Sendable {
        var body: ByteBuffer
        var gzipped: ByteBuffer?
        var etag: String
        var mtimeSeconds: Int
        var lastModified: String
    }

    /// Files up to this size are cached; larger ones are streamed from the thread pool.
    let maxFileBytes: Int
    private let maxTotalBytes: Int
    private let state = NIOLockedValueBox<(entries: [String: Entry], bytes: Int)>(([:], 0))

    init(maxFileBytes: Int = 1 << 20, maxTotalBytes: Int = 64 << 20) {
        self.maxFileBytes = maxFileBytes
        self.maxTotalBytes = maxTotalBytes
    }

    func lookup(path: String, etag: String) -> Entry? {
        state.withLockedValue { s in
            guard let e = s.entries[path], e.etag == etag else { return nil }
            return e
        }
    }

    func insert(path: String, entry: Entry) {
        let cost = entry.body.readableBytes + (entry.gzipped?.readableBytes ?? 0)
        state.withLockedValue { s in
            if let old = s.entries[path] {
                s.bytes -= old.body.readableBytes + (old.gzipped?.readableBytes ?? 0)
            }
            // Crude but bounded: start over when full rather than track recency.
            if s.bytes + cost > maxTotalBytes {
                s.entries.removeAll()
                s.bytes = 0
            }
            s.entries[path] = entry
            s.bytes += cost
        }
    }
}
