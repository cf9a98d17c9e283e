import ClusterAPI
import StructuredData

/// Request bodies by media type: JSON, YAML, and Kubernetes protobuf (`k8s\0` + runtime.Unknown),
/// which client-go's typed clients send for built-in kinds with no JSON fallback.
enum BodyDecoding {
    static func object(_ r: APIRequest) throws -> Value {
        guard !r.body.isEmpty else { throw StatusError.badRequest("the request body is empty; send a JSON, YAML or protobuf object") }
        let type = r.contentType
        let value: Value
        switch type {
        case "application/json", "", "application/merge-patch+json", "application/strategic-merge-patch+json",
             "application/json-patch+json":
            value = try json(r.body)
        case "application/yaml", "application/apply-patch+yaml", "text/yaml", "application/x-yaml":
            value = try yaml(r.body)
        case "application/vnd.kubernetes.protobuf":
            do {
                value = try KubeProtobuf.decode(r.body)
            } catch {
                throw StatusError.badRequest("the protobuf body could not be decoded: \(error)")
            }
        default:
            throw StatusError.unsupportedMediaType(type)
        }
        return value
    }

    static func json(_ bytes: [UInt8]) throws -> Value {
        do {
            return try JSON.decodeKeepingIntegers(bytes)
        } catch {
            throw StatusError.badRequest("the request body is not valid JSON: \(error)")
        }
    }

    static func yaml(_ bytes: [UInt8]) throws -> Value {
        do {
            return try YAML.decode(bytes, numbersAsFloat: false)
        } catch {
            throw StatusError.badRequest("the request body is not valid YAML: \(error)")
        }
    }

    /// A body that must be a JSON/YAML/protobuf object (a map).
    static func map(_ r: APIRequest) throws -> Value {
        let v = try object(r)
        guard case .map = v else {
            throw StatusError.badRequest("the request body must be an object, not \(describe(v))")
        }
        return v
    }

    static func describe(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .float: return "a number"
        case .string: return "a string"
        case .list: return "a list"
        case .map: return "an object"
        }
    }
}
