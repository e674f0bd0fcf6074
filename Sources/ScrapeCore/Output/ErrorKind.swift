public import ScrapeHTTP

/// The record contract's `error.kind` (docs/ARCHITECTURE.md, "Scrape record"): the one
/// list of the names a failed record can carry, so no part of the code spells them itself.
///
/// The transport's kinds (``HTTPClientError/Kind``) are the same names; the kinds below
/// them are decided above the transport (a status, the breaker, robots.txt). The raw
/// value is what users' scripts match, and it is a metric label: stable, lowercase,
/// low-cardinality.
public struct ErrorKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// A kind by its name; ``isKnown`` tells whether the contract has it.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The transport's kind of the same name.
    public init(_ kind: HTTPClientError.Kind) { self.rawValue = kind.rawValue }

    public var description: String { rawValue }

    public static let invalidURL = ErrorKind(.invalidURL)
    public static let unsupportedScheme = ErrorKind(.unsupportedScheme)
    public static let invalidRequest = ErrorKind(.invalidRequest)
    public static let dns = ErrorKind(.dns)
    public static let connect = ErrorKind(.connect)
    public static let tls = ErrorKind(.tls)
    public static let timeout = ErrorKind(.timeout)
    public static let tooManyRedirects = ErrorKind(.tooManyRedirects)
    public static let tooLarge = ErrorKind(.tooLarge)
    public static let cancelled = ErrorKind(.cancelled)
    public static let transport = ErrorKind(.transport)
    public static let proxy = ErrorKind(.proxy)
    /// The server answered with a status >= 400.
    public static let http = ErrorKind(rawValue: "http")
    /// The origin's circuit breaker stayed open past `circuit_breaker.give_up_after`.
    public static let circuitOpen = ErrorKind(rawValue: "circuit_open")
    /// The origin's robots.txt disallows the path for our user agent.
    public static let robotsDisallowed = ErrorKind(rawValue: "robots_disallowed")
    /// With `login:`: the page still showed the session ended (`login.logged_out`) when
    /// fetched again after a new login.
    public static let loggedOut = ErrorKind(rawValue: "logged_out")

    /// Every kind a record can carry, in the contract's order.
    public static let all: [ErrorKind] = [
        .invalidURL, .unsupportedScheme, .invalidRequest, .dns, .connect, .tls, .timeout, .tooManyRedirects, .tooLarge, .http,
        .circuitOpen, .robotsDisallowed, .loggedOut, .cancelled, .transport, .proxy,
    ]

    /// Whether the contract has this kind.
    public var isKnown: Bool { Self.all.contains(self) }
}
