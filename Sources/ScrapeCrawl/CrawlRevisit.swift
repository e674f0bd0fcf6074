import ScrapeCore
import ScrapeHTML
import ScrapePages

/// `scrape crawl --since OLD.jsonl`: the crawl compares every page with the earlier
/// crawl's record of its URL as `scrape run --since` does (``RevisitStage``: conditional
/// requests, a 304 carrying the earlier record, `not_modified` and `changed`), and keeps
/// going through pages that did not change.
///
/// A 304 has no body to take links from, and records do not hold a page's links. What
/// they hold is `referrer`: the page through which each URL was first reached. So a page
/// that answers 304 leads on to the URLs whose record in the earlier crawl names it as
/// their referrer, as if it had linked to them (they pass the scope, `--allow`/`--deny`
/// and depth rules as any link does). Those referrals form a tree that spans every page
/// the earlier crawl recorded, so an unchanged site is crawled whole again. What is lost:
/// a link from an unchanged page to a page first reached through another page; that page
/// is reached only while some page that is fetched whole, or its own referrer, still
/// leads to it (docs/crawl.md, "--since").
struct CrawlRevisit: Sendable {
    let stage: RevisitStage
    let filter: LinkFilter

    /// The earlier output of `options.since` indexed with its referrers, or nil without
    /// `--since`.
    ///
    /// - Throws: ``CrawlRun/Failure/refused(_:)`` when it cannot be read, is not our
    ///   records, or is the output.
    static func load(_ options: CrawlRun.Options) throws(CrawlRun.Failure) -> CrawlRevisit? {
        let since: PreviousRecords?
        do throws(ScrapeRun.Failure) {
            since = try ScrapeRun.loadSince(options.since, output: options.output, indexingReferrers: true, ownOutput: options.sinceOwnOutput)
        } catch {
            throw .refused(error.description)
        }
        guard let since else { return nil }
        return CrawlRevisit(stage: RevisitStage(previous: since, extraction: options.extraction), filter: LinkFilter(settings: options.settings))
    }

    /// The summary's `--since` counts, to be filled as records are written.
    var summary: RunSummary.Since { RunSummary.Since(path: stage.previous.path) }

    /// The links of a page whose record carries the earlier one (a 304): the URLs the
    /// earlier crawl reached through it; nil for any other record.
    func links(of page: CrawlPage, record: ScrapeRecord) -> FoundLinks? {
        guard record.status == 304, record.revisit?.notModified == true, record.revisit?.changed == false else { return nil }
        var links = PageLinks()
        for url in stage.previous.referredURLs(by: page.queued.url) {
            if let parsed = WebURL(url) { links.resolved.append(parsed) } else { links.rejected.append(url) }
        }
        return filter.sort(links, finalURL: record.finalURL ?? page.queued.url, scope: page.scope)
    }

    /// `result` with its record marked, for records the pipeline did not make (a URL that
    /// cannot be requested, `circuit_open`).
    func marked(_ result: CrawlResult) -> CrawlResult {
        guard result.record.revisit == nil else { return result }
        return CrawlResult(queued: result.queued, record: stage.marked(result.record), links: result.links)
    }
}
