/// What one recorded page changed, for a crawl's live counters (``CrawlRun/onPage``): the
/// daemon's `scrape_crawl_*` metrics.
public struct CrawlStep: Sendable, Equatable {
    /// Distinct URLs the page's links brought to each outcome: a URL found for the first
    /// time counts under the outcome it got (as the summary's `links:` line counts it); one
    /// skipped for depth or scope earlier that this page brings in counts under `followed`.
    public var links: LinkCounts
    /// URLs queued or in flight after this record: found, not yet recorded.
    public var queued: Int

    public init(links: LinkCounts, queued: Int) {
        self.links = links
        self.queued = queued
    }
}
