/// One HTTP request to hand to ``HTTPClient/execute(_:)``.
///
/// A plain value: nothing is checked until the client prepares it (see
/// `FetchRequest+Prepared.swift`), so building one never throws.
public struct FetchRequest: Sendable, Hashable {
    /// An HTTP method token such as `GET`.
    public struct Method: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let get = Method(rawValue: "GET")
        public static let head = Method(rawValue: "HEAD")
        public static let post = Method(rawValue: "POST")
        public static let put = Method(rawValue: "PUT")
        public static let patch = Method(rawValue: "PATCH")
        public static let delete = Method(rawValue: "DELETE")
        public static let options = Method(rawValue: "OPTIONS")

        /// Whether repeating the request is safe by RFC 9110 (GET, HEAD, PUT, DELETE, OPTIONS, TRACE).
        public var isIdempotent: Bool {
            ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"].contains(rawValue)
        }
    }

    /// The absolute `http` or `https` URL, exactly as the caller has it.
    public var url: String
    /// The method; `GET` by default.
    public var method: Method
    /// Extra request headers. `User-Agent` here overrides the client's configured one.
    public var headers: HTTPHeaders
    /// The request body, sent as is; `nil` sends none.
    public var body: [UInt8]?
    /// Overrides ``HTTPClient/Configuration/Timeouts/total`` for this request.
    public var timeout: Duration?
    /// Overrides ``HTTPClient/Configuration/Timeouts/connect`` for this request.
    public var connectTimeout: Duration?
    /// The session's cookies: sent by their rules, and what the response sets kept in it.
    /// Nil (the default) sends no cookies and keeps none.
    public var cookieJar: CookieJar?
    /// Overrides ``HTTPClient/Configuration/Proxy/route`` for this request (a proxy pool's pick).
    public var proxy: ProxyRoute?

    /// Creates a request; only `url` is required.
    public init(
        url: String,
        method: Method = .get,
        headers: HTTPHeaders = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil,
        connectTimeout: Duration? = nil,
        cookieJar: CookieJar? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.cookieJar = cookieJar
    }
}
