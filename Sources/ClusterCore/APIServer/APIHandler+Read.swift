import ClusterAPI
import ClusterStore
import NIOConcurrencyHelpers
import NIOHTTP1
import StructuredData

/// GET and LIST, with label/field selectors, `limit`/`continue`, `resourceVersion` semantics and
/// Table output (kubectl's `Accept: application/json;as=Table;…`).
extension APIHandler {
    static let listParams: Set<String> = [
        "labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "resourceVersionMatch", "watch",
        "allowWatchBookmarks", "timeoutSeconds", "sendInitialEvents", "includeObject",
    ]

    func get(_ rr: ResourceRequest) async throws -> APIResponse {
        try checkParams(rr.request, allowed: ["resourceVersion", "includeObject"])
        let object = try await current(rr)
        return try respond(rr, objects: [object], single: true, listMeta: nil)
    }

    /// The stored object, or 404.
    func current(_ rr: ResourceRequest) async throws -> Value {
        guard let kv = try await store.get(rr.key), let object = ObjectCodec.decode(kv) else {
            throw StatusError.notFound(rr.plural, group: rr.group, name: rr.name ?? "")
        }
        return object
    }

    func list(_ rr: ResourceRequest) async throws -> APIResponse {
        let r = rr.request
        try checkParams(r, allowed: Self.listParams)
        let selectors = try Selectors(rr)
        let limit = try r.param("limit").map { v -> Int in
            guard let n = Int(v), n >= 0 else { throw StatusError.badRequest("limit must be a non-negative integer, got \"\(v)\"") }
            return n
        } ?? 0
        var revision: Int64 = 0
        var after: String?
        if let token = r.param("continue"), !token.isEmpty {
            guard let decoded = ContinueToken.decode(token) else {
                throw StatusError.badRequest("continue key is not valid: the token is malformed")
            }
            revision = decoded.revision
            after = rr.prefix + decoded.key
        } else if let rv = r.param("resourceVersion"), !rv.isEmpty, rv != "0", r.param("resourceVersionMatch") == "Exact" {
            guard let n = Int64(rv) else { throw StatusError.badRequest("invalid resourceVersion \"\(rv)\"") }
            revision = n
        } else if let rv = r.param("resourceVersion"), !rv.isEmpty, Int64(rv) == nil {
            throw StatusError.badRequest("invalid resourceVersion \"\(rv)\": it must be an integer")
        }
        let page = try await collect(rr, selectors: selectors, revision: revision, after: after, limit: limit)
        var listMeta: [String: Value] = ["resourceVersion": .string(String(page.revision))]
        if let last = page.continueKey {
            listMeta["continue"] = .string(ContinueToken.encode(revision: page.revision, key: last))
            if page.remaining > 0 { listMeta["remainingItemCount"] = .int(Int64(page.remaining)) }
        }
        return try respond(rr, objects: page.items, single: false, listMeta: .map(listMeta))
    }

    struct Page {
        var items: [Value]
        var revision: Int64
        /// The key (relative to the prefix) to continue after, when more may follow.
        var continueKey: String?
        var remaining: Int
    }

    /// Reads matching objects in key order, at most `limit` (0 = all), at `revision` (0 = now).
    func collect(_ rr: ResourceRequest, selectors: Selectors, revision: Int64, after: String?, limit: Int) async throws -> Page {
        var items: [Value] = []
        var cursor = after
        var rev = revision
        let batch = limit == 0 ? 0 : max(limit, 100)
        while true {
            let result = try await listPage(rr.prefix, after: cursor, limit: batch, revision: rev)
            rev = result.revision
            for kv in result.items {
                guard let object = ObjectCodec.decode(kv) else { continue }
                if selectors.matches(object) {
                    items.append(object)
                    if limit > 0 && items.count == limit {
                        let isLastOfBatch = kv == result.items.last
                        let more = !isLastOfBatch || result.more
                        let relative = String(kv.key.dropFirst(rr.prefix.count))
                        return Page(items: items, revision: rev, continueKey: more ? relative : nil,
                                    remaining: selectors.isEmpty ? remainingAfter(kv, in: result) : 0)
                    }
                }
            }
            guard result.more, let last = result.items.last else { break }
            cursor = last.key
        }
        return Page(items: items, revision: rev, continueKey: nil, remaining: 0)
    }

