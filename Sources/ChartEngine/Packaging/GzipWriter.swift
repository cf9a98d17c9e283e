import CZlib

/// gzip framing as Helm's `chartutil.Save` configures Go's `compress/gzip` writer, around a raw
/// deflate stream from zlib.
///
/// libarchive's gzip filter cannot write the FEXTRA and FCOMMENT fields, so the 10-byte header, the
/// extra field, the comment and the CRC-32/ISIZE trailer are written here. The deflate bytes
/// themselves come from zlib and differ from Go's own `compress/flate` output, so the archive is
/// reproducible (same input → same bytes) but not bit-identical to Helm's; the tar stream inside is.
///
/// Archives are deflated at zlib level 3: chart trees are repetitive text, on which zlib's lazy
/// matching (levels 4–9) spends 10–20 times as long for about 10% smaller archives. The header's
/// XFL stays 0, as Helm writes it (XFL is informational only).
enum GzipWriter {
    /// Helm's gzip extra field (`headerBytes` in pkg/chart/v2/util/save.go).
    static let helmExtra = Array("+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=".utf8)
    /// Helm's gzip comment.
    static let helmComment = Array("Helm".utf8)

    /// Compresses `data` into a gzip member with Helm's header: flags FEXTRA|FCOMMENT, MTIME 0,
    /// XFL 0 (as Go's default level writes it), OS 255 (unknown).
    static func helmArchive(_ data: [UInt8]) throws(ChartEngineError) -> [UInt8] {
        let gzip = try HelmGzipStream()
        data.withUnsafeBufferPointer { gzip.write($0) }
        return try gzip.finish()
    }

    /// Helm's gzip header (see ``helmArchive(_:)``).
    static var helmHeader: [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0x04 | 0x10, 0, 0, 0, 0, 0, 0xFF]
        out.append(UInt8(helmExtra.count & 0xFF))
        out.append(UInt8(helmExtra.count >> 8))
        out += helmExtra
        out += helmComment
        out.append(0)
        return out
    }

    static func appendLE32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
    }

    /// The zlib level of chart archives (see the type's comment).
    static let archiveLevel: Int32 = 3

    /// One zlib deflate pass: `windowBits` -15 = raw deflate, 31 = with zlib's own gzip wrapper.
    static func deflate(_ data: [UInt8], level: Int32, windowBits: Int32) throws(ChartEngineError) -> [UInt8] {
        let stream = try DeflateStream(level: level, windowBits: windowBits)
        data.withUnsafeBufferPointer { stream.write($0) }
        return try stream.finish()
    }
}

/// A gzip member in Helm's framing (``GzipWriter/helmArchive(_:)``) deflated as its data arrives:
/// ``TarWriter`` hands a chart's tar stream over in stretches, so the archive is compressed while it
/// is written and the whole tar stream is never held (nor its pages faulted in).
final class HelmGzipStream {
    private let deflate: DeflateStream
    private var crc: uLong = 0
    private var size = 0

    init() throws(ChartEngineError) {
        deflate = try DeflateStream(level: GzipWriter.archiveLevel, windowBits: -15, after: GzipWriter.helmHeader)
    }

    /// Deflates `data` (the next stretch of the member's content).
    func write(_ data: UnsafeBufferPointer<UInt8>) {
        guard !data.isEmpty else { return }
        crc = crc32(crc, data.baseAddress, uInt(data.count))
        size += data.count
        deflate.write(data)
    }

    /// Ends the deflate stream and returns the whole member (header, data, CRC-32 and size).
    func finish() throws(ChartEngineError) -> [UInt8] {
        var output = try deflate.finish()
        GzipWriter.appendLE32(&output, UInt32(truncatingIfNeeded: crc))
        GzipWriter.appendLE32(&output, UInt32(truncatingIfNeeded: size))
        return output
    }
}

/// A zlib deflate stream fed in pieces. Its output grows in chunks rather than being sized by
/// `deflateBound` (about the input's size), which would zero and fault in megabytes for a large
/// chart that compresses to kilobytes. zlib's output does not depend on how the input is split.
final class DeflateStream {
    /// (On the heap: zlib's state points back at its z_stream, which must not move.)
    private let stream: UnsafeMutablePointer<z_stream>
    private var output: [UInt8]
    /// The first zlib failure, reported by ``finish()``.
    private var failure: Int32?

    /// A stream at zlib `level` with `windowBits` (-15 raw, 31 gzip-wrapped) whose output follows `prefix`.
    init(level: Int32, windowBits: Int32, after prefix: [UInt8] = []) throws(ChartEngineError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard czlib_deflate_init2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY) == Z_OK else {
            stream.deallocate()
            throw ChartEngineError(.io, "cannot initialise zlib deflate")
        }
        output = prefix
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Deflates the next piece of input.
    func write(_ data: UnsafeBufferPointer<UInt8>) {
        if !data.isEmpty { run(data, flush: Z_NO_FLUSH) }
    }

    /// Ends the stream and returns all its output (after the prefix).
    func finish() throws(ChartEngineError) -> [UInt8] {
        run(UnsafeBufferPointer(start: nil, count: 0), flush: Z_FINISH)
        if let failure { throw ChartEngineError(.io, "zlib deflate failed (\(failure))") }
        return output
    }

    private func run(_ input: UnsafeBufferPointer<UInt8>, flush: Int32) {
        guard failure == nil else { return }
        // zlib only reads through next_in; its type lacks const without ZLIB_CONST.
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.pointee.avail_in = uInt(input.count)
        var chunk = 32 << 10
        while true {
            let used = output.count
            output += [UInt8](repeating: 0, count: chunk)  // a memset (a repeatElement appends byte by byte)
            let rc = output.withUnsafeMutableBufferPointer { out in
                stream.pointee.next_out = out.baseAddress.map { $0 + used }
                stream.pointee.avail_out = uInt(chunk)
                return CZlib.deflate(stream, flush)
            }
            let spare = Int(stream.pointee.avail_out)
            output.removeSubrange((used + chunk - spare)...)
            if flush == Z_FINISH {
                if rc == Z_STREAM_END { return }
            } else if spare > 0 && stream.pointee.avail_in == 0 {
                return  // all input taken and no output pending
            }
            guard rc == Z_OK || rc == Z_BUF_ERROR else {
                failure = rc
                return
            }
            chunk = min(chunk * 2, 1 << 24)
        }
    }
}
