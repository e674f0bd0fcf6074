/// A field's value for one page, as the record's `fields` object holds it.
public enum FieldValue: Sendable, Equatable {
    /// Nothing matched (or an XPath number that is NaN or infinite).
    case null
    /// Text: an element's collapsed text, an attribute's value, a URL, HTML, an XPath string.
    case string(String)
    /// An XPath number; integral values are written without a fraction by the encoder.
    case number(Double)
    /// An XPath boolean.
    case bool(Bool)
    /// Every match of a `NAME[]` field, in document order.
    case array([FieldValue])
}
