import StructuredData

/// The few fields the linter reads from each manifest (Helm's `k8sYamlStruct`).
struct K8sObjectStub: Equatable {
    var apiVersion = ""
    var kind = ""
    var name = ""
    var namespace = ""
}

/// k8s.io/apimachinery's `YAMLOrJSONDecoder` over a multi-document stream, decoding each document
/// into ``K8sObjectStub`` as sigs.k8s.io/yaml does (scalars become strings for string fields).
struct ManifestDecoder {
    private var chunks: [String] = []
    private var position = 0
    /// A separator error met while splitting, reported when its chunk is reached.
    private var splitError: (index: Int, message: String)?

    init(_ text: String) {
        let (docs, error) = YAMLDocumentReader.split(text)
        chunks = docs
        if let error { splitError = (docs.count, error) }
    }

    /// The next document: nil at the end, `.success(nil)` for an empty document.
    mutating func next() -> Result<K8sObjectStub?, DecodeError>? {
        if let e = splitError, e.index == position {
            splitError = nil
            position = chunks.count
            return .failure(DecodeError(message: e.message))
        }
        guard position < chunks.count else { return nil }
        let chunk = chunks[position]
        position += 1
        return Self.decode(chunk)
    }

    struct DecodeError: Error {
        var message: String
    }

    static func decode(_ chunk: String) -> Result<K8sObjectStub?, DecodeError> {
        let value: Value
        do {
            value = try YAML.decode(chunk)
        } catch {
            return .failure(DecodeError(message: "error converting YAML to JSON: \(error)"))
        }
        func clash(_ v: Value, _ target: String) -> DecodeError {
            DecodeError(message: "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                + "\(MetadataDecoding.jsonType(v)) into \(target)")
        }
        let m: [String: Value]
        switch value {
        case .null: return .success(nil)
        case .map(let map): m = map
        default: return .failure(clash(value, "Go value of type rules.k8sYamlStruct"))
        }
        var stub = K8sObjectStub()
        func field(_ map: [String: Value], _ name: String) -> Value? {
            if let v = map[name] { return v }
            return map.first { $0.key.lowercased() == name.lowercased() }?.value
        }
        func string(_ v: Value?, _ path: String, type: String = "k8sYamlStruct") -> Result<String, DecodeError> {
            guard let v, !v.isNull else { return .success("") }
            if let s = MetadataDecoding.scalarString(v) { return .success(s) }
            return .failure(clash(v, "Go struct field \(type).\(path) of type string"))
        }
        switch string(field(m, "apiVersion"), "apiVersion") {
        case .success(let s): stub.apiVersion = s
        case .failure(let e): return .failure(e)
        }
        switch string(field(m, "kind"), "Kind") {
        case .success(let s): stub.kind = s
        case .failure(let e): return .failure(e)
        }
        if let md = field(m, "metadata"), !md.isNull {
            guard case .map(let mm) = md else {
                return .failure(clash(md, "Go struct field k8sYamlStruct.Metadata of type rules.k8sYamlMetadata"))
            }
            // encoding/json names the innermost struct type, then the full field path.
            switch string(field(mm, "namespace"), "Metadata.Namespace", type: "k8sYamlMetadata") {
            case .success(let s): stub.namespace = s
            case .failure(let e): return .failure(e)
            }
            switch string(field(mm, "name"), "Metadata.Name", type: "k8sYamlMetadata") {
            case .success(let s): stub.name = s
            case .failure(let e): return .failure(e)
            }
        }
        return .success(stub)
    }
}
