/// A request that did not produce an HTTP response.
///
/// Shaped like AsyncHTTPClient's error: a struct around a private code so cases
/// can be added without breaking callers. Every error has a stable, low-cardinality
/// ``kind`` that equals the `error.kind` of the scrape record contract and is safe
/// as a metric label; ``message`` is free text for people. An HTTP status >= 400 is
/// not an error here: it is a response, and the record layer decides what it means.
public struct HTTPClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable name of a failure class; its `rawValue` is the record's `error.kind`.
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The URL could not be parsed, has no host, or is too long.
        public static let invalidURL = Kind(rawValue: "invalid_url")
        /// The URL (or a redirect) names a scheme other than http or https.
        public static let unsupportedScheme = Kind(rawValue: "unsupported_scheme")
        /// The caller built a bad request (method or header); never caused by a URL alone.
        public static let invalidRequest = Kind(rawValue: "invalid_request")
        /// The host name could not be resolved.
        public static let dns = Kind(rawValue: "dns")
        /// No connection could be made (refused, unreachable).
        public static let connect = Kind(rawValue: "connect")
        /// The TLS handshake or certificate check failed.
        public static let tls = Kind(rawValue: "tls")
        /// The connect timeout, total timeout or low-speed limit was hit.
        public static let timeout = Kind(rawValue: "timeout")
        /// More redirects than the configured maximum.
        public static let tooManyRedirects = Kind(rawValue: "too_many_redirects")
        /// The (decoded) body grew past the configured limit.
        public static let tooLarge = Kind(rawValue: "too_large")
        /// The request was cancelled, or the client shut down under it.
        public static let cancelled = Kind(rawValue: "cancelled")
        /// Anything else the transport reported: resets, truncated bodies, protocol errors.
        public static let transport = Kind(rawValue: "transport")
        /// The proxy failed: unreachable, refused the credentials or the CONNECT, or a SOCKS error.
        public static let proxy = Kind(rawValue: "proxy")
    }

    private enum Code: Hashable, Sendable {
        case invalidURL, unsupportedScheme, invalidRequest, dns, connect, tls, timeout
        case tooManyRedirects, tooLarge, cancelled, clientShutdown, transport, badResponse
        case proxy
    }

    private let code: Code
    /// Human-readable detail; never contains header values or bodies.
    public let message: String
    /// curl's own error, when curl reported the failure.
    public let curlError: CurlError?

    private init(_ code: Code, _ message: String, curl: CurlError? = nil) {
        self.code = code
        self.message = message
        self.curlError = curl
    }

    /// The record contract's `error.kind` for this failure.
    public var kind: Kind {
        switch code {
        case .invalidURL: .invalidURL
        case .unsupportedScheme: .unsupportedScheme
        case .invalidRequest: .invalidRequest
        case .dns: .dns
        case .connect: .connect
        case .tls: .tls
        case .timeout: .timeout
        case .tooManyRedirects: .tooManyRedirects
        case .tooLarge: .tooLarge
        case .cancelled, .clientShutdown: .cancelled
        case .transport, .badResponse: .transport
        case .proxy: .proxy
        }
    }

    /// Whether the server answered but this one response could not be used (a malformed
    /// status line, a body that fails to decode, headers cut short or over a limit, too
    /// many redirects): the URL's own fault. Retrying will not help, and it is no evidence
    /// that the server is down, so it is neither retried nor counted by a breaker.
    public var isResponseFault: Bool {
        switch code {
        case .badResponse, .tooLarge, .tooManyRedirects: true
        default: false
        }
    }

    public var description: String {
        "HTTPClientError.\(kind): \(message)"
    }

    /// Errors compare by case, not by message, so `error == .clientShutdown` reads naturally.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    // MARK: Named cases

    /// The URL cannot be requested; `reason` says why.
    public static func invalidURL(_ reason: String, curl: CurlError? = nil) -> Self {
        Self(.invalidURL, reason, curl: curl)
    }
    /// The URL or a redirect target uses a scheme other than http/https.
    public static func unsupportedScheme(_ reason: String, curl: CurlError? = nil) -> Self {
        Self(.unsupportedScheme, reason, curl: curl)
    }
    /// A method or header the caller supplied is malformed.
    public static func invalidRequest(_ reason: String) -> Self { Self(.invalidRequest, reason) }
    static func dns(_ curl: CurlError) -> Self { Self(.dns, curl.detail ?? curl.message, curl: curl) }
    static func connect(_ message: String, curl: CurlError) -> Self { Self(.connect, message, curl: curl) }
    static func tls(_ curl: CurlError) -> Self { Self(.tls, curl.detail ?? curl.message, curl: curl) }
    static func timeout(_ curl: CurlError) -> Self { Self(.timeout, curl.detail ?? curl.message, curl: curl) }
    static func tooManyRedirects(_ curl: CurlError) -> Self {
        Self(.tooManyRedirects, curl.detail ?? curl.message, curl: curl)
    }
    /// The body (after decompression) or the header block passed `limit` bytes.
    static func tooLarge(limit: Int, what: String, curl: CurlError? = nil) -> Self {
        Self(.tooLarge, "\(what) exceeds the limit of \(limit) bytes", curl: curl)
    }
    static func transport(_ curl: CurlError) -> Self { Self(.transport, curl.detail ?? curl.message, curl: curl) }
    /// The connection failed mid-response without curl noticing (kind `transport`, retried like a reset).
    static func transport(_ reason: String) -> Self { Self(.transport, reason) }
    /// The server answered with something that is not a usable HTTP response (kind `transport`).
    static func badResponse(_ reason: String, curl: CurlError? = nil) -> Self { Self(.badResponse, reason, curl: curl) }

    /// The proxy, not the server, failed the request (`HTTPClientError+Proxy.swift`); the message names it without credentials.
    public static func proxy(_ message: String) -> Self { Self(.proxy, message) }

    /// The client was shut down before or while this request ran; the request did not complete.
    public static let clientShutdown = Self(.clientShutdown, "the HTTP client has been shut down")
    /// The transfer was aborted by a cancellation that was not the calling task's own.
    public static let cancelled = Self(.cancelled, "the request was cancelled")
}
