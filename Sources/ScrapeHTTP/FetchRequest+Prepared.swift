internal import CCurl

extension FetchRequest {
    /// A request that passed validation and is safe to hand to curl.
    ///
    /// Preparing happens on the caller's task, before anything reaches the I/O thread:
    /// - only `http` and `https` URLs pass (a `file:`, `ftp:` or `gopher:` URL is
    ///   refused here, so curl never opens it; redirects are limited separately);
    /// - the URL must parse with curl's own parser (the one the transfer will use),
    ///   have a host, contain no NUL, and fit ``HTTPClient/Configuration/Limits/maxURLLength``;
    /// - the method must be an RFC 9110 token, header names tokens, and header values
    ///   free of CR, LF and NUL (no header injection).
    ///
    /// Callers that need the host before executing (a per-host scheduler) prepare once and
    /// pass the result to ``HTTPClient/execute(_:)-(Prepared)``, so nothing is validated twice.
    public struct Prepared: Sendable {
        /// The request as given (and the headers ``adding(headers:)`` added).
        public private(set) var request: FetchRequest
        /// `http` or `https`, lowercased.
        public let scheme: String
        /// The host as curl parsed it, lowercased; an IPv6 literal keeps its brackets.
        public let host: String
        /// The port, the scheme's default when the URL names none.
        public let port: Int

        /// The origin (RFC 6454): `scheme://host:port`, the unit of circuit breakers and
        /// robots.txt; `http://a.test/` and `http://a.test:80/` are one origin.
        public var origin: String { "\(scheme)://\(host):\(port)" }

        /// Validates `request`.
        ///
        /// - Throws: `HTTPClientError` with kind `invalid_url`, `unsupported_scheme` or `invalid_request`.
        public init(_ request: FetchRequest, maxURLLength: Int = HTTPClient.Configuration.Limits().maxURLLength) throws(HTTPClientError) {
            let url = request.url
            if url.utf8.count > maxURLLength {
                throw .invalidURL("URL is \(url.utf8.count) bytes long; the limit is \(maxURLLength)")
            }
            if url.utf8.contains(0) {
                throw .invalidURL("URL contains a NUL byte")
            }
            let scheme = try Self.scheme(of: url)
            guard scheme == "http" || scheme == "https" else {
                throw .unsupportedScheme("scheme \"\(scheme)\" is not supported; only http and https are fetched")
            }
            (self.host, self.port) = try Self.parseHostAndPort(url)
            self.scheme = scheme
            try Self.validate(method: request.method)
            try Self.validate(headers: request.headers)
            self.request = request
        }

        /// This request with `headers` added after its own, each replacing any field of the
        /// same name; the URL is not parsed again (a stage before the request, such as
        /// conditional headers, adds to a request already prepared).
        ///
        /// - Throws: `HTTPClientError` of kind `invalid_request` for a name that is not a
        ///   token or a value with CR, LF or NUL.
        public func adding(headers: HTTPHeaders) throws(HTTPClientError) -> Prepared {
            try Self.validate(headers: headers)
            var prepared = self
            for field in headers { prepared.request.headers.replaceOrAdd(name: field.name, value: field.value) }
            return prepared
        }

        /// This request with a session's defaults (headers it lacks, the jar when it names
        /// none); nothing is validated again: ``RequestDefaults`` checked its headers once.
        public func applying(_ defaults: RequestDefaults) -> Prepared {
            guard !defaults.isEmpty else { return self }
            var prepared = self
            prepared.request = defaults.applied(to: request)
            return prepared
        }

        /// The URL's scheme, lowercased, per RFC 3986: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`.
        /// This request sent through `route` (a proxy pool's pick; `ProxyRoute.swift`).
        public func routed(_ route: ProxyRoute) -> Prepared {
            var prepared = self
            prepared.request.proxy = route
            return prepared
        }

        private static func scheme(of url: String) throws(HTTPClientError) -> String {
            let bytes = url.utf8
            guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
                throw .invalidURL("no scheme: expected an absolute URL starting with http:// or https://")
            }
            let candidate = bytes[bytes.startIndex..<colon]
            guard let first = candidate.first, isAlpha(first),
                candidate.allSatisfy({ isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
            else {
                throw .invalidURL("no scheme: expected an absolute URL starting with http:// or https://")
            }
            return String(decoding: candidate, as: UTF8.self).lowercased()
        }

        /// Parses with curl's URL API and returns the host and port; curl rejects spaces and control bytes.
        private static func parseHostAndPort(_ url: String) throws(HTTPClientError) -> (String, Int) {
            guard let handle = curl_url() else { throw .invalidURL("could not allocate a URL parser") }
            defer { curl_url_cleanup(handle) }
            let setCode = curl_url_set(handle, CURLUPART_URL, url, 0)
            guard setCode == CURLUE_OK else {
                let curl = CurlError(url: setCode, operation: "curl_url_set")
                throw .invalidURL("malformed URL: \(curl.message)", curl: curl)
            }
            var hostPointer: UnsafeMutablePointer<CChar>?
            let getCode = curl_url_get(handle, CURLUPART_HOST, &hostPointer, 0)
            guard getCode == CURLUE_OK, let hostPointer else {
                throw .invalidURL("URL has no host")
            }
            defer { curl_free(hostPointer) }
            let host = String(cString: hostPointer).lowercased()
            guard !host.isEmpty else { throw .invalidURL("URL has no host") }
            var portPointer: UnsafeMutablePointer<CChar>?
            guard curl_url_get(handle, CURLUPART_PORT, &portPointer, UInt32(CURLU_DEFAULT_PORT)) == CURLUE_OK, let portPointer else {
                throw .invalidURL("URL has no usable port")
            }
            defer { curl_free(portPointer) }
            guard let port = Int(String(cString: portPointer)) else { throw .invalidURL("URL has no usable port") }
            return (host, port)
        }

        private static func validate(method: Method) throws(HTTPClientError) {
            guard HTTPHeaders.isValidName(method.rawValue) else {
                throw .invalidRequest("method \"\(method.rawValue)\" is not an HTTP token")
            }
        }

        private static func validate(headers: HTTPHeaders) throws(HTTPClientError) {
            for field in headers {
                guard HTTPHeaders.isValidName(field.name) else {
                    throw .invalidRequest("header name \"\(field.name)\" is not an HTTP token")
                }
                guard HTTPHeaders.isValidValue(field.value) else {
                    // The value is not echoed: it may be a credential.
                    throw .invalidRequest("header \"\(field.name)\" has a value with CR, LF or NUL")
                }
            }
        }

        private static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
        private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    }
}
