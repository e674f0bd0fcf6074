/// Why a `--field NAME=SPEC` (or a `fields:` entry) was refused: a usage error, found
/// before anything is fetched.
///
/// The description names the field, quotes its selector and says where in it the fault
/// is: `field 'price': '.price::atr(x)': unknown pseudo-element '::atr' at offset 6`.
public struct FieldSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Kind: String, Sendable {
        /// No `=` between NAME and SPEC.
        case missingEquals = "missing_equals"
        /// NAME is empty (or just `[]`).
        case emptyName = "empty_name"
        /// Two fields with one NAME (`h2` and `h2[]` count as one).
        case duplicateName = "duplicate_name"
        /// The CSS selector does not parse.
        case invalidSelector = "invalid_selector"
        /// The XPath expression does not parse.
        case invalidXPath = "invalid_xpath"
    }

    /// What was wrong.
    public let kind: Kind
    /// The spec as given (`NAME=SPEC`).
    public let spec: String
    /// The field's NAME (without `[]`), "" when there is none.
    public let field: String
    /// The selector or expression at fault (SPEC without its `css:`/`xpath:` prefix).
    public let query: String
    /// What is wrong, with where (`unknown pseudo-element '::atr' at offset 6`).
    public let message: String
    /// Where in ``query`` the fault is, when known: Unicode scalars for CSS (the selector
    /// parser's count), UTF-8 bytes for XPath (libxml2's).
    public let offset: Int?

    /// For the user: names the field, quotes the selector, says what and where.
    public var description: String {
        switch kind {
        case .missingEquals:
            return "field '\(spec)': expected NAME=SPEC (css:SELECTOR, SELECTOR or xpath:EXPRESSION)"
        case .emptyName:
            return "field '\(spec)': the NAME before '=' is empty"
        case .duplicateName:
            return "field '\(field)': given twice"
        case .invalidSelector, .invalidXPath:
            return "field '\(field)': '\(query)': \(message)"
        }
    }
}
