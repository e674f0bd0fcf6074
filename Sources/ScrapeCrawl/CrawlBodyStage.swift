import ScrapeCore
import ScrapeHTML
import ScrapeHTTP
import ScrapePages

/// Stage 4 of the page pipeline for a crawl: one parse of each HTML body gives the title,
/// the fields and metadata asked for, and the links the `--follow` rule picks, sorted by
/// ``LinkFilter``. Every response passes, whatever its status (a 404 page's links are
/// followed); other content types give no links.
struct CrawlBodyStage: Sendable {
    let extractor: PageExtractor
    let filter: LinkFilter
    let recordsFields: Bool
    let recordsMetadata: Bool

    init(extractor: PageExtractor, extraction: ScrapeConfiguration.Extraction, filter: LinkFilter) {
        self.extractor = extractor
        self.filter = filter
        recordsFields = !extraction.fields.isEmpty
        recordsMetadata = extraction.metadata
    }

    /// Fills `record`'s title (and fields, metadata) from `response`, and returns its links.
    func extract(from response: FetchResponse, into record: inout ScrapeRecord, scope: SeedScope) -> FoundLinks? {
        let (page, links) = extractor.extract(
            body: response.body, contentType: response.contentType, url: response.finalURL, links: filter.settings.follow)
        record.title = page.title
        if recordsFields { record.fields = page.fieldsDocument }
        if recordsMetadata { record.metadata = page.metadataDocument }
        guard let links else { return nil }
        return filter.sort(links, finalURL: response.finalURL, scope: scope)
    }
}
