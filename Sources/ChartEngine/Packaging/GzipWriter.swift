import CZlib

/// gzip framing as Helm's `chartutil.Save` configures Go's `compress/gzip` writer, around a raw
/// deflate stream from zlib.
///
/// libarchive's gzip filter cannot write the FEXTRA and FCOMMENT fields, so the 10-byte header, the
/// extra field, the comment and the CRC-32/ISIZE trailer are written here. The deflate bytes
/// themselves come from zlib and differ from Go's own `compress/flate` output, so the archive is
/// reproducible (same input → same bytes) but not bit-identical to Helm's; the tar stream inside is.
enum GzipWriter {
    /// Helm's gzip extra field (`headerBytes` in pkg/chart/v2/util/save.go).
    static let helmExtra = Array("+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=".utf8)
    /// Helm's gzip comment.
    static let helmComment = Array("Helm".utf8)

    /// Compresses `data` into a gzip member with Helm's header: flags FEXTRA|FCOMMENT, MTIME 0,
    /// XFL 0 (Go's default level), OS 255 (unknown).
    static func helmArchive(_ data: [UInt8]) throws(ChartEngineError) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0x04 | 0x10, 0, 0, 0, 0, 0, 0xFF]
        out.append(UInt8(helmExtra.count & 0xFF))
        out.append(UInt8(helmExtra.count >> 8))
        out += helmExtra
        out += helmComment
        out.append(0)
        out += try deflateRaw(data)
        let crc = data.withUnsafeBufferPointer { buf in
            crc32(0, buf.baseAddress, uInt(buf.count))
        }
        appendLE32(&out, UInt32(truncatingIfNeeded: crc))
        appendLE32(&out, UInt32(truncatingIfNeeded: data.count))
        return out
    }

    private static func appendLE32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
    }

    /// A raw (headerless) deflate stream at level 6, Go's `DefaultCompression`.
    static func deflateRaw(_ data: [UInt8]) throws(ChartEngineError) -> [UInt8] {
        try deflate(data, level: 6, windowBits: -15)
    }

    /// One zlib deflate pass: `windowBits` -15 = raw deflate, 31 = with zlib's own gzip wrapper.
    static func deflate(_ data: [UInt8], level: Int32, windowBits: Int32) throws(ChartEngineError) -> [UInt8] {
        var stream = z_stream()
        guard czlib_deflate_init2(&stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY) == Z_OK else {
            throw ChartEngineError(.io, "cannot initialise zlib deflate")
        }
        defer { deflateEnd(&stream) }
        var input = data
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound + 64)
        let rc: Int32 = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END else {
            throw ChartEngineError(.io, "zlib deflate failed (\(rc))")
        }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}
