/// What ``PageExtractor`` takes from one response.
public struct PageExtraction: Sendable {
    /// `document.title`, as ``TitleExtractor`` finds it; nil when there is none or the
    /// page is not HTML.
    public var title: String?
    /// Whether the page was HTML (by content type) and so parsed; false: the record's
    /// `fields` (and `metadata`) are null.
    public var isHTML: Bool
    /// Every field's value, in the field set's order, keyed by NAME without `[]`.
    public var fields: [(name: String, value: FieldValue)]
    /// The page's metadata, when asked for and the page is HTML.
    public var metadata: PageMetadata?

    /// An extraction with these parts.
    public init(title: String?, isHTML: Bool, fields: [(name: String, value: FieldValue)], metadata: PageMetadata?) {
        self.title = title
        self.isHTML = isHTML
        self.fields = fields
        self.metadata = metadata
    }
}
