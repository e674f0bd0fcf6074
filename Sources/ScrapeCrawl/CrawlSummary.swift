public import ScrapePages

/// Distinct URLs found as links on the crawl's pages, by what became of each (the
/// summary's `links:` line). Each URL counts once, under its latest outcome, so the
/// outcomes add up to `found`: `followed` (queued by a link, recorded or still to be),
/// `duplicate` (a seed found as a link: already queued), or skipped as `offsite`,
/// `depth`, `denied`, `not_http` (other schemes and values the URL parser rejects) or
/// `max_pages`. A URL skipped for depth or scope that a later page reaches within the
/// rules is followed after all, and counted so.
public struct LinkCounts: Sendable, Equatable {
    public var found = 0
    public var followed = 0
    public var offsite = 0
    public var depth = 0
    public var denied = 0
    public var duplicate = 0
    public var notHTTP = 0
    public var maxPages = 0

    public init() {}

    /// `links: found N, followed N, skipped: offsite N, depth N, denied N, duplicate N, not_http N, max_pages N`.
    public var line: String {
        "links: found \(found), followed \(followed), skipped: offsite \(offsite), depth \(depth), denied \(denied), "
            + "duplicate \(duplicate), not_http \(notHTTP), max_pages \(maxPages)"
    }
}

/// A crawl's end: the run's counts (as `scrape run` gives them) and the links'.
public struct CrawlSummary: Sendable {
    public var run = RunSummary()
    public var links = LinkCounts()
    /// URLs still queued or in flight at the end (an interrupted crawl; `--resume` goes on).
    public var unfinished = 0
    /// With `--resume`: URLs the state had marked recorded whose record the output lacked,
    /// queued again.
    public var requeued = 0
    /// With `--sitemaps`: sitemap files read, and the URLs they added as seeds.
    public var sitemapFiles = 0
    public var sitemapURLs = 0
    /// Where the state is kept (nil: a temporary file, removed at the end).
    public var statePath: String?

    public init() {}
}
