import CLibArchive

/// A tar stream (any compression libarchive detects) read entry by entry. Its own target so that
/// libarchive's C module, which re-declares libc types such as `struct stat`, is never visible to
/// ClusterCore's files (with MemberImportVisibility those types would otherwise seem to come from it).
public final class LayerArchive {
    /// What an entry is.
    public enum Kind: Sendable, Equatable {
        case file, directory, symlink, hardlink, characterDevice, blockDevice, fifo, other
    }

    /// One entry's header.
    public struct Entry: Sendable {
        public var path: String
        public var kind: Kind
        /// Permission bits (with setuid/setgid/sticky).
        public var mode: UInt32
        public var uid: Int64
        public var gid: Int64
        public var mtime: Int64
        /// The symlink target, or the hard link's target path.
        public var linkTarget: String
    }

    /// A libarchive failure.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    private let handle: OpaquePointer

    /// Opens `path` for reading.
    public init(path: String) throws(Failure) {
        guard let a = archive_read_new() else { throw Failure(description: "cannot allocate an archive reader") }
        archive_read_support_filter_all(a)
        archive_read_support_format_tar(a)
        archive_read_support_format_empty(a)
        guard archive_read_open_filename(a, path, 1 << 16) == ARCHIVE_OK else {
            let message = Self.message(a)
            archive_read_free(a)
            throw Failure(description: message)
        }
        handle = a
    }

    deinit { archive_read_free(handle) }

    /// The next entry's header, nil at the end.
    public func next() throws(Failure) -> Entry? {
        var entry: OpaquePointer?
        let rc = archive_read_next_header(handle, &entry)
        if rc == ARCHIVE_EOF { return nil }
        guard rc == ARCHIVE_OK || rc == ARCHIVE_WARN, let e = entry else { throw Failure(description: Self.message(handle)) }
        let text = { (p: UnsafePointer<CChar>?) in p.map { String(cString: $0) } }
        let path = text(archive_entry_pathname_utf8(e)) ?? text(archive_entry_pathname(e)) ?? ""
        let mode = UInt32(archive_entry_mode(e))
        var kind: Kind
        switch mode & 0o170000 {
        case 0o100000: kind = .file
        case 0o040000: kind = .directory
        case 0o120000: kind = .symlink
        case 0o020000: kind = .characterDevice
        case 0o060000: kind = .blockDevice
        case 0o010000: kind = .fifo
        default: kind = .other
        }
        var link = ""
        if let hard = text(archive_entry_hardlink_utf8(e)) ?? text(archive_entry_hardlink(e)) {
            kind = .hardlink
            link = hard
        } else if kind == .symlink {
            link = text(archive_entry_symlink_utf8(e)) ?? text(archive_entry_symlink(e)) ?? ""
        }
        return Entry(path: path, kind: kind, mode: mode & 0o7777, uid: archive_entry_uid(e), gid: archive_entry_gid(e),
                     mtime: Int64(archive_entry_mtime(e)), linkTarget: link)
    }

    /// Reads the current entry's data into `buffer`; 0 at its end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
        let n = archive_read_data(handle, buffer.baseAddress, buffer.count)
        if n < 0 { throw Failure(description: Self.message(handle)) }
        return n
    }

    private static func message(_ a: OpaquePointer) -> String {
        archive_error_string(a).map { String(cString: $0) } ?? "unreadable archive"
    }
}
