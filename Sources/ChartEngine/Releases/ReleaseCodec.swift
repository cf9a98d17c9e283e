import CZlib
import KubeClient
public import StructuredData
import Templating

/// Helm's storage encoding of a release: `base64(gzip(json))` at gzip's best compression; decoding
/// also accepts plain JSON (no gzip magic), as Helm's `decodeRelease` does.
public enum ReleaseCodec {
    /// Encodes a release as the `data.release` string Helm writes.
    public static func encode(_ r: Release) throws(ChartEngineError) -> String {
        let json = Array(JSON.encode(r.json, escapeHTML: true).utf8)
        return Base64Codec.encode(try gzip(json))
    }

    /// Decodes a `data.release` string.
    public static func decode(_ text: String) throws(ChartEngineError) -> Release {
        guard let raw = Base64Codec.decode(text) else {
            throw ChartEngineError(.io, "release record: illegal base64 data")
        }
        var bytes = raw
        if bytes.count > 3 && bytes[0] == 0x1F && bytes[1] == 0x8B && bytes[2] == 0x08 {
            bytes = try gunzip(bytes)
        }
        let v: Value
        do { v = try JSON.decodeKeepingIntegers(bytes) } catch {
            throw ChartEngineError(.io, "release record: \(error)")
        }
        return try Release(json: v)
    }

    /// A gzip member at level 9 (zlib with a gzip wrapper: window bits 15 + 16), as Helm's
    /// `gzip.BestCompression` writer.
    static func gzip(_ data: [UInt8]) throws(ChartEngineError) -> [UInt8] {
        try GzipWriter.deflate(data, level: 9, windowBits: 31)
    }

    /// Inflates a gzip stream, refusing more than 256 MiB of output.
    static func gunzip(_ data: [UInt8]) throws(ChartEngineError) -> [UInt8] {
        var stream = z_stream()
        // inflateInit2 is a macro; call the function it expands to.
        guard inflateInit2_(&stream, 47, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ChartEngineError(.io, "cannot initialise zlib inflate")
        }
        defer { inflateEnd(&stream) }
        var input = data
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var rc: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { c in
                    stream.next_out = c.baseAddress
                    stream.avail_out = uInt(c.count)
                    rc = inflate(&stream, Z_NO_FLUSH)
                    return c.count - Int(stream.avail_out)
                }
                out += chunk[0..<produced]
            } while rc == Z_OK && out.count < 256 << 20 && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard rc == Z_STREAM_END else { throw ChartEngineError(.io, "release record: invalid gzip data (\(rc))") }
        return out
    }
}

/// The `chart` object Helm stores in a release (subcharts are not serialised).
public enum ReleaseChart {
    public static func json(_ chart: Chart) -> Value {
        func file(_ f: ChartFile) -> Value { ["name": .string(f.name), "data": .string(Base64.encode(f.data))] }
        var m: [String: Value] = [
            "metadata": .map(ChartfileEncoding.metadataJSON(chart.metadata)),
            "lock": .null,
            "templates": .list(chart.templates.map(file)),
            "values": .map(chart.values),
            "schema": chart.schema.map { .string(Base64.encode(Array($0.utf8))) } ?? .null,
            "files": .list(chart.files.map(file)),
        ]
        if chart.templates.isEmpty { m["templates"] = .list([]) }
        return .map(m)
    }
}
