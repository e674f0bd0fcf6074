import ScrapeHTTP

/// One input URL on its way through the scheduler: the request to send, and its line.
struct PageJob: Sendable {
    let request: FetchRequest.Prepared
    let line: URLSource.Line
}

extension ScrapeRecord {
    /// The record with `url` as `line` gives it: for a line that is not UTF-8, the request
    /// went out percent-encoded while the record keeps the line's bytes exactly.
    func keepingURL(of line: URLSource.Line) -> ScrapeRecord {
        guard let invalidBytes = line.invalidBytes else { return self }
        var record = self
        record.url = line.text
        record.urlBytes = invalidBytes
        return record
    }
}
