import ScrapeHTTP
import ScrapeResilience

/// Fetches one page with the job's headers and auth, retrying transient failures and
/// 429/5xx (honouring `Retry-After`) by the job's retry policy, pacing requests by the
/// configured rates, and refreshing an OAuth2 token once after a 401.
///
/// Pages are sequential, so waiting here (for a token, a backoff) holds nothing anyone
/// else needs: this is the scheduler's "act" for a stream of one.
struct PageRequester: Sendable {
    let options: APIJobRun.Options
    let client: HTTPClient
    let authenticator: APIAuthenticator
    let onAttempt: (@Sendable (RequestReport) -> Void)?
    private let pacing: Pacing

    init(options: APIJobRun.Options, client: HTTPClient, authenticator: APIAuthenticator, onAttempt: (@Sendable (RequestReport) -> Void)? = nil) {
        self.options = options
        self.client = client
        self.authenticator = authenticator
        self.onAttempt = onAttempt
        let rates = [options.http.rate, options.http.perHostRate].compactMap { $0?.perSecond }
        self.pacing = Pacing(rate: rates.min())
    }

    /// The page's response (status 2xx) and how many retries it took.
    ///
    /// - Parameter body: the JSON body, sent with the job's method as `application/json`
    ///   (unless the job's headers name another `Content-Type`); nil sends none.
    func fetch(_ url: String, body: [UInt8]? = nil) async throws(APIError) -> (FetchResponse, Int) {
        let policy = options.http.politeness.retry
        var generator = SystemRandomNumberGenerator()
        var attempt = 0
        var refreshedToken = false
        while true {
            attempt += 1
            try await pacing.wait()
            var request = FetchRequest(url: url, method: options.api.method, headers: HTTPHeaders(options.api.headers), body: body)
            if body != nil, request.headers.first(name: "Content-Type") == nil { request.headers.add(name: "Content-Type", value: "application/json") }
            do {
                try await authenticator.authorize(&request)
            } catch {
                throw APIError(job: options.job.name, url: error.url, message: error.message)
            }
            let outcome: AttemptOutcome
            let failure: String
            // Whether the attempt surely did not reach the server's handler, so even a POST may
            // be sent again: no connection was made (connect, DNS), or the server turned it
            // away for now and said when to come back (429 or 503 with Retry-After).
            let surelyNotProcessed: Bool
            let started = ContinuousClock.now
            do {
                let response = try await client.execute(request)
                onAttempt?(
                    RequestReport(
                        status: response.status, errorKind: response.status >= 400 ? "http" : nil, bytes: response.body.count,
                        elapsed: ContinuousClock.now - started
                    )
                )
                if (200..<300).contains(response.status) { return (response, attempt - 1) }
                if response.status == 401 {
                    if !refreshedToken, await authenticator.unauthorized() {
                        refreshedToken = true
                        attempt -= 1
                        continue
                    }
                    throw APIError(job: options.job.name, url: url, message: "HTTP 401 Unauthorized: the credentials were refused (not retried)")
                }
                outcome = AttemptOutcome(response: response)
                failure = "HTTP status \(response.status)"
                surelyNotProcessed = [429, 503].contains(response.status) && response.headers.first(name: "Retry-After") != nil
            } catch let error as HTTPClientError {
                onAttempt?(RequestReport(status: nil, errorKind: error.kind.rawValue, bytes: 0, elapsed: ContinuousClock.now - started))
                outcome = AttemptOutcome(error: error)
                failure = "\(error.kind): \(error.message)"
                surelyNotProcessed = error.kind == .connect || error.kind == .dns
            } catch let error as APIError {
                throw error
            } catch {
                throw APIError(job: options.job.name, url: url, message: "cancelled")
            }
            let repeatable = request.method.isIdempotent || options.api.retryNonIdempotent || surelyNotProcessed
            switch policy.decision(for: outcome, attempt: attempt, idempotent: repeatable, using: &generator) {
            case .retry(let delay):
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw APIError(job: options.job.name, url: url, message: "cancelled")
                }
            case .giveUp(let reason):
                let detail =
                    switch reason {
                    case .attemptsExhausted: " after \(attempt) attempts"
                    case .notIdempotent:
                        " (not retried: a \(request.method.rawValue) that may have reached the server is not sent twice; retry_non_idempotent: true retries it)"
                    case .notRetryable, .retryAfterTooLong: ""
                    }
                throw APIError(job: options.job.name, url: url, message: failure + detail)
            }
        }
    }
}

/// Spaces requests of one sequential stream by a rate.
actor Pacing {
    private var bucket: TokenBucket<ContinuousClock.Instant>?

    init(rate: Double?) {
        bucket = rate.map { TokenBucket(rate: $0) }
    }

    func wait() async throws(APIError) {
        guard bucket != nil else { return }
        while let next = bucket?.nextAvailable(at: .now) {
            do {
                try await Task.sleep(until: next, clock: .continuous)
            } catch {
                throw APIError(job: "", message: "cancelled")
            }
        }
        bucket?.take(at: .now)
    }

}
