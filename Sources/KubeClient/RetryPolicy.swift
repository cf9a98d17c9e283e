/// Which failed requests are worth another attempt, and how long to wait first (client-go's rules,
/// with exponential backoff where the server gives no `Retry-After`).
public enum RetryPolicy {
    /// Transport failures: a refused connection never carried the request, so any verb may be retried;
    /// other failures (reset, timeout) only for reads, since a write may have reached the server.
    public static func retriesTransportFailure(method: String, notSent: Bool) -> Bool {
        notSent || method == "GET" || method == "HEAD"
    }

    /// 429, 503 and 504 mean "not processed, try later" for every verb; 500 and 502 are retried for all
    /// verbs but POST (a create may have happened; the retry would then fail with AlreadyExists).
    public static func retriesStatus(_ code: Int, method: String) -> Bool {
        switch code {
        case 429, 503, 504: return true
        case 500, 502: return method != "POST"
        default: return false
        }
    }

    /// `Retry-After` seconds when the server sent them (capped at 10 s), else 100 ms, 200 ms, 400 ms, …
    /// (capped at 3.2 s).
    public static func delayMicroseconds(attempt: Int, retryAfter: Int?) -> Int {
        if let s = retryAfter, s >= 0 { return min(s, 10) * 1_000_000 }
        return 100_000 << min(max(attempt - 1, 0), 5)
    }
}
