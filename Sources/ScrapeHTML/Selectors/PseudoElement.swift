/// The pseudo-element that may end a selector: scrape's own, parsel-style, saying which
/// part of each matched element a field takes.
public enum PseudoElement: Sendable, Hashable, CustomStringConvertible {
    /// `::text`: the element's own child text nodes, joined.
    case text
    /// `::attr(NAME)`: an attribute's value (NAME as written).
    case attribute(String)
    /// `::url(NAME)`: an attribute's value resolved against the document's base URL.
    case url(String)
    /// `::html`: the element's outer HTML.
    case html

    public var description: String {
        switch self {
        case .text: return "::text"
        case .attribute(let name): return "::attr(\(name))"
        case .url(let name): return "::url(\(name))"
        case .html: return "::html"
        }
    }
}
