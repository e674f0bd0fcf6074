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

    /// Attempt number `number` at `request`: stages 1 to 3, then `body` as stage 4.
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
        if let robots {
            let answer = await robots.prepare(&page)
            if Task.isCancelled { return nil }
            if let answer { return .init(attempt: .init(output: answer, outcome: .neutral, crawlDelay: page.crawlDelay), extra: nil) }
        }
        let started = ContinuousClock.now
        let exchange: Result<FetchResponse, HTTPClientError>
        do {
            exchange = .success(try await client.execute(page.request))
        } catch let error as HTTPClientError {
            exchange = .failure(error)
        } catch {
            return nil  // CancellationError: the run is stopping
        }
        let elapsed = ContinuousClock.now - started
        switch exchange {
        case .success(let response):
            var (record, outcome) = classifier.classify(response, of: page, elapsed: elapsed)
            let extra = body(response, &record)
            let attempt = Scheduler<ContinuousClock>.Attempt(output: record, outcome: outcome, crawlDelay: page.crawlDelay, latency: response.timings.firstByte)
            return .init(attempt: attempt, extra: extra)
        case .failure(let error):
            let (record, outcome) = classifier.classify(error, of: page, elapsed: elapsed)
            return .init(attempt: .init(output: record, outcome: outcome, crawlDelay: page.crawlDelay), extra: nil)
        }
    }
}
