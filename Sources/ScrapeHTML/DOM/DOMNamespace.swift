/// The namespaces an HTML document's elements and attributes can be in.
///
/// HTML elements are in no libxml2 namespace (so `//div` matches as users write it, and
/// CSS type selectors compare names only); SVG and MathML elements, and the foreign
/// attributes the tree builder adjusts (`xlink:href`, `xml:lang`, `xmlns:xlink`), carry
/// one of the document's ``HTMLDocument`` namespace records.
public enum DOMNamespace: Sendable, Hashable {
    case html
    case svg
    case mathML
    case xlink
    case xml
    case xmlns

    /// The namespace URI, as the DOM's `namespaceURI` gives it.
    public var uri: String {
        switch self {
        case .html: return "http://www.w3.org/1999/xhtml"
        case .svg: return "http://www.w3.org/2000/svg"
        case .mathML: return "http://www.w3.org/1998/Math/MathML"
        case .xlink: return "http://www.w3.org/1999/xlink"
        case .xml: return "http://www.w3.org/XML/1998/namespace"
        case .xmlns: return "http://www.w3.org/2000/xmlns/"
        }
    }

    /// The prefix libxml2 records (and the html5lib test notation prints: `svg`, `math`,
    /// `xlink`, `xml`, `xmlns`); HTML has none.
    public var prefix: String? {
        switch self {
        case .html: return nil
        case .svg: return "svg"
        case .mathML: return "math"
        case .xlink: return "xlink"
        case .xml: return "xml"
        case .xmlns: return "xmlns"
        }
    }

    /// The namespace of a libxml2 namespace record made by ``HTMLDocument`` (nil: HTML),
    /// told apart by the first bytes of its prefix, which are distinct.
    init(prefix: UnsafePointer<UInt8>?) {
        guard let prefix else { self = .html; return }
        switch (prefix[0], prefix[1], prefix[2], prefix[3]) {
        case (UInt8(ascii: "s"), _, _, _): self = .svg
        case (UInt8(ascii: "m"), _, _, _): self = .mathML
        case (UInt8(ascii: "x"), UInt8(ascii: "l"), _, _): self = .xlink
        case (UInt8(ascii: "x"), UInt8(ascii: "m"), UInt8(ascii: "l"), 0): self = .xml
        default: self = .xmlns
        }
    }

    /// The namespaces that are recorded on libxml2 nodes (all but HTML), in a fixed order.
    static let foreign: [DOMNamespace] = [.svg, .mathML, .xlink, .xml, .xmlns]
}
