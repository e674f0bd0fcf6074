public import ScrapeCore
public import ScrapeHTTP
public import ScrapeResilience

extension PagePipeline {
    /// What an attempt with a caller's stage 4 gives: the scheduler's attempt, and what
    /// the stage returned (nil when no response reached it: robots.txt, a transport error).
    public struct BodyAttempt<Extra: Sendable>: Sendable {
        public var attempt: Scheduler<ContinuousClock>.Attempt<ScrapeRecord>
        public var extra: Extra?
    }

    /// An attempt after stages 1 to 3: its answer is in and classified, stage 4 is still to
    /// come (``finish(_:reading:)``).
    ///
    /// The split is for the scheduler: what it decides with (the outcome for retries and
    /// the breaker, the first-byte time for an adaptive limit, robots.txt's `Crawl-delay`)
    /// is known here, so `scrape crawl` frees the host's slot now and parses the page
    /// after (issue 30: at one request at a time to a host, the next request does not wait
    /// for this page's parse). Sendable: stage 4 may run in another task.
    public struct Classified: Sendable {
        /// The attempt as stages 1 and 2 left it (`--since`'s earlier record, whether the
        /// request was conditional).
        let page: PageAttempt
        /// The record so far: status, error, timings, proxy; stage 4 adds the title, fields
        /// and content hash.
        var record: ScrapeRecord
        /// The response for stage 4 (and its tree, when the login's `logged_out.css` test
        /// built one); nil when stage 4 has nothing to read: robots.txt answered, or the
        /// transport failed.
        var body: PageBody?
        /// What the attempt means to the policies (retry, breaker).
        public let outcome: AttemptOutcome
        /// The host's robots.txt `Crawl-delay`.
        public let crawlDelay: Duration?
        /// The time to the answer's first byte; nil when no answer came.
        public let latency: Duration?
        /// Set when the proxy pool had no usable proxy for the host: not an attempt, the
        /// job waits until then (``Scheduler/Attempt/waitUntil``).
        public let waitUntil: ContinuousClock.Instant?

        /// This as the scheduler's attempt, whose output it is.
        public var schedulerAttempt: Scheduler<ContinuousClock>.Attempt<Classified> {
            var attempt = Scheduler<ContinuousClock>.Attempt(output: self, outcome: outcome, crawlDelay: crawlDelay, latency: latency)
            attempt.waitUntil = waitUntil
            return attempt
        }
    }

    /// Attempt number `number` at `request`: stages 1 to 3, then `body` as stage 4 and the
    /// content hash (or, for a 304 to a `--since` conditional request, the earlier
    /// record's content, and `body` is not called).
    /// ``attempt(_:number:)`` is this with the pipeline's title or fields stage; `scrape
    /// crawl` passes its own, which takes the title, fields, metadata and links from one parse.
    ///
    /// - Parameter body: called with every response, whatever its status; it fills the
    ///   record's title (and fields) from the response (and its tree, built at most once:
    ///   ``PageBody``) and returns what else it took from the body.
    /// - Returns: nil when the task was cancelled.
    public func attempt<Extra: Sendable>(
        _ request: FetchRequest.Prepared, number: Int, reading body: (inout PageBody, inout ScrapeRecord) -> Extra?
    ) async -> BodyAttempt<Extra>? {
        guard let classified = await fetch(request, number: number) else { return nil }
        return finish(classified, reading: body)
    }

