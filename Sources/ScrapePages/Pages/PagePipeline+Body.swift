public import ScrapeCore
public import ScrapeHTTP
import ScrapeResilience

extension PagePipeline {
    /// What an attempt with a caller's stage 4 gives: the scheduler's attempt, and what
    /// the stage returned (nil when no response reached it: robots.txt, a transport error).
    public struct BodyAttempt<Extra: Sendable>: Sendable {
        public var attempt: Scheduler<ContinuousClock>.Attempt<ScrapeRecord>
        public var extra: Extra?
    }

    /// Attempt number `number` at `request`: stages 1 to 3, then `body` as stage 4 and the
    /// content hash (or, for a 304 to a `--since` conditional request, the earlier
    /// record's content, and `body` is not called).
    /// ``attempt(_:number:)`` is this with the pipeline's title or fields stage; `scrape
    /// crawl` passes its own, which takes the title, fields, metadata and links from one parse.
    ///
    /// - Parameter body: called with every response, whatever its status; it fills the
    ///   record's title (and fields) and returns what else it took from the body.
    /// - Returns: nil when the task was cancelled.
    public func attempt<Extra: Sendable>(
        _ request: FetchRequest.Prepared, number: Int, body: (FetchResponse, inout ScrapeRecord) -> Extra?
    ) async -> BodyAttempt<Extra>? {
        var page = PageAttempt(request: request, number: number)
        revisit?.lookUp(&page)
        if let robots {
            let answer = await robots.prepare(&page)
            if Task.isCancelled { return nil }
            if var answer {
                revisit?.mark(&answer, previous: page.previous, carried: false)
                return .init(attempt: .init(output: answer, outcome: .neutral, crawlDelay: page.crawlDelay), extra: nil)
            }
        }
        revisit?.prepare(&page)
        page.request = page.request.applying(session)
        let started = ContinuousClock.now
        guard var exchange = await send(page.request) else { return nil }
        var stillLoggedOut: String?
        var renewals = 0
        while let login, case .success(let response) = exchange.result {
            guard let why = login.loggedOut.match(response) else {
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
        }
        let elapsed = ContinuousClock.now - started
        switch exchange.result {
        case .success(let response):
            var (record, outcome) = classifier.classify(response, of: page, elapsed: elapsed)
            if let stillLoggedOut {
                record.error = .init(kind: .loggedOut, message: stillLoggedOut)
                outcome = .neutral
            }
            exchange.routed?.label(&record, attempt: page.number)
            var extra: Extra?
            if let revisit, let earlier = page.previous, page.isConditional, response.status == 304 {
                // Not modified: no body to read; the earlier record's content stands.
                revisit.carry(earlier, into: &record, from: response)
                revisit.mark(&record, previous: earlier, carried: true)
            } else {
                extra = body(response, &record)
                record.contentSHA256 = ContentDigest.sha256Hex(response.body)
                revisit?.mark(&record, previous: page.previous, carried: false)
            }
            let attempt = Scheduler<ContinuousClock>.Attempt(output: record, outcome: outcome, crawlDelay: page.crawlDelay, latency: response.timings.firstByte)
            return .init(attempt: attempt, extra: extra)
        case .failure(let error):
            var (record, outcome) = classifier.classify(error, of: page, elapsed: elapsed)
            exchange.routed?.label(&record, attempt: page.number)
            revisit?.mark(&record, previous: page.previous, carried: false)
            var attempt = Scheduler<ContinuousClock>.Attempt(output: record, outcome: outcome, crawlDelay: page.crawlDelay)
            attempt.waitUntil = exchange.routed?.waitUntil
            return .init(attempt: attempt, extra: nil)
        }
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
