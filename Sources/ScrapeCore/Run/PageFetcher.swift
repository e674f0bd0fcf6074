import ScrapeBase
public import ScrapeHTTP
public import ScrapeHTML
import ScrapeResilience

/// Turns one attempt at a URL into its record: robots.txt check, fetch, then the title,
/// in the calling task (a child of the scheduler, on `RunExecutor`'s threads in
/// `scrape run`, never on curl's I/O thread). The scheduler decides from the returned outcome whether the
/// record is final or the URL is tried again.
public struct PageFetcher: Sendable {
    let client: HTTPClient
    let titles: TitleExtractor
    /// nil when robots.txt is ignored.
    let robots: RobotsCache?

    public init(client: HTTPClient, titles: TitleExtractor = TitleExtractor(), robots: RobotsCache? = nil) {
        self.client = client
        self.titles = titles
        self.robots = robots
    }

    /// Attempt number `attempt` (1-based) at `request`; nil when the task was cancelled
    /// (no record for an unfinished URL, so `--resume` fetches it again).
    public func attempt(_ request: FetchRequest.Prepared, number attempt: Int) async -> Scheduler<ContinuousClock>.Attempt<ScrapeRecord>? {
        var crawlDelay: Duration?
        if let robots {
            let rules = await robots.rules(for: request)
            if Task.isCancelled { return nil }
            crawlDelay = rules.crawlDelay
            guard rules.allows(RobotsCache.pathAndQuery(of: request.request.url)) else {
                let record = if let unavailable = rules.unavailable {
                    // The host is down (or refusing), not forbidding: say so, with that fetch's kind.
                    ScrapeRecord(
                        url: request.request.url, status: unavailable.status,
                        error: .init(kind: unavailable.kind, message: unavailable.message), attempts: 0, fetchedAt: .now)
                } else {
                    ScrapeRecord(
                        url: request.request.url,
                        error: .init(kind: "robots_disallowed", message: "robots.txt of \(request.origin) disallows this path"),
                        attempts: attempt - 1, fetchedAt: .now)
                }
                return .init(output: record, outcome: .neutral, crawlDelay: crawlDelay)
            }
        }
        let started = ContinuousClock.now
        do {
            let response = try await client.execute(request)
            let status = response.status
            let record = ScrapeRecord(
                url: request.request.url,
                finalURL: response.finalURL,
                status: status,
                title: titles.title(in: response.body, contentType: response.contentType),
                error: status >= 400 ? .init(kind: "http", message: "HTTP status \(status)") : nil,
                contentType: response.contentType,
                bytes: response.body.count,
                elapsedMilliseconds: Self.milliseconds(since: started),
                attempts: attempt,
                fetchedAt: .now
            )
            return .init(output: record, outcome: AttemptOutcome(response: response), crawlDelay: crawlDelay)
        } catch let error as HTTPClientError {
            let record = ScrapeRecord(
                url: request.request.url,
                error: .init(kind: error.kind.rawValue, message: error.message),
                elapsedMilliseconds: Self.milliseconds(since: started),
                attempts: attempt,
                fetchedAt: .now
            )
            return .init(output: record, outcome: AttemptOutcome(error: error), crawlDelay: crawlDelay)
        } catch {
            return nil  // CancellationError: the run is stopping
        }
    }

    /// The record for an input line that cannot be requested at all.
    public static func record(rejecting url: String, because error: HTTPClientError) -> ScrapeRecord {
        ScrapeRecord(url: url, error: .init(kind: error.kind.rawValue, message: error.message), attempts: 0, fetchedAt: .now)
    }

    /// The record for a URL never requested because its origin's breaker stayed open past `give_up_after`.
    public static func record(circuitOpen request: FetchRequest.Prepared, attempts: Int) -> ScrapeRecord {
        ScrapeRecord(
            url: request.request.url,
            error: .init(kind: "circuit_open", message: "the circuit breaker of \(request.origin) stayed open past circuit_breaker.give_up_after (the server kept failing)"),
            attempts: attempts,
            fetchedAt: .now
        )
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        Int((ContinuousClock.now - start).inMilliseconds)
    }
}
