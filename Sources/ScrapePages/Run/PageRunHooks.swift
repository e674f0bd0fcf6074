public import ScrapeHTTP

/// What a caller may plug into a run of pages (`scrape run`'s ``ScrapeRun``, `scrape
/// crawl`'s `CrawlRun`): the daemon gives every run its shared client, host table and robots.txt documents, its
/// drain, and its metrics, logs and registry through these, the same way for both.
public protocol PageRunHooks {
    /// The client to fetch with; nil makes one for the run.
    var client: HTTPClient? { get set }
    /// The daemon's host table, shared with its other runs; nil: the run's hosts are its own.
    var hosts: HostTable<ContinuousClock.Instant>? { get set }
    /// The daemon's robots.txt documents, shared with its other runs; nil: the run fetches its own.
    var robotsDocuments: SharedRobotsDocuments? { get set }
    /// Asked before anything starts; once false, nothing more is taken (the daemon's drain).
    var intakeOpen: (@Sendable () -> Bool)? { get set }
    /// Called with what each attempt came to, retried ones included.
    var onAttempt: (@Sendable (RequestReport) -> Void)? { get set }
    /// Called with each policy event.
    var onEvent: (@Sendable (Scheduler<ContinuousClock>.Event) -> Void)? { get set }
    /// Called with a line for each notice (a breaker opening, a sitemap problem).
    var onNotice: (@Sendable (String) -> Void)? { get set }
    /// Called after each record with the running totals and the requests in flight.
    var onProgress: (@Sendable (RunSummary, Int) -> Void)? { get set }
}

extension ScrapeRun: PageRunHooks {}
