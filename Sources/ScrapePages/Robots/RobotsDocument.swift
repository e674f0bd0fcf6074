import ScrapeCore
/// What one robots.txt fetch came to, before it is read for a user agent: the part a
/// fleet of workers shares (``RobotsStore``), each worker parsing it for its own token.
public enum RobotsDocument: Sendable, Equatable {
    /// A 2xx answer's body.
    case text(String)
    /// 4xx (but 429), or an absurdly large file: everything allowed.
    case allowAll
    /// 429, 5xx or unreachable: everything disallowed, for this reason (RFC 9309 §2.3.1.4).
    case unavailable(RobotsRules.Unavailable)

    /// The rules for the crawler whose product token is `userAgentToken`.
    public func rules(userAgentToken: String) -> RobotsRules {
        switch self {
        case .text(let text): RobotsRules(parsing: text, userAgent: userAgentToken)
        case .allowAll: .allowAll
        case .unavailable(let why): .disallowAll(because: why)
        }
    }
}

/// robots.txt documents kept beyond one process: fleet mode stores them in PostgreSQL
/// with their expiry, so an origin's robots.txt is fetched once for the whole fleet.
public protocol RobotsStore: Sendable {
    /// The live document for `origin` (`scheme://host[:port]`); when none is stored, the
    /// one `fetch` returns (called by one process of the fleet at a time), stored for
    /// `maxAge` when the server set one, else the store's default. Returns the document
    /// and how long it may be kept from now.
    func document(
        origin: String, fetch: @Sendable () async -> (document: RobotsDocument, maxAge: Duration?)
    ) async -> (document: RobotsDocument, keepFor: Duration)
}
