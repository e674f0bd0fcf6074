/// What `--metadata` adds to a record: the page's structured data, as written.
///
/// Collected from the parsed tree (so a `<meta>` inside a comment or a `<script>` string
/// is not one). The JSON-LD blocks are kept raw: parsing them (each on its own, `@graph`
/// flattened, a broken block recorded as an error) is the record layer's job, with the
/// project's JSON parser.
public struct PageMetadata: Sendable, Equatable {
    /// A `name`/`property` and `content` pair of a `<meta>`, as written.
    public struct Property: Sendable, Equatable {
        /// The `property` or `name` attribute (`og:title`, `twitter:card`, `description`).
        public var name: String
        /// The `content` attribute, exact.
        public var content: String

        public init(name: String, content: String) {
            self.name = name
            self.content = content
        }
    }

    /// The text of each `<script type="application/ld+json">`, raw, in document order.
    /// The type is compared ASCII case-insensitively after trimming ASCII whitespace; a
    /// parameter (`; charset=utf-8`) makes it another type, as in browsers.
    public var jsonLD: [String] = []
    /// `og:*` properties, from `<meta property=… content=…>`, in order (repeats kept).
    public var openGraph: [Property] = []
    /// `twitter:*` properties, from `<meta name=…>` or `<meta property=…>`, in order.
    public var twitter: [Property] = []
    /// Every other `<meta name=… content=…>`, in order.
    public var meta: [Property] = []
    /// The first `<link rel~=canonical href=…>`'s URL, resolved against the document's
    /// base URL as `::url` values are (as written when it does not parse).
    public var canonical: String?

    /// Empty metadata (nothing found).
    public init() {}
}
