/// Writes tar streams byte-for-byte as Go's `archive/tar` writes the headers Helm's `chartutil.Save`
/// gives it (`Name`, `Mode: 0644`, `Size`, `ModTime`; no type flag, owner or user names).
///
/// Go picks USTAR when every field fits (long ASCII names split into prefix/name at a `/`), else PAX
/// (an extended header `dir/PaxHeaders.0/file` carrying `path=`). It rounds `ModTime` to the second,
/// pads each file to 512 bytes and ends with two zero blocks, without padding to a 10 KiB record as
/// libarchive or GNU tar do — so the tar is written here rather than through libarchive.
struct TarWriter {
    /// The stream written so far (with a sink: what has not been handed to it yet).
    private(set) var bytes: [UInt8] = []
    /// Where the stream goes in stretches of ``drainSize`` bytes (nil: it all stays in `bytes`).
    private let sink: HelmGzipStream?
    static let drainSize = 256 << 10

    /// A writer keeping the whole stream in ``bytes``.
    init() { sink = nil }

    /// A writer handing its stream to `sink` as it grows, so the whole of it is never in memory.
    init(streamingTo sink: HelmGzipStream) {
        self.sink = sink
        bytes.reserveCapacity(Self.drainSize + 64 << 10)
    }

    private static let nameSize = 100
    private static let prefixSize = 155

    /// Appends a regular file (mode 0644, uid/gid 0).
    mutating func addFile(name: String, data: [UInt8], modTime: Int64) throws(ChartEngineError) {
        guard fitsOctal(12, Int64(data.count)) else {
            throw ChartEngineError(.io, "archive/tar: header field too long: \(name)")
        }
        let fitsTime = fitsOctal(12, modTime)
        let done: Bool = name.utf8.withContiguousStorageIfAvailable { nameBytes in
            // The common case, a short ASCII name: no copies of the name at all.
            guard fitsTime, nameBytes.count <= Self.nameSize,
                  !nameBytes.contains(where: { $0 >= 0x80 || $0 == 0 })
            else { return false }
            appendHeader(name: nameBytes, prefix: UnsafeBufferPointer(start: nil, count: 0),
                         size: Int64(data.count), modTime: modTime, flag: 0x30)
            return true
        } ?? false
        if !done {
            try addFileSlow(name: name, size: Int64(data.count), modTime: modTime)
        }
        appendPadded(data)
        if bytes.count >= Self.drainSize { drain() }
    }

    /// Hands what is buffered to the sink.
    private mutating func drain() {
        guard let sink else { return }
        bytes.withUnsafeBufferPointer { sink.write($0) }
        bytes.removeAll(keepingCapacity: true)
    }

    /// The USTAR-with-prefix and PAX cases (and names whose UTF-8 is not contiguous).
    private mutating func addFileSlow(name: String, size: Int64, modTime: Int64) throws(ChartEngineError) {
        let ascii = name.utf8.allSatisfy { $0 < 0x80 }
        let nameBytes = Array(name.utf8)
        if ascii && nameBytes.count <= Self.nameSize && !nameBytes.contains(0) && fitsOctal(12, modTime) {
            appendHeader(name: nameBytes, prefix: [], size: size, modTime: modTime, flag: 0x30)
        } else if ascii, let (prefix, suffix) = Self.splitUSTARPath(nameBytes), fitsOctal(12, modTime) {
            appendHeader(name: suffix, prefix: prefix, size: size, modTime: modTime, flag: 0x30)
        } else {
            // PAX: the real name travels in an extended header; the main header keeps an ASCII-only,
            // truncated copy.
            var records: [(String, String)] = []
            if !(ascii && nameBytes.count <= Self.nameSize) { records.append(("path", name)) }
            if !fitsOctal(12, modTime) { records.append(("mtime", String(modTime))) }
            records.sort { $0.0 < $1.0 }
            var paxData: [UInt8] = []
            for (k, v) in records { paxData += Self.paxRecord(k, v) }
            let (dir, file) = Self.splitPath(name)
            var paxName = Array(Self.toASCII(GoPath.clean(dir + "PaxHeaders.0/" + file)).utf8)
            if paxName.count > Self.nameSize { paxName = Array(paxName.prefix(Self.nameSize)) }
            while paxName.last == 0x2F { paxName.removeLast() }
            appendHeader(name: paxName, prefix: [], size: Int64(paxData.count), modTime: 0, flag: 0x78,
                         paxRecordHeader: true)
            appendPadded(paxData)
            let mainName = Array(Self.toASCII(name).utf8.prefix(Self.nameSize))
            let mt = fitsOctal(12, modTime) ? modTime : 0
            appendHeader(name: mainName, prefix: [], size: size, modTime: mt, flag: 0x30)
        }
    }

    /// Ends the archive with two zero blocks.
    mutating func finish() {
        appendZeros(1024)
        drain()
    }

    private static let zeroBlock = [UInt8](repeating: 0, count: 1024)