    /// One store page, with store failures turned into the Status errors clients expect.
    func listPage(_ prefix: String, after: String?, limit: Int, revision: Int64) async throws -> ListResult {
        let outcome: Result<ListResult, StoreError>
        do {
            outcome = .success(try await store.list(prefix: prefix, after: after, limit: limit, revision: revision))
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let r): return r
        case .failure(.compacted):
            throw StatusError.gone("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.")
        case .failure(.futureRevision(let requested, _)):
            throw StatusError(code: 504, reason: "Timeout", message: "Too large resource version: \(requested)")
        case .failure(let e): throw e
        }
    }

    private func remainingAfter(_ kv: KeyValue, in result: ListResult) -> Int {
        guard let i = result.items.firstIndex(of: kv) else { return 0 }
        return result.items.count - i - 1 + result.remaining
    }

    /// JSON object/list, or a Table when the client asked for one.
    func respond(_ rr: ResourceRequest, objects: [Value], single: Bool, listMeta: Value?) throws -> APIResponse {
        if wantsTable(rr.request) {
            let include = try includeObject(rr.request)
            let table = TableConverter.table(for: rr.info, objects: objects, includeObject: include, now: clock.now(),
                                             listMeta: listMeta)
            return .json(.ok, JSON.encode(table, escapeHTML: false))
        }
        if single, let object = objects.first {
            return .json(.ok, JSON.encode(object, escapeHTML: false))
        }
        let list: Value = .map([
            "kind": .string(rr.info.listKind), "apiVersion": .string(rr.info.apiVersion),
            "metadata": listMeta ?? .map([:]), "items": .list(objects),
        ])
        return .json(.ok, JSON.encode(list, escapeHTML: false))
    }

    func wantsTable(_ r: APIRequest) -> Bool {
        r.accept.split(separator: ",").first.map { $0.contains("as=Table") } ?? false
    }

    func includeObject(_ r: APIRequest) throws -> IncludeObject {
        switch r.param("includeObject") {
        case nil, "", "Metadata": return .metadata
        case "Object": return .object
        case "None": return .none
        case let other?: throw StatusError.badRequest("includeObject must be None, Metadata or Object, not \"\(other)\"")
        }
    }
}

/// The opaque `continue` token: the list's revision and the last key returned (base64url).
enum ContinueToken {
    static func encode(revision: Int64, key: String) -> String {
        Base64Codec.encode(Array("\(revision):\(key)".utf8), urlSafe: true)
    }

    static func decode(_ token: String) -> (revision: Int64, key: String)? {
        guard let bytes = Base64Codec.decode(token), let text = String(validating: bytes, as: UTF8.self),
              let colon = text.firstIndex(of: ":"), let rev = Int64(text[..<colon]), rev > 0
        else { return nil }
        let key = String(text[text.index(after: colon)...])
        guard !key.isEmpty, !key.contains("..") else { return nil }
        return (rev, key)
    }
}

/// Label and field selectors of a list or watch request.
struct Selectors: Sendable {
    var label: LabelSelector?
    var field: FieldSelector?

    init(_ rr: ResourceRequest) throws {
        let r = rr.request
        if let s = r.param("labelSelector"), !s.isEmpty {
            do { label = try LabelSelector(parsing: s) } catch { throw StatusError.badRequest("unable to parse requirement: \(error)") }
        }
        if let s = r.param("fieldSelector"), !s.isEmpty {
            do { field = try FieldSelector(parsing: s, for: rr.info) } catch { throw StatusError.badRequest("\(error)") }
        }
    }

    var isEmpty: Bool { label == nil && field == nil }

    func matches(_ object: Value) -> Bool {
        if let label, !label.matches(labels: object.labels) { return false }
        if let field, !field.matches(object: object) { return false }
        return true
    }
}