    /// Stages 1 to 3 of attempt number `number` at `request`: robots.txt, the session,
    /// the exchange (with `login:`, a new login and the request again when the answer shows
    /// the session ended), the answer's meaning. nil when the task was cancelled.
    public func fetch(_ request: FetchRequest.Prepared, number: Int) async -> Classified? {
        var page = PageAttempt(request: request, number: number)
        revisit?.lookUp(&page)
        if let robots {
            let answer = await robots.prepare(&page)
            if Task.isCancelled { return nil }
            if var answer {
                revisit?.mark(&answer, previous: page.previous, carried: false)
                return Classified(page: page, record: answer, body: nil, outcome: .neutral, crawlDelay: page.crawlDelay, latency: nil, waitUntil: nil)
            }
        }
        revisit?.prepare(&page)
        page.request = page.request.applying(session)
        let started = ContinuousClock.now
        guard var exchange = await send(page.request) else { return nil }
        // The answer's tree, when the logged-out test builds one, is the one stage 4 reads.
        var answered = exchange.result.map(PageBody.init)
        var stillLoggedOut: String?
        var renewals = 0
        while let login, case .success(var body) = answered {
            let verdict = login.loggedOut.match(&body)
            answered = .success(body)  // with the tree the test built, if it built one
            guard let why = verdict else {
                login.served(under: exchange.generation)
                break
            }
            guard renewals < LoginSession.renewalsPerAttempt else {
                stillLoggedOut = "the page still shows the session ended after \(renewals) new logins: \(why)"
                break
            }
            // The session ended: a new login (shared with every page that found the same
            // end), then the same request again, in this attempt. A login that fails stops
            // the run: this page gets no record, so a resume fetches it.
            renewals += 1
            guard (try? await login.renew(after: exchange.generation)) != nil else { return nil }
            guard let again = await send(page.request) else { return nil }
            exchange = again
            answered = again.result.map(PageBody.init)
        }
        let elapsed = ContinuousClock.now - started
        switch answered {
        case .success(let body):
            var (record, outcome) = classifier.classify(body.response, of: page, elapsed: elapsed)
            if let stillLoggedOut {
                record.error = .init(kind: .loggedOut, message: stillLoggedOut)
                outcome = .neutral
            }
            exchange.routed?.label(&record, attempt: page.number)
            return Classified(
                page: page, record: record, body: body, outcome: outcome, crawlDelay: page.crawlDelay, latency: body.response.timings.firstByte,
                waitUntil: nil)
        case .failure(let error):
            var (record, outcome) = classifier.classify(error, of: page, elapsed: elapsed)
            exchange.routed?.label(&record, attempt: page.number)
            revisit?.mark(&record, previous: page.previous, carried: false)
            return Classified(
                page: page, record: record, body: nil, outcome: outcome, crawlDelay: page.crawlDelay, latency: nil,
                waitUntil: exchange.routed?.waitUntil)
        }
    }

    /// Stage 4 of an attempt that stages 1 to 3 classified: `body` (with every response,
    /// whatever its status) and the content hash, or for a 304 to a `--since` conditional
    /// request the earlier record's content (`body` is not called). An attempt that got no
    /// response passes as it is.
    public func finish<Extra: Sendable>(
        _ classified: Classified, reading body: (inout PageBody, inout ScrapeRecord) -> Extra?
    ) -> BodyAttempt<Extra> {
        var record = classified.record
        var extra: Extra?
        if var page = classified.body {
            let response = page.response
            if let revisit, let earlier = classified.page.previous, classified.page.isConditional, response.status == 304 {
                // Not modified: no body to read; the earlier record's content stands.
                revisit.carry(earlier, into: &record, from: response)
                revisit.mark(&record, previous: earlier, carried: true)
            } else {
                extra = body(&page, &record)
                record.contentSHA256 = ContentDigest.sha256Hex(response.body)
                revisit?.mark(&record, previous: classified.page.previous, carried: false)
            }
        }
        var attempt = Scheduler<ContinuousClock>.Attempt(
            output: record, outcome: classified.outcome, crawlDelay: classified.crawlDelay, latency: classified.latency)
        attempt.waitUntil = classified.waitUntil
        return .init(attempt: attempt, extra: extra)
    }

    /// One exchange of stage 2: its result, the login generation it was sent under (0
    /// without a login), and with a proxy pool, which proxy carried it (or until when the
    /// host has none); nil when the task was cancelled.
    private func send(_ request: FetchRequest.Prepared) async -> Exchange? {
        // The session's generation, logging in first when nobody has yet (a fleet worker's
        // job logs in with its first page); a login that failed gives no exchange: the run
        // (or worker) is stopping, and the page gets no record.
        var generation = 0
        if let login {
            guard let current = try? await login.ready() else { return nil }
            generation = current
        }
        if let proxies {
            guard let routed = await proxies.execute(request, client: client) else { return nil }  // the run is stopping
            return Exchange(result: routed.result, generation: generation, routed: routed)
        }
        do {
            return Exchange(result: .success(try await client.execute(request)), generation: generation, routed: nil)
        } catch let error as HTTPClientError {
            return Exchange(result: .failure(error), generation: generation, routed: nil)
        } catch {
            return nil  // CancellationError: the run is stopping
        }
    }

    /// What ``send(_:)`` gives.
    private struct Exchange {
        var result: Result<FetchResponse, HTTPClientError>
        var generation: Int
        var routed: ProxyRotator.Exchange?
    }
}
