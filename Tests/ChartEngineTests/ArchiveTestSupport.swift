import CLibArchive
@testable import ChartEngine
import Foundation

/// Builds (hostile) chart archives with libarchive, and small file-system helpers for archive tests.
enum ArchiveFixtures {
    /// One tar entry to write.
    struct Entry {
        enum Kind { case file, directory, symlink(String), hardlink(String), charDevice, fifo }
        var name: String
        var kind: Kind = .file
        var data: [UInt8] = []
        var mtime: Int = 1_700_000_000

        static func file(_ name: String, _ text: String) -> Entry {
            Entry(name: name, data: Array(text.utf8))
        }
    }

    /// A gzip-compressed tar (PAX restricted, so long and non-ASCII names survive) made by libarchive.
    static func tgz(_ entries: [Entry]) -> [UInt8] {
        let a = archive_write_new()!
        defer { archive_write_free(a) }
        archive_write_add_filter_gzip(a)
        archive_write_set_format_pax_restricted(a)
        var buffer = [UInt8](repeating: 0, count: 16 << 20)
        var used = 0
        buffer.withUnsafeMutableBytes { buf in
            precondition(archive_write_open_memory(a, buf.baseAddress, buf.count, &used) == ARCHIVE_OK)
            for e in entries {
                let entry = archive_entry_new()!
                archive_entry_set_pathname(entry, e.name)
                archive_entry_set_mtime(entry, e.mtime, 0)
                archive_entry_set_perm(entry, 0o644)
                switch e.kind {
                case .file:
                    archive_entry_set_filetype(entry, 0o100000)
                    archive_entry_set_size(entry, la_int64_t(e.data.count))
                case .directory:
                    archive_entry_set_filetype(entry, 0o040000)
                case .symlink(let target):
                    archive_entry_set_filetype(entry, 0o120000)
                    archive_entry_set_symlink(entry, target)
                case .hardlink(let target):
                    archive_entry_set_filetype(entry, 0o100000)
                    archive_entry_set_hardlink(entry, target)
                case .charDevice:
                    archive_entry_set_filetype(entry, 0o020000)
                    archive_entry_set_rdev(entry, 0x0103)
                case .fifo:
                    archive_entry_set_filetype(entry, 0o010000)
                }
                precondition(archive_write_header(a, entry) == ARCHIVE_OK,
                             String(cString: archive_error_string(a)))
                if !e.data.isEmpty {
                    e.data.withUnsafeBytes { _ = archive_write_data(a, $0.baseAddress, $0.count) }
                }
                archive_entry_free(entry)
            }
            archive_write_close(a)
        }
        return Array(buffer[0..<used])
    }

    /// gzip around arbitrary bytes (libarchive's raw format), for hand-made tar streams.
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        let a = archive_write_new()!
        defer { archive_write_free(a) }
        archive_write_add_filter_gzip(a)
        archive_write_set_format_raw(a)
        var buffer = [UInt8](repeating: 0, count: bytes.count + (1 << 20))
        var used = 0
        buffer.withUnsafeMutableBytes { buf in
            precondition(archive_write_open_memory(a, buf.baseAddress, buf.count, &used) == ARCHIVE_OK)
            let entry = archive_entry_new()!
            archive_entry_set_pathname(entry, "data")
            archive_entry_set_filetype(entry, 0o100000)
            archive_write_header(a, entry)
            bytes.withUnsafeBytes { _ = archive_write_data(a, $0.baseAddress, $0.count) }
            archive_entry_free(entry)
            archive_write_close(a)
        }
        return Array(buffer[0..<used])
    }

    /// The decompressed contents of a gzip file (libarchive's raw format).
    static func gunzip(_ bytes: [UInt8]) -> [UInt8] {
        let a = archive_read_new()!
        defer { archive_read_free(a) }
        archive_read_support_filter_gzip(a)
        archive_read_support_format_raw(a)
        var out: [UInt8] = []
        bytes.withUnsafeBytes { buf in
            guard archive_read_open_memory(a, buf.baseAddress, buf.count) == ARCHIVE_OK else { return }
            var entry: OpaquePointer?
            guard archive_read_next_header(a, &entry) == ARCHIVE_OK else { return }
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeMutableBytes { archive_read_data(a, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                out += chunk[0..<n]
            }
        }
        return out
    }

    /// A hand-made ustar header (for entries libarchive will not write, such as lying sizes).
    static func ustarHeader(name: String, size: Int, type: UInt8 = 0x30) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 512)
        func put(_ s: String, _ off: Int) { for (i, c) in s.utf8.enumerated() { b[off + i] = c } }
        put(name, 0)
        put("0000644", 100)
        put("0000000", 108)
        put("0000000", 116)
        put(String(format: "%011o", size), 124)
        put(String(format: "%011o", 1_700_000_000), 136)
        b[156] = type
        put("ustar", 257)
        put("00", 263)
        for i in 148..<156 { b[i] = 0x20 }
        let sum = b.reduce(0) { $0 + Int($1) }
        put(String(format: "%06o", sum), 148)
        b[154] = 0
        return b
    }

    /// A fresh empty temporary directory.
    static func tempDir() throws -> String {
        try TemporaryDirectories.make("helmctl-archive")
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The fixture directory `Fixtures/archive/NAME` in the source tree.
    static func fixture(_ name: String) -> String {
        Fixtures.repoRoot + "/Tests/ChartEngineTests/Fixtures/archive/" + name
    }

    /// Copies the `pkgchart` fixture to a temporary directory and stamps every file with the
    /// modification time the Helm-recorded expectations were made with (1700000000.6 s).
    static func stampedFixtureChart() throws -> String {
        let dir = try tempDir()
        let dest = dir + "/pkgchart"
        try FileManager.default.copyItem(atPath: fixture("pkgchart"), toPath: dest)
        let date = Date(timeIntervalSince1970: 1_700_000_000.6)
        let e = FileManager.default.enumerator(atPath: dest)
        while let rel = e?.nextObject() as? String {
            let full = dest + "/" + rel
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue {
                try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: full)
            }
        }
        return dest
    }

    /// The message of the ChartEngineError thrown by `body`, or nil.
    static func error(_ body: () throws -> Void) -> String? {
        Fixtures.errorMessage(body)
    }
}
