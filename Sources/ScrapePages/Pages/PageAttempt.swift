public import ScrapeCore
public import ScrapeHTTP

/// One attempt at a page as it passes the ``PagePipeline``: what its stages read and
/// may change before the request goes out.
public struct PageAttempt: Sendable {
    /// The request to send; stages before the request may add to it (headers, a proxy).
    public var request: FetchRequest.Prepared
    /// The attempt's number, 1-based: retries are new attempts.
    public let number: Int
    /// The host's robots.txt `Crawl-delay`, for the scheduler to space its requests.
    public var crawlDelay: Duration?
    /// `--since`: the URL's last record in the earlier output (``RevisitStage``); nil
    /// when it has none or the run has no `--since`.
    public var previous: PreviousRecord?
    /// Whether the request carries conditional headers from ``previous``: only then does
    /// a 304 stand for the earlier record's page.
    public var isConditional = false

    public init(request: FetchRequest.Prepared, number: Int) {
        self.request = request
        self.number = number
    }
}

/// A stage before the request (``PagePipeline``, stage 1).
public protocol RequestStage: Sendable {
    /// Prepares `page` for its request, or answers for the page without one.
    ///
    /// - Returns: the page's record when no request is to be sent (robots.txt forbids
    ///   it), nil to go on.
    func prepare(_ page: inout PageAttempt) async -> ScrapeRecord?
}

/// A stage that takes something from a response into the record (``PagePipeline``,
/// stage 4). It sees every response, whatever its status: a 404 page has a title too.
public protocol BodyStage: Sendable {
    func extract(from response: FetchResponse, into record: inout ScrapeRecord)
}