    /// `count` (≤ 1024) zero bytes, copied as one block (appending a `repeatElement` goes byte by byte).
    private mutating func appendZeros(_ count: Int) {
        Self.zeroBlock.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<count])) }
    }

    private mutating func appendPadded(_ data: [UInt8]) {
        bytes.append(contentsOf: data)
        let rem = data.count % 512
        if rem != 0 { appendZeros(512 - rem) }
    }

    private mutating func appendHeader(name: [UInt8], prefix: [UInt8], size: Int64, modTime: Int64, flag: UInt8,
                                       paxRecordHeader: Bool = false)
    {
        name.withUnsafeBufferPointer { n in
            prefix.withUnsafeBufferPointer { p in
                appendHeader(name: n, prefix: p, size: size, modTime: modTime, flag: flag,
                             paxRecordHeader: paxRecordHeader)
            }
        }
    }

    /// Writes one 512-byte header in place at the end of the stream.
    private mutating func appendHeader(name: UnsafeBufferPointer<UInt8>, prefix: UnsafeBufferPointer<UInt8>,
                                       size: Int64, modTime: Int64, flag: UInt8, paxRecordHeader: Bool = false)
    {
        let start = bytes.count
        appendZeros(512)
        bytes.withUnsafeMutableBufferPointer { all in
            let b = UnsafeMutableBufferPointer(rebasing: all[start..<(start + 512)])
            func put(_ s: UnsafeBufferPointer<UInt8>, at off: Int, len: Int) {
                for i in 0..<min(len, s.count) { b[off + i] = s[i] }
            }
            func putASCII(_ s: StaticString, at off: Int) {
                s.withUTF8Buffer { put($0, at: off, len: $0.count) }
            }
            // Go's formatOctal: zero-padded to len-1 digits, NUL-terminated (the field is zeroed).
            func octal(_ v: Int64, at off: Int, len: Int) {
                var x = UInt64(v)
                var i = len - 2
                while i >= 0 {
                    b[off + i] = 0x30 + UInt8(x & 7)
                    x >>= 3
                    i -= 1
                }
            }
            put(name, at: 0, len: 100)
            octal(paxRecordHeader ? 0 : 0o644, at: 100, len: 8)
            octal(0, at: 108, len: 8)
            octal(0, at: 116, len: 8)
            octal(size, at: 124, len: 12)
            octal(modTime, at: 136, len: 12)
            b[156] = flag
            putASCII("ustar\0", at: 257)
            putASCII("00", at: 263)
            if !paxRecordHeader {
                // Go's writeRawFile (PAX record files) leaves the device numbers zeroed.
                octal(0, at: 329, len: 8)
                octal(0, at: 337, len: 8)
            }
            put(prefix, at: 345, len: 155)
            // Checksum: the header summed with the checksum field as spaces; six octal digits, NUL, space.
            for i in 148..<156 { b[i] = 0x20 }
            var sum: Int64 = 0
            for i in 0..<512 { sum += Int64(b[i]) }
            octal(sum, at: 148, len: 7)
            b[154] = 0
            b[155] = 0x20
        }
    }

    private func fitsOctal(_ len: Int, _ v: Int64) -> Bool {
        v >= 0 && v < (Int64(1) << (3 * Int64(len - 1)))
    }

    /// Go's `splitUSTARPath`: a name longer than 100 bytes splits at a `/` into a prefix of at most
    /// 155 bytes and a non-empty name of at most 100.
    static func splitUSTARPath(_ name: [UInt8]) -> ([UInt8], [UInt8])? {
        var length = name.count
        if length <= nameSize { return nil }
        if length > prefixSize + 1 {
            length = prefixSize + 1
        } else if name[length - 1] == 0x2F {
            length -= 1
        }
        guard let i = name[..<length].lastIndex(of: 0x2F) else { return nil }
        let nlen = name.count - i - 1
        if i <= 0 || nlen > nameSize || nlen == 0 || i > prefixSize { return nil }
        return (Array(name[..<i]), Array(name[(i + 1)...]))
    }

    /// Go's `formatPAXRecord`: `"%d %s=%s\n"` where the length counts itself.
    static func paxRecord(_ k: String, _ v: String) -> [UInt8] {
        let base = k.utf8.count + v.utf8.count + 3
        var size = base + String(base).count
        var rec = "\(size) \(k)=\(v)\n"
        if rec.utf8.count != size {
            size = rec.utf8.count
            rec = "\(size) \(k)=\(v)\n"
        }
        return Array(rec.utf8)
    }

    /// Go's `path.Split`: everything up to and including the last `/`, and the rest.
    static func splitPath(_ p: String) -> (String, String) {
        guard let i = p.lastIndex(of: "/") else { return ("", p) }
        return (String(p[...i]), String(p[p.index(after: i)...]))
    }

    /// Go's `toASCII`: drops every non-ASCII byte sequence's characters.
    static func toASCII(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value < 0x80 }))
    }
}
