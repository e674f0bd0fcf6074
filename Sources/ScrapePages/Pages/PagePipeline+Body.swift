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
        let started = ContinuousClock.now
        let exchange: Result<FetchResponse, HTTPClientError>
        var routed: ProxyRotator.Exchange?
        if let proxies {
            routed = await proxies.execute(page.request, client: client)
            guard let routed else { return nil }  // cancelled: the run is stopping
            exchange = routed.result
        } else {
            do {
                exchange = .success(try await client.execute(page.request))
            } catch let error as HTTPClientError {
                exchange = .failure(error)
            } catch {
                return nil  // CancellationError: the run is stopping
            }
        }
        let elapsed = ContinuousClock.now - started
        switch exchange {
        case .success(let response):
            var (record, outcome) = classifier.classify(response, of: page, elapsed: elapsed)
            routed?.label(&record, attempt: page.number)
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
            routed?.label(&record, attempt: page.number)
            revisit?.mark(&record, previous: page.previous, carried: false)
            var attempt = Scheduler<ContinuousClock>.Attempt(output: record, outcome: outcome, crawlDelay: page.crawlDelay)
            attempt.waitUntil = routed?.waitUntil
            return .init(attempt: attempt, extra: nil)
        }
    }
}
