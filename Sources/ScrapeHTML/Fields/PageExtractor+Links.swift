/// Which elements' links a crawl follows (`scrape crawl --follow`, issue 27): a CSS
/// selector of the fields grammar, its URL in `href` (as `::url(href)` resolves it) or
/// in the attribute its own `::url(ATTR)` (or `::attr(ATTR)`) names.
public struct LinkRule: Sendable {
    /// `--follow`'s default: every hyperlink a browser follows on a click.
    public static let defaultSelector = "a[href], area[href]"

    /// The selector as given.
    public let text: String
    let selector: CSSSelector
    let attribute: AttributeLookup

    /// Why a `--follow` selector cannot pick links.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What is wrong, and where in the selector when the parser says so.
        public let message: String
        public var description: String { message }
    }

    /// Compiles `text`.
    ///
    /// - Throws: ``Failure`` when it does not parse, or ends in `::text` or `::html`
    ///   (which give no URL).
    public init(_ text: String) throws(Failure) {
        do throws(SelectorError) {
            selector = try CSSSelector(text)
        } catch {
            throw Failure(message: "'\(text)': \(error.message)")
        }
        switch selector.pseudoElement {
        case nil: attribute = AttributeLookup("href")
        case .url(let name), .attribute(let name): attribute = AttributeLookup(name)
        case .text, .html: throw Failure(message: "'\(text)': \(selector.pseudoElement!) gives no URL; end it in ::url(ATTR) or nothing (href)")
        }
        self.text = text
    }

    /// The default rule, `a[href], area[href]`.
    public static var standard: LinkRule {
        // The constant parses; a failure here is a broken selector parser.
        do throws(Failure) { return try LinkRule(defaultSelector) } catch { fatalError("\(error)") }
    }
}

/// The links of one page, in document order, each value as written in its attribute and
/// resolved against the document's base URL (`<base href>`, else the response's URL), as
/// a browser's `a.href` gives it.
public struct PageLinks: Sendable {
    /// Values the URL parser accepted, resolved.
    public var resolved: [WebURL] = []
    /// Values it rejected (`http://[bad`), as written.
    public var rejected: [String] = []

    public init() {}
}

extension PageExtractor {
    /// Parses `body` once and takes the title, every field, the metadata and the links
    /// that `rule` picks.
    ///
    /// - Returns: the extraction (as ``extract(body:contentType:url:)`` gives it) and the
    ///   links, nil when the page is not HTML (no links are taken from other types).
    public func extract(body: [UInt8], contentType: String?, url: String, links rule: LinkRule) -> (PageExtraction, PageLinks?) {
        extract(document: HTMLDocument.parse(body: body, contentType: contentType), url: url, links: rule)
    }

    /// ``extract(body:contentType:url:links:)`` from a body's tree already built (nil: the
    /// body is not HTML). The base URL is found once, for the fields and the links.
    public func extract(document: HTMLDocument?, url: String, links rule: LinkRule) -> (PageExtraction, PageLinks?) {
        guard let document else { return (PageExtraction(title: nil, isHTML: false, fields: [], metadata: nil), nil) }
        let base = document.baseURL(responseURL: url)
        return (extract(from: document, baseURL: readsBaseURL ? base : nil), Self.links(in: document, base: base, rule: rule))
    }

    /// The links `rule` picks in `document`, resolved against its base URL `base`.
    static func links(in document: HTMLDocument, base: WebURL?, rule: LinkRule) -> PageLinks {
        var links = PageLinks()
        for element in rule.selector.select(in: document) {
            guard let value = rule.attribute.value(on: element) else { continue }
            if let resolved = WebURL(value, base: base) {
                links.resolved.append(resolved)
            } else {
                links.rejected.append(value)
            }
        }
        return links
    }
}
