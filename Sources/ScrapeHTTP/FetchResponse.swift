import ScrapeBase

/// The final response of a request, after any redirects were followed.
///
/// Any status is a response, including 4xx and 5xx; only transport failures throw.
public struct FetchResponse: Sendable {
    /// The protocol version the final response came over.
    public enum Version: String, Sendable, Hashable {
        case http1_0 = "HTTP/1.0"
        case http1_1 = "HTTP/1.1"
        case http2 = "HTTP/2"
        case http3 = "HTTP/3"
        case unknown = "unknown"
    }

    /// Points in the transfer, each measured from its start (curl's `*_TIME_T` infos).
    ///
    /// For a reused connection `dns`, `connect` and `tls` are near zero. After redirects
    /// they describe the last hop while `total` covers the whole chain.
    public struct Timings: Sendable, Hashable {
        /// Name resolution finished.
        public var dns: Duration
        /// TCP connection established.
        public var connect: Duration
        /// TLS handshake finished (zero for plain HTTP).
        public var tls: Duration
        /// First response byte received.
        public var firstByte: Duration
        /// The whole transfer, redirects included.
        public var total: Duration
    }

    /// The status code of the final response.
    public var status: Int
    /// The final response's header fields, in order, repeated names kept.
    public var headers: HTTPHeaders
    /// The body, decoded from any `Content-Encoding`; at most the configured body limit.
    public var body: [UInt8]
    /// The URL of the final response, after redirects.
    public var finalURL: String
    /// How many redirects were followed.
    public var redirectCount: Int
    /// The `Content-Type` of the final response, as sent.
    public var contentType: String?
    /// The HTTP version of the final response.
    public var version: Version
    /// How many new connections the transfer opened (0: every hop reused a pooled connection).
    public var newConnections: Int
    /// Timings of the transfer.
    public var timings: Timings
    /// The proxy that carried the request (display name only, see ``ProxyURL``); nil when it went direct.
    public var proxy: ProxyURL?

    /// Whether the transfer ran entirely on connections that were already open.
    public var connectionReused: Bool { newConnections == 0 }

    /// The final response's `ETag`, exactly as sent (a weak `W/"…"` one included, only the
    /// optional whitespace around the field value dropped, as RFC 9110 says); the first
    /// one when it sent several, nil when none.
    public var etag: String? { headers.first(name: "ETag") }

    /// The final response's `Last-Modified`, exactly as sent (the date is not parsed or
    /// rewritten: a server compares `If-Modified-Since` with what it sent); nil when none.
    public var lastModified: String? { headers.first(name: "Last-Modified") }
}

extension FetchResponse {
    /// Builds the public response from a finished transfer; runs on the caller's task, not the I/O thread.
    init(_ completed: Transfer.Completed) {
        self.status = completed.status
        self.headers = Self.parseHeaderBlock(completed.headerBytes)
        self.body = completed.body
        self.finalURL = completed.finalURL
        self.redirectCount = completed.redirectCount
        self.contentType = completed.contentType
        self.version = completed.version
        self.newConnections = completed.newConnections
        self.timings = completed.timings
        self.proxy = completed.proxy
    }

    /// Splits the final response's raw header block into fields.
    ///
    /// The block holds the status line and `name: value` lines, each ending in CRLF (or a
    /// bare LF from lax servers). Lines without a colon are skipped; obsolete folded lines
    /// (starting with a space or tab) are joined to the previous value, as RFC 9112 allows.
    static func parseHeaderBlock(_ bytes: [UInt8]) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(16)
        var lineStart = bytes.startIndex
        var isFirstLine = true
        while lineStart < bytes.endIndex {
            let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            var line = bytes[lineStart..<newline]
            lineStart = newline + 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if isFirstLine {
                isFirstLine = false
                if line.starts(with: "HTTP/".utf8) { continue }
            }
            if line.isEmpty { continue }
            if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t"), headers.count > 0 {
                headers.appendToLastValue(" " + String(decoding: trimmingOWS(line), as: UTF8.self))
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            let value = String(decoding: trimmingOWS(line[(colon + 1)...]), as: UTF8.self)
            headers.add(name: name, value: value)
        }
        return headers
    }

    /// Drops HTTP's optional whitespace (spaces and tabs) from both ends.
    private static func trimmingOWS(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        bytes.trimming(while: ASCIIByte.isSpaceOrTab)
    }
}
