import ScrapeCore
public import ScrapeHTTP
public import ScrapeResilience

extension AttemptOutcome {
    /// What a response means to the policies: the one place HTTP statuses map to them.
    ///
    /// 429 throttles; 408, 500, 502, 503 and 504 are transient failures (retried, and
    /// counted by the breaker); other 5xx are failures not worth retrying; everything else
    /// (2xx, 3xx, other 4xx) shows a healthy host.
    public init(status: Int, retryAfter: Duration?) {
        switch status {
        case 429: self = .throttled(retryAfter: retryAfter)
        case 408, 500, 502, 503, 504: self = .failure(retryable: true, retryAfter: retryAfter)
        case 500...: self = .failure(retryable: false, retryAfter: nil)
        default: self = .success
        }
    }

    /// What `response` means to the policies, its `Retry-After` (seconds or HTTP-date) included.
    public init(response: FetchResponse) {
        let retryAfter = response.headers.first(name: "Retry-After").flatMap {
            RetryAfter.delay($0, now: Timestamp.now.millisecondsSinceEpoch / 1000)
        }
        self.init(status: response.status, retryAfter: retryAfter)
    }

    /// What a transport failure means to the policies: connect errors, timeouts and resets
    /// are transient host failures; DNS and TLS failures are host failures not worth
    /// retrying; a fault of one response (``HTTPClientError/isResponseFault``) and the rest
    /// (bad input, limits) say nothing about the host.
    public init(error: HTTPClientError) {
        if error.isResponseFault {
            self = .neutral
            return
        }
        switch error.kind {
        case .connect, .timeout, .transport: self = .failure(retryable: true, retryAfter: nil)
        case .dns, .tls: self = .failure(retryable: false, retryAfter: nil)
        default: self = .neutral
        }
    }
}
