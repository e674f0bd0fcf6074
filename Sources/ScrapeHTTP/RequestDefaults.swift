/// What every request of one session carries unless the request says otherwise: headers
/// (`--header`, `http.headers`) and a cookie jar. A run builds one and applies it to each
/// request it sends (``FetchRequest/Prepared/applying(_:)``); the client itself stays
/// shared by sessions (the daemon's one client serves every job).
///
/// A request's own header of a name wins over the defaults' of the same name (an api
/// job's auth, `--since`'s conditional headers), and a request that names a jar keeps it.
public struct RequestDefaults: Sendable, Hashable {
    /// Added to each request that has no header of the same name.
    public let headers: HTTPHeaders
    /// Set on each request that has none.
    public let cookieJar: CookieJar?

    /// No headers, no cookies.
    public static let none = RequestDefaults(checked: HTTPHeaders(), cookieJar: nil)

    /// Checks `headers` once, so applying them needs no check per request.
    ///
    /// - Throws: `HTTPClientError` of kind `invalid_request` for a name that is not a token,
    ///   or is one the client writes itself (`Host`, `Content-Length`, `Transfer-Encoding`),
    ///   or a value with CR, LF or NUL (not quoted: it may be a credential).
    public init(headers: HTTPHeaders = HTTPHeaders(), cookieJar: CookieJar? = nil) throws(HTTPClientError) {
        for field in headers {
            guard HTTPHeaders.isValidName(field.name) else { throw .invalidRequest("header name \"\(field.name)\" is not an HTTP token") }
            guard !["host", "content-length", "transfer-encoding"].contains(field.name.lowercased()) else {
                throw .invalidRequest("header \"\(field.name)\" is written by the client and cannot be a default")
            }
            guard HTTPHeaders.isValidValue(field.value) else { throw .invalidRequest("header \"\(field.name)\" has a value with CR, LF or NUL") }
        }
        self.init(checked: headers, cookieJar: cookieJar)
    }

    private init(checked headers: HTTPHeaders, cookieJar: CookieJar?) {
        self.headers = headers
        self.cookieJar = cookieJar
    }

    /// Whether applying changes nothing.
    public var isEmpty: Bool { headers.count == 0 && cookieJar == nil }

    /// `request` with the defaults it lacks.
    public func applied(to request: FetchRequest) -> FetchRequest {
        guard !isEmpty else { return request }
        var request = request
        for field in headers where !request.headers.contains(name: field.name) {
            request.headers.add(name: field.name, value: field.value)
        }
        if request.cookieJar == nil { request.cookieJar = cookieJar }
        return request
    }
}
