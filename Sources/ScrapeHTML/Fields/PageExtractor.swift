import CLibXML2

/// Takes a run's fields (and, when asked, metadata) from each response body: the tree a
/// browser builds, then every field on it.
///
/// Per page: one decode of the body (none for valid UTF-8: the parser reads the response's
/// own bytes), one parse, one walk for the title and base URL, then each field. Safe to
/// use from many threads at once: the only shared state is the field set's XPath pool,
/// which lends each thread its own compiled expressions.
public struct PageExtractor: Sendable {
    /// The fields extracted from every HTML page.
    public let fields: FieldSet
    /// Whether ``PageExtraction/metadata`` is collected.
    public let metadata: Bool
    /// Whether any field resolves URLs (`::url`): else the base URL is not looked for.
    private let needsBaseURL: Bool

    /// Also initializes libxml2 (`xmlInitParser`): its first initialization is not safe to
    /// race, and an extractor is made once, before pages are parsed on many threads.
    public init(fields: FieldSet, metadata: Bool) {
        xmlInitParser()
        self.fields = fields
        self.metadata = metadata
        needsBaseURL = metadata || fields.specs.contains { spec in
            if case .css(let selector) = spec.compiled, case .url = selector.pseudoElement { return true }
            return false
        }
    }

    /// Parses `body` and extracts the title, every field and the metadata.
    ///
    /// - Parameters:
    ///   - body: the response body, already decompressed.
    ///   - contentType: the HTTP `Content-Type`: anything but HTML (a missing type counts
    ///     as HTML) is not parsed; its charset wins over the document's own.
    ///   - url: the response's final URL: the document's URL, against which `<base href>`
    ///     and `::url` values resolve.
    public func extract(body: [UInt8], contentType: String?, url: String) -> PageExtraction {
        extract(document: HTMLDocument.parse(body: body, contentType: contentType), url: url)
    }

    /// The extraction from a body's tree that someone already built (the page pipeline's
    /// `PageBody`: the login's `logged_out.css` check may have parsed it first), nil for a
    /// body that is not HTML: no second parse.
    public func extract(document: HTMLDocument?, url: String) -> PageExtraction {
        guard let document else { return PageExtraction(title: nil, isHTML: false, fields: [], metadata: nil) }
        return extract(from: document, url: url)
    }

    /// The extraction from a parsed document (`scrape extract` and tests start here too).
    func extract(from document: HTMLDocument, url: String) -> PageExtraction {
        extract(from: document, baseURL: needsBaseURL ? document.baseURL(responseURL: url) : nil)
    }

    /// The extraction with the document's base URL already found (nil when no field needs
    /// it): links need it too, and finding it walks the whole tree when there is no `<base>`.
    func extract(from document: HTMLDocument, baseURL: WebURL?) -> PageExtraction {
        let values: [(name: String, value: FieldValue)]
        if let pool = fields.xpath {
            values = pool.withWorkspace { workspace in
                evaluate(on: FieldSpec.Page(document: document, baseURL: baseURL, xpath: workspace))
            }
        } else {
            values = evaluate(on: FieldSpec.Page(document: document, baseURL: baseURL, xpath: nil))
        }
        return PageExtraction(
            title: document.title,
            isHTML: true,
            fields: values,
            metadata: metadata ? PageMetadata(document: document, baseURL: baseURL) : nil
        )
    }

    /// Whether ``extract(from:baseURL:)`` reads the base URL.
    var readsBaseURL: Bool { needsBaseURL }

    private func evaluate(on page: FieldSpec.Page) -> [(name: String, value: FieldValue)] {
        fields.specs.map { (name: $0.name, value: $0.value(on: page)) }
    }
}
