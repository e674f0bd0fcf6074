import ScrapeCore
import ScrapeHTML
import ScrapeHTTP

/// Stage 4 of the ``PagePipeline`` when a run asks for fields or metadata (issue 26): one
/// parse of the body into the HTML standard's tree gives the title, every field and the
/// metadata, from every response whatever its status (a 404 page has fields).
///
/// The title comes from the same tree and equals ``TitleStage``'s (the extractor sniffs
/// the encoding and decides "is this HTML" as the title rule does); a run without fields
/// keeps ``TitleStage``, which scans for the title without building a tree. The tree is the
/// page's ``PageBody``'s: built here, or already by the login's `logged_out.css` test.
struct FieldsStage: BodyStage {
    let extractor: PageExtractor
    /// Whether the record gets `fields` (the run named at least one).
    let recordsFields: Bool
    /// Whether the record gets `metadata` (`--metadata`).
    let recordsMetadata: Bool

    init(extractor: PageExtractor, extraction: ScrapeConfiguration.Extraction) {
        self.extractor = extractor
        recordsFields = !extraction.fields.isEmpty
        recordsMetadata = extraction.metadata
    }

    func extract(from body: inout PageBody, into record: inout ScrapeRecord) {
        let page = extractor.extract(document: body.document(), url: body.response.finalURL)
        record.title = page.title
        if recordsFields { record.fields = page.fieldsDocument }
        if recordsMetadata { record.metadata = page.metadataDocument }
    }

    func extract(from response: FetchResponse, into record: inout ScrapeRecord) {
        var body = PageBody(response)
        extract(from: &body, into: &record)
    }
}
