import NIOHTTP1
import StructuredData

/// A Kubernetes `Status` failure: the reason clients branch on, the HTTP code, and a message that
/// names the problem (kubectl prints `Error from server (<reason>): <message>`).
struct StatusError: Error, Sendable {
    var code: Int
    var reason: String
    var message: String
    var details: Value?
    var retryAfter: Int?

    init(code: Int, reason: String, message: String, details: Value? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    var status: Value {
        var m: [String: Value] = [
            "kind": "Status", "apiVersion": "v1", "metadata": .map([:]), "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .int(Int64(code)),
        ]
        if let details { m["details"] = details }
        return .map(m)
    }

    var response: APIResponse {
        var headers: [(String, String)] = []
        if let retryAfter { headers.append(("Retry-After", String(retryAfter))) }
        return .full(status: HTTPResponseStatus(statusCode: code), contentType: "application/json",
                     body: Array(JSON.encode(status, escapeHTML: false).utf8), headers: headers)
    }

    /// `details` naming an object: `{"name":…,"group":…,"kind":<plural>}` as the API server fills it.
    static func details(name: String?, group: String, kind: String, causes: [Value] = []) -> Value {
        var d: [String: Value] = ["kind": .string(kind)]
        if let name { d["name"] = .string(name) }
        if !group.isEmpty { d["group"] = .string(group) }
        if !causes.isEmpty { d["causes"] = .list(causes) }
        return .map(d)
    }

    /// `deployments.apps`, `pods` — the qualified resource in messages.
    static func qualified(_ plural: String, _ group: String) -> String { group.isEmpty ? plural : "\(plural).\(group)" }

    static func notFound(_ plural: String, group: String, name: String) -> StatusError {
        StatusError(code: 404, reason: "NotFound", message: "\(qualified(plural, group)) \"\(name)\" not found",
                    details: details(name: name, group: group, kind: plural))
    }

    static func alreadyExists(_ plural: String, group: String, name: String) -> StatusError {
        StatusError(code: 409, reason: "AlreadyExists", message: "\(qualified(plural, group)) \"\(name)\" already exists",
                    details: details(name: name, group: group, kind: plural))
    }

    static func conflict(_ plural: String, group: String, name: String, message: String? = nil) -> StatusError {
        let text = message ?? "the object has been modified; please apply your changes to the latest version and try again"
        return StatusError(code: 409, reason: "Conflict",
                           message: "Operation cannot be fulfilled on \(qualified(plural, group)) \"\(name)\": \(text)",
                           details: details(name: name, group: group, kind: plural))
    }

    static func invalid(kind: String, group: String, name: String, causes: [(reason: String, message: String, field: String)]) -> StatusError {
        let text = causes.map { $0.field.isEmpty ? $0.message : "\($0.field): \($0.message)" }.joined(separator: ", ")
        let plural = kind
        let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
        let causeValues: [Value] = causes.map { .map(["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)]) }
        let message = causes.count == 1 ? "\(qualifiedKind) \"\(name)\" is invalid: \(text)" : "\(qualifiedKind) \"\(name)\" is invalid: [\(text)]"
        return StatusError(code: 422, reason: "Invalid", message: message,
                           details: details(name: name, group: group, kind: plural, causes: causeValues))
    }

    static func badRequest(_ message: String) -> StatusError {
        StatusError(code: 400, reason: "BadRequest", message: message)
    }

    static func forbidden(_ message: String) -> StatusError { StatusError(code: 403, reason: "Forbidden", message: message) }

    static func methodNotAllowed(_ message: String) -> StatusError {
        StatusError(code: 405, reason: "MethodNotAllowed", message: message)
    }

    static func gone(_ message: String) -> StatusError { StatusError(code: 410, reason: "Expired", message: message) }

    static func unsupportedMediaType(_ type: String) -> StatusError {
        StatusError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got \"\(type)\")")
    }

    static func unauthorized() -> StatusError { StatusError(code: 401, reason: "Unauthorized", message: "Unauthorized") }

    static func internalError(_ message: String) -> StatusError {
        StatusError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }

    static func requestEntityTooLarge(limit: Int) -> StatusError {
        StatusError(code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is \(limit)")
    }

    static func notFoundPath(_ path: String) -> StatusError {
        StatusError(code: 404, reason: "NotFound", message: "the server could not find the requested resource",
                    details: .map(["causes": .list([.map(["reason": "UnexpectedServerResponse", "message": .string("404 page not found: \(path)")])])]))
    }
}
