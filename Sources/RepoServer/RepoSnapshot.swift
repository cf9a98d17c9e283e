import ChartEngine
import NIOConcurrencyHelpers
import NIOCore

/// An `index.yaml` rendered for one base URL, kept ready to send.
struct RenderedIndex: Sendable {
    var body: ByteBuffer
    /// The gzip variant, computed once (nil when compression failed).
    var gzipped: ByteBuffer?
    var etag: String
    /// `Last-Modified`, preformatted.
    var lastModified: String
}

/// One consistent view of the repository: the files that may be served and the index made from them.
/// Requests read the current snapshot without waiting; a rescan replaces it.
final class RepoSnapshot: Sendable {
    /// Servable files by relative path.
    let files: [String: ScannedFile]
    /// The index with URLs relative to the repository root (rewritten per base URL when served).
    let index: RepoIndex
    /// What the index was made from: archives with their identity (size, mtime, inode).
    let archiveKeys: [ScannedFile]
    /// When the index last changed (seconds since the epoch), its `Last-Modified`.
    let indexModified: Int
    private let rendered = NIOLockedValueBox<[String: RenderedIndex]>([:])

    init(files: [ScannedFile], index: RepoIndex, indexModified: Int) {
        self.files = Dictionary(files.map { ($0.relativePath, $0) }, uniquingKeysWith: { a, _ in a })
        self.index = index
        self.archiveKeys = files.filter { $0.kind == .archive }
        self.indexModified = indexModified
    }

    /// The index with every URL made absolute against `base` ("" keeps them relative).
    /// Renderings are cached per base; the cache is bounded because `Host` comes from clients.
    func renderedIndex(base: String) -> RenderedIndex {
        if let hit = rendered.withLockedValue({ $0[base] }) { return hit }
        var copy = index
        let prefix = base.hasSuffix("/") ? String(base.dropLast()) : base
        if !prefix.isEmpty {
            for (name, list) in copy.entries {
                copy.entries[name] = list.map { e in
                    var e = e
                    e.urls = e.urls.map { $0.contains("://") ? $0 : prefix + "/" + $0 }
                    return e
                }
            }
        }
        let bytes = Array(copy.yaml().utf8)
        let value = RenderedIndex(body: ByteBuffer(bytes: bytes), gzipped: Gzip.compress(bytes).map { ByteBuffer(bytes: $0) },
                                  etag: "\"\(fnv1a(bytes))\"", lastModified: HTTPDate.format(indexModified))
        rendered.withLockedValue { cache in
            if cache.count >= 32 { cache.removeAll() }
            cache[base] = value
        }
        return value
    }
}

/// 64-bit FNV-1a as hex: a cheap content validator for generated bodies.
func fnv1a(_ bytes: [UInt8]) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01b3
    }
    return String(h, radix: 16)
}
