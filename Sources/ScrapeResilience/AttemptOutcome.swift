/// What one request attempt means to the policies, stripped of HTTP details.
///
/// The scheduler maps its transport's results to this in one place (for HTTP:
/// `AttemptOutcome+HTTP.swift` in ScrapeCore), so the policies never see a status code.
public enum AttemptOutcome: Sendable, Equatable {
    /// The host answered sensibly (2xx, 3xx, most 4xx): the breaker's failure count resets.
    case success
    /// The host answered, but retrying cannot help and the host is not unhealthy
    /// (the body was too large or failed to decode, too many redirects, a malformed
    /// answer): nothing is counted.
    case neutral
    /// The host failed. `retryable` for connect errors, timeouts, resets, 408, 500,
    /// 502, 503, 504; not for DNS or TLS failures or other 5xx. Counts for the breaker.
    case failure(retryable: Bool, retryAfter: Duration?)
    /// The host asked us to slow down (429): retried after `retryAfter` (or backoff),
    /// and it pauses the host's queue; it is not a breaker failure.
    case throttled(retryAfter: Duration?)
}
