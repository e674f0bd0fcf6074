public import ScrapeCore
import ScrapeHTTP

/// One input URL on its way through the scheduler: the request to send, and its line.
struct QueuedPage: Sendable {
    let request: FetchRequest.Prepared
    let line: URLSource.Line
}

extension ScrapeRecord {
    /// The record with `url` as `line` gives it: for a line that is not UTF-8, the request
    /// went out percent-encoded while the record keeps the line's bytes exactly.
    func keepingURL(of line: URLSource.Line) -> ScrapeRecord {
        keepingURL(bytes: line.invalidBytes)
    }

    /// The record with `url` as the input line gives it: `bytes`, the line's when they
    /// are not UTF-8 (``URLSource/Line/invalidBytes``; nil leaves the record as it is). A
    /// fleet worker has them from the frontier, which keeps them for such lines.
    public func keepingURL(bytes: [UInt8]?) -> ScrapeRecord {
        guard let bytes else { return self }
        var record = self
        record.url = String(decoding: bytes, as: UTF8.self)
        record.urlBytes = bytes
        return record
    }
}
