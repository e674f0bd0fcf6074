import ScrapeBase
import ScrapePages
import ScrapeCore
import ScrapeHTTP
import ScrapeResilience

/// One request for one page of an api job: what the scheduler queues.
struct APIPageRequest: Sendable {
    /// Which of the run's jobs the page belongs to.
    let job: Int
    /// Which walk of the job the page belongs to (one per parent record with `resolve:`).
    let walk: Int
    /// The page's place in the walk (0 for the first), which orders the records.
    let index: Int
    /// The page's URL (query included).
    let url: String
    /// The JSON body, or nil for none.
    let body: [UInt8]?
}

/// What one attempt at a page came to: the scheduler emits the last one.
struct APIPageResult: Sendable {
    enum Result: Sendable {
        /// A 2xx response: what its records and the next page are read from.
        case page(body: [UInt8], headers: HTTPHeaders)
        /// A response one of the job's `response_actions` ignores.
        case ignored(status: Int)
        /// Why the page failed; `retryable` when the retry policy may have tried again.
        case failure(String, retryable: Bool)
    }

    let job: Int
    let walk: Int
    let index: Int
    let url: String
    let result: Result
    /// Which attempt this was (1-based).
    let attempt: Int
}

/// One attempt at one page, on the scheduler: the job's method, headers, body and auth,
/// one token refresh after a 401 (OAuth2), one new login when a response shows the
/// `login:` session ended, and what the response means to the policies.
///
/// Retries, backoff, `Retry-After`, rates and the per-origin breaker are the scheduler's,
/// as for scraping. What is the job's own: a POST or PATCH that may have reached the
/// server is not sent again unless the job says `retry_non_idempotent: true`, so its
/// retryable failures reach the policy as final unless the request surely did not reach
/// the server (connect or DNS error, 429 or 503 with `Retry-After`).
struct APIPageAttempter: Sendable {
    let options: APIJobRun.Options
    let client: HTTPClient
    let authenticator: APIAuthenticator
    /// The run's headers and cookie jar: the job's own headers and auth win for a name.
    let session: RequestDefaults
    /// The job's `login:` session: logged in before its first page, again once when a
    /// response shows the session ended (the page is then sent again in the same attempt).
    let login: LoginSession?
    let onAttempt: (@Sendable (RequestReport) -> Void)?
    /// The client's proxy pool, when it has one: a dead proxy is skipped, a banned one
    /// swapped, as for pages (`ProxyRotator`); waits for a usable proxy in place.
    var proxies: ProxyRotator?

    /// Attempt number `number` at `page`; nil when cancelled.
    func attempt(_ page: APIPageRequest, number: Int) async -> Scheduler<ContinuousClock>.Attempt<APIPageResult>? {
        var refreshedToken = false
        var renewals = 0
        while true {
            guard !Task.isCancelled else { return nil }
            let generation: Int
            do throws(LoginError) {
                generation = try await login?.ready() ?? 0
            } catch {
                return finished(page, .failure("\(error)", retryable: false), .failure(retryable: false, retryAfter: nil), number)
            }
            var request = FetchRequest(url: page.url, method: options.api.method, headers: HTTPHeaders(options.api.headers), body: page.body)
            if page.body != nil, request.headers.first(name: "Content-Type") == nil { request.headers.add(name: "Content-Type", value: "application/json") }
            do {
                try await authenticator.authorize(&request)
            } catch {
                return finished(page, .failure(error.message, retryable: false), .failure(retryable: false, retryAfter: nil), number)
            }
            request = session.applied(to: request)
            let started = ContinuousClock.now
            let outcome: AttemptOutcome
            let failure: String
            // Whether the attempt surely did not reach the server's handler, so even a POST
            // may be sent again.
            let surelyNotProcessed: Bool
            do {
                let response = try await execute(request)
                onAttempt?(
                    RequestReport(
                        status: response.status, errorKind: response.status >= 400 ? .http : nil, bytes: response.body.count,
                        elapsed: ContinuousClock.now - started))
                if let login {
                    if login.loggedOut.match(response) == nil {
                        login.served(under: generation)
                    } else if renewals < LoginSession.renewalsPerAttempt {
                        do throws(LoginError) {
                            _ = try await login.renew(after: generation)
                        } catch {
                            return finished(page, .failure("\(error)", retryable: false), .failure(retryable: false, retryAfter: nil), number)
                        }
                        renewals += 1
                        continue
                    }
                }
                if options.api.responseActions.contains(where: { $0.matches(status: response.status, body: response.body) }) {
                    return finished(page, .ignored(status: response.status), .neutral, number)
                }
                if (200..<300).contains(response.status) {
                    var attempt = finished(page, .page(body: response.body, headers: response.headers), .success, number)
                    attempt.latency = response.timings.firstByte  // for per_host_concurrency: auto
                    return attempt
                }
                if response.status == 401 {
                    if !refreshedToken, await authenticator.unauthorized() {
                        refreshedToken = true
                        continue
                    }
                    return finished(
                        page, .failure("HTTP 401 Unauthorized: the credentials were refused (not retried)", retryable: false),
                        .failure(retryable: false, retryAfter: nil), number)
                }
                outcome = AttemptOutcome(response: response)
                failure = "HTTP status \(response.status)"
                surelyNotProcessed = [429, 503].contains(response.status) && response.headers.first(name: "Retry-After") != nil
            } catch let error as HTTPClientError {
                if error.kind == .cancelled, Task.isCancelled { return nil }
                onAttempt?(RequestReport(status: nil, errorKind: ErrorKind(error.kind), bytes: 0, elapsed: ContinuousClock.now - started))
                outcome = AttemptOutcome(error: error)
                failure = "\(error.kind): \(error.message)"
                surelyNotProcessed = error.kind == .connect || error.kind == .dns
            } catch {
                return nil  // cancelled
            }
            let repeatable = request.method.isIdempotent || options.api.retryNonIdempotent || surelyNotProcessed
            guard repeatable, outcome.isRetryable else {
                let reason = outcome.isRetryable
                    ? " (not retried: a \(request.method.rawValue) that may have reached the server is not sent twice; retry_non_idempotent: true retries it)"
                    : ""
                // Still a failure of the server for the breaker, but final for the policy.
                let final: AttemptOutcome = outcome.isRetryable ? .failure(retryable: false, retryAfter: nil) : outcome
                return finished(page, .failure(failure + reason, retryable: false), final, number)
            }
            return finished(page, .failure(failure, retryable: true), outcome, number)
        }
    }

    private func finished(_ page: APIPageRequest, _ result: APIPageResult.Result, _ outcome: AttemptOutcome, _ number: Int)
        -> Scheduler<ContinuousClock>.Attempt<APIPageResult>
    {
        Scheduler.Attempt(output: APIPageResult(job: page.job, walk: page.walk, index: page.index, url: page.url, result: result, attempt: number), outcome: outcome)
    }
}

extension AttemptOutcome {
    /// Whether the retry policy may try again after this outcome.
    var isRetryable: Bool {
        switch self {
        case .success, .neutral, .failure(retryable: false, _): false
        case .failure(retryable: true, _), .throttled: true
        }
    }
}

extension APIPageAttempter {
    /// Sends `request` directly or through the pool.
    fileprivate func execute(_ request: FetchRequest) async throws -> FetchResponse {
        guard let proxies else { return try await client.execute(request) }
        let prepared = try FetchRequest.Prepared(request, maxURLLength: client.configuration.limits.maxURLLength)
        guard let exchange = await proxies.execute(prepared, client: client, waitInPlace: true) else { throw CancellationError() }
        return try exchange.result.get()
    }
}
