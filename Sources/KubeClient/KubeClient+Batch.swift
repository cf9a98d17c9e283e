public import StructuredData

/// One request of a concurrent batch (``KubeClient/requestAll(_:)``).
public struct KubeRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    public var body: Value?
    public var contentType: String

    public init(_ method: String, _ path: String, query: [(String, String)] = [], body: Value? = nil,
                contentType: String = "application/json")
    {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
    }
}

extension KubeClient {
    /// Sends the requests concurrently (as Helm's per-kind batches do) over the client's connection
    /// pool and returns each decoded answer or error, in order. A request that fails transiently (or
    /// with a rejected plugin credential) is sent again on its own with the usual retries.
    public func requestAll(_ requests: [KubeRequest]) -> [Result<Value, KubeError>] {
        if requests.isEmpty { return [] }
        if requests.count == 1 { return [requestResult(requests[0])] }
        do { try ensureCredentials() } catch { return requests.map { _ in .failure(error) } }
        let exchanges = requests.map { r in
            HTTPTransport.Exchange(method: r.method, url: url(r.path, query: r.query),
                                   headers: headers(accept: "application/json", contentType: r.body == nil ? nil : r.contentType),
                                   body: r.body.map { Array(JSON.encode($0).utf8) })
        }
        let outcomes = transportPerformAll(exchanges)
        return zip(requests, outcomes).map { r, outcome -> Result<Value, KubeError> in
            switch outcome {
            case .failure:
                return requestResult(r)
            case .success(let (code, bytes, _)):
                if (200..<300).contains(code) { return decode(bytes, method: r.method, path: r.path) }
                if RetryPolicy.retriesStatus(code, method: r.method) || (code == 401 && config.exec != nil) {
                    return requestResult(r)
                }
                return .failure(statusError(code: code, body: bytes))
            }
        }
    }

    /// Sends the read `r` (a GET) now on a background thread, while the caller goes on with work of
    /// its own: the first later request identical to it (through ``request(_:_:query:body:contentType:accept:)``
    /// or ``requestAll(_:)``) takes its answer instead of asking again. Any other use of the client
    /// waits for it first; a write before it is used drops it. Not with exec credential plugins,
    /// which run (and may prompt) when a request first needs them.
    public func sendAhead(_ r: KubeRequest) {
        guard r.method == "GET", r.body == nil, config.exec == nil else { return }
        transportSendAhead(HTTPTransport.Exchange(method: r.method, url: url(r.path, query: r.query),
                                                  headers: headers(accept: "application/json", contentType: nil),
                                                  body: nil))
    }

    func requestResult(_ r: KubeRequest) -> Result<Value, KubeError> {
        do {
            return .success(try requestJSON(r.method, r.path, query: r.query, body: r.body, contentType: r.contentType))
        } catch {
            return .failure(error)
        }
    }

    func decode(_ bytes: [UInt8], method: String, path: String) -> Result<Value, KubeError> {
        if bytes.isEmpty { return .success(.null) }
        do { return .success(try JSON.decodeKeepingIntegers(bytes)) } catch {
            return .failure(KubeError(message: "\(method) \(path): invalid JSON from the server: \(error)"))
        }
    }

    /// `server + path?query`, percent-encoded.
    func url(_ path: String, query: [(String, String)]) -> String {
        var url = config.server + path
        if !query.isEmpty {
            url += "?" + query.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
        }
        return url
    }

    func headers(accept: String, contentType: String?) -> [String] {
        var h = ["Accept: \(accept)"]
        if let contentType { h.append("Content-Type: \(contentType)") }
        return h
    }
}
