public import StructuredData
import Templating

/// A chart directory's top-level `values.yaml` decoded on a second thread while the loader walks
/// the directory (for a large chart the two take about as long: ~7 ms each for 500 templates).
///
/// The file is read up front as the walk reads it (BOM stripped); the decoded result is used only
/// for a walked `values.yaml` with exactly those bytes, so an ignored, replaced or changed file is
/// decoded again in place and every result and error stays the sequential loader's.
final class ValuesPrefetch: @unchecked Sendable {
    /// Below this size a thread costs more than it saves.
    static let minimumSize = 16 * 1024

    let bytes: [UInt8]
    // Written by the decoding thread, read after it was joined.
    private var result: Result<[String: Value], ChartEngineError>?

    /// Nil when the chart has no regular `values.yaml` of at least ``minimumSize`` bytes.
    init?(chartTop top: String) {
        guard var data = SourceFileReading.readRegular(joinPath(top, "values.yaml"), maxSize: ChartLoader.maxFileSize)?.data,
              data.count >= Self.minimumSize
        else { return nil }
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
        bytes = data
    }

    func decode() {
        let text = String(decoding: bytes, as: UTF8.self)
        result = Result { () throws(ChartEngineError) in try ValuesFile.parse(text) }
    }

    /// The decoded values when `data` is what was decoded.
    func decoded(for data: [UInt8]) -> Result<[String: Value], ChartEngineError>? {
        guard let result, data == bytes else { return nil }
        return result
    }
}
