import StructuredData

/// `helm package`'s check of a chart directory's top-level `values.yaml`, run on its own thread
/// (see ``ChartPackager``): the file is read as the walk reads it (BOM stripped) and checked to
/// pass ``ValuesFile/parse(_:)``, and the bytes are kept so the caller can confirm that the walk
/// saw the same file.
final class ValuesCheck: @unchecked Sendable {
    // Written by the checking thread only, read after it was joined.
    private var data: [UInt8]?
    private var parsed = false
    private let path: String

    init(chartDirectory: String) {
        var top = chartDirectory
        while top.count > 1 && top.hasSuffix("/") { top.removeLast() }
        path = joinPath(top, "values.yaml")
    }

    func run() {
        guard var bytes = SourceFileReading.readRegular(path, maxSize: ChartLoader.maxFileSize)?.data else { return }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        // Most values files are plain block YAML, which a byte scan settles without libyaml.
        parsed = YAML.certainlyDecodesToMap(bytes) || Self.parses(String(decoding: bytes, as: UTF8.self))
        data = bytes
    }

    /// Whether ``ValuesFile/parse(_:)`` succeeds on `text`, without building its result: it fails
    /// exactly when the document split fails, a document does not decode, or a document is neither
    /// null nor a map (its number conversion and merging cannot fail, so they are skipped).
    static func parses(_ text: String) -> Bool {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        let (chunks, splitError) = YAMLDocumentReader.split(String(body))
        if splitError != nil { return false }
        for chunk in chunks {
            switch try? YAML.decode(chunk) {
            case .some(.null), .some(.map): continue
            default: return false
            }
        }
        return true
    }

    /// Whether the file parsed and held exactly `bytes`.
    func passed(for bytes: [UInt8]?) -> Bool {
        parsed && data != nil && data == bytes
    }
}

/// The outcome of ``ChartPackager``'s speculative build, handed back from a worker thread.
final class SpeculativeBuild: @unchecked Sendable {
    // Written by one thread, read after it was joined.
    var result: Result<ChartPackager.Built, ChartEngineError>?
}
