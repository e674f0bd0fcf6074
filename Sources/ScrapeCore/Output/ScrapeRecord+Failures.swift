public import ScrapeHTTP

extension ScrapeRecord {
    /// The record of an input line that cannot be requested at all (`invalid_url`,
    /// `unsupported_scheme`, a line too long).
    public static func rejected(_ url: String, because error: HTTPClientError) -> ScrapeRecord {
        ScrapeRecord(url: url, error: .init(kind: ErrorKind(error.kind), message: error.message), attempts: 0, fetchedAt: .now)
    }

    /// The record of a URL never requested (again) because its origin's breaker stayed
    /// open past `give_up_after`.
    public static func circuitOpen(_ request: FetchRequest.Prepared, attempts: Int) -> ScrapeRecord {
        ScrapeRecord(
            url: request.request.url,
            error: .init(kind: .circuitOpen, message: "the circuit breaker of \(request.origin) stayed open past circuit_breaker.give_up_after (the server kept failing)"),
            attempts: attempts,
            fetchedAt: .now
        )
    }
}
