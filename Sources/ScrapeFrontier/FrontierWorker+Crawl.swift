import ScrapeCore
import ScrapeCrawl
import ScrapeHTTP
import ScrapePages

extension FrontierWorker {
    /// Attempt `claim.attempt` at a crawl URL: the page pipeline with `scrape crawl`'s body
    /// stage (title, fields, metadata and links from one parse), its links sorted against
    /// the scope of the seed that reached it. nil when the worker is cancelled mid-fetch.
    static func crawlAttempt(
        _ prepared: FetchRequest.Prepared, claim: FrontierStore.Claim, position: FrontierStore.CrawlPosition, crawl: JobFetcher.Crawl,
        pipeline: PagePipeline
    ) async -> (attempt: Scheduler<ContinuousClock>.Attempt<ScrapeRecord>, links: SortedLinks?)? {
        let seed: CrawlURL
        if case .url(let parsed) = CrawlURL.parse(position.seedURL) {
            seed = parsed
        } else if case .url(let parsed) = CrawlURL.parse(claim.url) {
            seed = parsed  // a seed row written by hand; its own URL is the best guess
        } else {
            return await pipeline.attempt(prepared, number: claim.attempt).map { (attempt: $0, links: nil as SortedLinks?) }
        }
        let scope = SeedScope(scope: crawl.scope, seed: seed)
        // The page's tree, when the login's logged_out.css test built one, is the one read here.
        let result = await pipeline.attempt(prepared, number: claim.attempt, reading: { body, record in
            crawl.stage.links(from: &body, into: &record, scope: scope)
        })
        return result.map { (attempt: $0.attempt, links: $0.extra) }
    }

    /// `record` as `scrape crawl` writes it: `depth` and `referrer` after `fetched_at`.
    static func crawlRecord(_ record: ScrapeRecord, at position: FrontierStore.CrawlPosition?) -> ScrapeRecord {
        guard let position else { return record }
        var record = record
        record.extras.append(.init(key: "depth", value: .number(String(position.depth))))
        record.extras.append(.init(key: "referrer", value: position.referrer.map(JSONDocument.string) ?? .null))
        return record
    }

    /// A page's links as the frontier takes them: each with its politeness key when it may
    /// be fetched (the origin its request would have, as `add` keys a URL; empty when the
    /// request could not be made: the claim then records it as `scrape crawl` would).
    static func frontierLinks(_ links: SortedLinks, maxURLLength: Int) -> [FrontierStore.CrawlLink] {
        func host(_ url: CrawlURL) -> String {
            guard let prepared = try? FetchRequest.Prepared(FetchRequest(url: url.href), maxURLLength: maxURLLength) else { return "" }
            let origin = prepared.origin
            return origin.utf8.count > FrontierStore.NewURL.maxHostBytes ? "" : origin
        }
        var list = links.followable.map { FrontierStore.CrawlLink(url: $0.href, host: host($0), kind: .followable) }
        for skipped in links.skipped {
            switch skipped.why {
            case .offsite: list.append(.init(url: skipped.key, host: skipped.url.map(host) ?? "", kind: .offsite))
            case .denied: list.append(.init(url: skipped.key, host: "", kind: .denied))
            case .notHTTP: list.append(.init(url: skipped.key, host: "", kind: .notHTTP))
            }
        }
        return list
    }
}
