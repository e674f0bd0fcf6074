/// One output line: what became of one input URL (docs/ARCHITECTURE.md, "Scrape record").
///
/// Every input URL gets exactly one, success or failure: errors are data.
public struct ScrapeRecord: Sendable, Equatable {
    /// Why a URL has no successful result; `kind` is one of the contract's error kinds.
    public struct Failure: Sendable, Equatable {
        /// One of the contract's kinds (``ErrorKind/all``).
        public var kind: ErrorKind
        /// For people; never contains secrets.
        public var message: String

        public init(kind: ErrorKind, message: String) {
            self.kind = kind
            self.message = message
        }
    }

    /// The URL exactly as given (surrounding whitespace removed); for a line that is not
    /// valid UTF-8, with U+FFFD where it was invalid, and its bytes in ``urlBytes``.
    public var url: String
    /// The line's bytes when they are not valid UTF-8: the encoder writes them into `url`
    /// reversibly (each invalid byte as `\udcXX`, Python's "surrogateescape").
    public var urlBytes: [UInt8]?
    /// The URL after redirects; nil without a response.
    public var finalURL: String?
    /// The HTTP status; nil without a response.
    public var status: Int?
    /// The document title; nil when the page has none or is not HTML.
    public var title: String?
    /// The run's fields (`--field`, `fields:`) as an object keyed by field name, `.null`
    /// for a page that is not HTML; nil when the run asked for none, and then the record
    /// has no `fields` key at all (a title-only run writes exactly the records it always
    /// did). Written right after `title`.
    package var fields: JSONDocument?
    /// The page's metadata (`--metadata`: JSON-LD, OpenGraph, Twitter, `<meta name>`, the
    /// canonical link) as an object, `.null` for a page that is not HTML; nil when not
    /// asked for (no key). Written after `fields`.
    package var metadata: JSONDocument?
    /// Nil on success; `http` for a status >= 400.
    public var error: Failure?
    /// The response's `Content-Type`.
    public var contentType: String?
    /// Body bytes received (decoded).
    public var bytes: Int?
    /// Time from the first request to the final response, in milliseconds.
    public var elapsedMilliseconds: Int?
    /// Requests made for this URL.
    public var attempts: Int
    /// When the record was made.
    public var fetchedAt: Timestamp
    /// The final response's `ETag`, exactly as received (a weak `W/"…"` one included);
    /// nil when it sent none, and for a record without a response. A `--since` run sends
    /// it back as `If-None-Match`.
    public var etag: String?
    /// The final response's `Last-Modified`, exactly as received; nil when absent. A
    /// `--since` run sends it back as `If-Modified-Since`.
    public var lastModified: String?
    /// Lowercase hex SHA-256 of the body bytes after any `Content-Encoding` was undone and
    /// before any charset decoding: what changed pages are told apart by. Nil without a
    /// response (a 304 carries the earlier record's).
    public var contentSHA256: String?
    /// A `--since` run's verdict on the page; nil in other runs, and then the record has
    /// neither `not_modified` nor `changed`. Written after `content_sha256`.
    public var revisit: Revisit?
    /// The proxy that carried the request, by display name (never credentials); nil, and
    /// absent from the line, when the request went direct.
    public var proxy: String?
    /// Keys after the contract's fixed ones (what later body stages add, such as `links`),
    /// in the order they were added; written after `content_sha256` (and a `--since` run's
    /// `not_modified` and `changed`), and free to hold nested
    /// objects and arrays. A key must not be one of the contract's keys (``fields`` and
    /// ``metadata`` have their place after `title`, so they are not extras).
    package var extras: [JSONDocument.Member] = []

    /// What a `--since` run says of a page against the earlier run's record of its URL.
    public struct Revisit: Sendable, Equatable {
        /// The server answered our conditional request with 304 Not Modified.
        public var notModified: Bool
        /// False for a 304 and for a body whose `content_sha256` equals the earlier
        /// record's; true when it differs or the earlier output has no record of the URL.
        public var changed: Bool

        public init(notModified: Bool, changed: Bool) {
            self.notModified = notModified
            self.changed = changed
        }
    }

    public init(
        url: String, finalURL: String? = nil, status: Int? = nil, title: String? = nil, error: Failure? = nil,
        contentType: String? = nil, bytes: Int? = nil, elapsedMilliseconds: Int? = nil, attempts: Int,
        fetchedAt: Timestamp
    ) {
        self.url = url
        self.finalURL = finalURL
        self.status = status
        self.title = title
        self.error = error
        self.contentType = contentType
        self.bytes = bytes
        self.elapsedMilliseconds = elapsedMilliseconds
        self.attempts = attempts
        self.fetchedAt = fetchedAt
    }
}
