public import StructuredData
import Templating

/// The values flags of `helm template/install/upgrade` (Helm's `pkg/cli/values.Options`), merged in
/// Helm's precedence order: `-f` files, `--set-json`, `--set`, `--set-string`, `--set-file`,
/// `--set-literal`.
public struct ValueOptions: Sendable {
    public var valueFiles: [String]
    public var jsonValues: [String]
    public var values: [String]
    public var stringValues: [String]
    public var fileValues: [String]
    public var literalValues: [String]

    public init(valueFiles: [String] = [], jsonValues: [String] = [], values: [String] = [],
                stringValues: [String] = [], fileValues: [String] = [], literalValues: [String] = [])
    {
        self.valueFiles = valueFiles
        self.jsonValues = jsonValues
        self.values = values
        self.stringValues = stringValues
        self.fileValues = fileValues
        self.literalValues = literalValues
    }

    /// Reads every file (`-` means standard input) and parses every expression into one user-values map.
    public func merged() throws -> [String: Value] {
        try LargeStack.run { try mergedTyped() }
    }

    static func read(_ path: String) throws(ChartEngineError) -> [UInt8] {
        if path.trimmingGoSpace() == "-" { return FileSystem.readStandardInput() }
        return try FileSystem.read(path)
    }

    static func readAsValue(_ path: String) throws(ChartEngineError) -> Value {
        .string(String(decoding: try read(path), as: UTF8.self))
    }

    func mergedTyped() throws(ChartEngineError) -> [String: Value] {
        var base: [String: Value] = [:]
        for path in valueFiles {
            let raw = try Self.read(path)
            let current: [String: Value]
            do {
                current = try ValuesFile.parse(String(decoding: raw, as: UTF8.self))
            } catch {
                throw ChartEngineError(.invalidValues, "failed to parse \(path): \(error.message)")
            }
            base = ValuesFile.mergeMaps(base, current)
        }
        for value in jsonValues {
            let trimmed = value.trimmingGoSpace()
            if trimmed.hasPrefix("{") {
                let decoded: Value
                do {
                    decoded = try JSON.decode(trimmed)
                } catch {
                    throw ChartEngineError(.invalidValues, "failed parsing --set-json data JSON: \(value)")
                }
                guard case .map(let m) = decoded.helmNumbers else {
                    throw ChartEngineError(.invalidValues, "failed parsing --set-json data JSON: \(value)")
                }
                base = ValuesFile.mergeMaps(base, m)
            } else {
                do {
                    try Strvals.parseJSON(value, into: &base)
                } catch {
                    throw ChartEngineError(.invalidValues, "failed parsing --set-json data \(value)")
                }
            }
        }
        for value in values {
            do { try Strvals.parse(value, into: &base) } catch {
                throw ChartEngineError(.invalidValues, "failed parsing --set data: \(error.message)")
            }
        }
        for value in stringValues {
            do { try Strvals.parseString(value, into: &base) } catch {
                throw ChartEngineError(.invalidValues, "failed parsing --set-string data: \(error.message)")
            }
        }
        for value in fileValues {
            do {
                try Strvals.parseFile(value, into: &base, reader: Self.readAsValue)
            } catch {
                throw ChartEngineError(.invalidValues, "failed parsing --set-file data: \(error.message)")
            }
        }
        for value in literalValues {
            do { try Strvals.parseLiteral(value, into: &base) } catch {
                throw ChartEngineError(.invalidValues, "failed parsing --set-literal data: \(error.message)")
            }
        }
        return base
    }
}
