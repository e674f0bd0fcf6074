public import ScrapeCore
public import ScrapeHTML
import ScrapeHTTP
public import ScrapePages

/// Stage 4 of the page pipeline for a crawl: one parse of each HTML body gives the title,
/// the fields and metadata asked for, and the links the `--follow` rule picks, sorted by
/// ``LinkFilter``. Every response passes, whatever its status (a 404 page's links are
/// followed), except a page that still shows a `login:` session ended; other content types
/// give no links. Fleet workers (`scrape frontier`) use it
/// for crawl jobs, so a page gives the same links on one machine and in the fleet.
public struct CrawlBodyStage: Sendable {
    let extractor: PageExtractor
    let filter: LinkFilter
    let recordsFields: Bool
    let recordsMetadata: Bool

    public init(extractor: PageExtractor, extraction: ScrapeConfiguration.Extraction, filter: LinkFilter) {
        self.extractor = extractor
        self.filter = filter
        recordsFields = !extraction.fields.isEmpty
        recordsMetadata = extraction.metadata
    }

    /// Fills `record`'s title (and fields, metadata) from `body`'s tree (built here, or
    /// already by the login's `logged_out.css` test: one parse either way), and returns
    /// its links.
    func extract(from body: inout PageBody, into record: inout ScrapeRecord, scope: SeedScope) -> FoundLinks? {
        let response = body.response
        let (page, links) = extractor.extract(document: body.document(), url: response.finalURL, links: filter.settings.follow)
        record.title = page.title
        if recordsFields { record.fields = page.fieldsDocument }
        if recordsMetadata { record.metadata = page.metadataDocument }
        // A page that still shows the session ended is the site's login page, not the
        // page at this URL: its links (sign-up, password reset) are not the site's.
        guard let links, record.error?.kind != .loggedOut else { return nil }
        return filter.sort(links, finalURL: response.finalURL, scope: scope)
    }

    /// ``extract(from:into:scope:)`` with the links as ``SortedLinks``: what a fleet worker
    /// sends to the frontier. nil: no links taken (not HTML, or a final URL out of scope).
    public func links(from body: inout PageBody, into record: inout ScrapeRecord, scope: SeedScope) -> SortedLinks? {
        extract(from: &body, into: &record, scope: scope).map(SortedLinks.init)
    }

    /// The extractor for `extraction` as `scrape crawl` makes it: the compiled fields and
    /// metadata, or a titles-only extractor (links need a parse even without fields).
    ///
    /// - Throws: ``ConfigurationError`` for a field that does not compile.
    public static func extractor(for extraction: ScrapeConfiguration.Extraction) throws(ConfigurationError) -> PageExtractor {
        if let compiled = try extraction.pageExtractor() { return compiled }
        return PageExtractor(fields: try extraction.fieldSet(), metadata: false)
    }
}
