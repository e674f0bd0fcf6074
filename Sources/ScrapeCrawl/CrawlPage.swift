import ScrapeCore
import ScrapeHTTP

/// One queued URL on its way through the scheduler: its row in the state, the request,
/// and the scope of the seed that reached it.
struct CrawlPage: Sendable {
    let queued: QueuedURL
    let request: FetchRequest.Prepared
    let scope: SeedScope
}

/// What became of one URL: its record, and the links its page gave (nil: none taken, as
/// for a page that is not HTML, a failure, or a final URL out of scope).
struct CrawlResult: Sendable {
    let queued: QueuedURL
    let record: ScrapeRecord
    let links: FoundLinks?

    /// The record as written: `scrape run`'s, plus `depth` and `referrer` (the page
    /// through which the URL got its depth; null for a seed) after `fetched_at`.
    var crawlRecord: ScrapeRecord {
        var record = record
        record.extras.append(.init(key: "depth", value: .number(String(queued.depth))))
        record.extras.append(.init(key: "referrer", value: queued.referrer.map(JSONDocument.string) ?? .null))
        return record
    }
}
