import ScrapeCore
import ScrapeHTML
import ScrapeHTTP

/// Stage 4 of the ``PagePipeline``: the title, as a browser's `document.title` gives it
/// (docs/ARCHITECTURE.md, "Title"), of every response, whatever its status.
struct TitleStage: BodyStage {
    let extractor: TitleExtractor

    func extract(from response: FetchResponse, into record: inout ScrapeRecord) {
        record.title = extractor.title(in: response.body, contentType: response.contentType)
    }
}
