public import ScrapeCore
/// What one HTTP attempt came to, for observers that count requests (the daemon's
/// metrics): scrape runs report every attempt at a URL, API runs every page request.
public struct RequestReport: Sendable, Equatable {
    /// The final status after redirects; nil without a response.
    public var status: Int?
    /// The contract's error kind (`http` for a status >= 400); nil on success.
    public var errorKind: ErrorKind?
    /// Body bytes received (decoded).
    public var bytes: Int
    /// From the request to the response or failure; nil when nothing was sent.
    public var elapsed: Duration?

    public init(status: Int?, errorKind: ErrorKind?, bytes: Int, elapsed: Duration?) {
        self.status = status
        self.errorKind = errorKind
        self.bytes = bytes
        self.elapsed = elapsed
    }

    /// The attempt behind a scrape record.
    public init(_ record: ScrapeRecord) {
        self.init(
            status: record.status, errorKind: record.error?.kind, bytes: record.bytes ?? 0,
            elapsed: record.elapsedMilliseconds.map { .milliseconds($0) }
        )
    }
}
