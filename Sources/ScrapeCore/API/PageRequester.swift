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
    func fetch(_ url: String) async throws(APIError) -> (FetchResponse, Int) {
        let policy = options.http.politeness.retry
        var generator = SystemRandomNumberGenerator()
        var attempt = 0
        var refreshedToken = false
        while true {
            attempt += 1
            try await pacing.wait()
            var request = FetchRequest(url: url, headers: HTTPHeaders(options.api.headers))
            do {
                try await authenticator.authorize(&request)
            } catch {
                throw APIError(job: options.job.name, url: error.url, message: error.message)
            }
            let outcome: AttemptOutcome
            let failure: String
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
            } catch let error as HTTPClientError {
                onAttempt?(RequestReport(status: nil, errorKind: error.kind.rawValue, bytes: 0, elapsed: ContinuousClock.now - started))
                outcome = AttemptOutcome(error: error)
                failure = "\(error.kind): \(error.message)"
            } catch let error as APIError {
                throw error
            } catch {
                throw APIError(job: options.job.name, url: url, message: "cancelled")
            }
            switch policy.decision(for: outcome, attempt: attempt, idempotent: request.method.isIdempotent, using: &generator) {
            case .retry(let delay):
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw APIError(job: options.job.name, url: url, message: "cancelled")
                }
            case .giveUp(let reason):
                let detail = reason == .attemptsExhausted ? " after \(attempt) attempts" : ""
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
