/// Finds an HTML page's title the way a browser's `document.title` does.
///
/// The rule (DESIGN.md, "Title"): the text of the first `<title>` element outside SVG
/// and MathML; its content is RCDATA, so markup inside is literal text; character
/// references are decoded; ASCII whitespace is stripped at the ends and collapsed
/// inside; bytes are decoded from the HTTP charset, else `<meta charset>`, else UTF-8.
///
/// libxml2's push parser finds the element (it knows comments, scripts, CDATA and
/// `<meta>` charsets), and parsing stops at the title's start tag: the title text is
/// then read from the parser's decoded buffer up to `</title`, because libxml2 would
/// parse markup inside the title as elements, which browsers do not.
///
/// Bounded: at most ``maxScanBytes`` of a document are parsed and at most
/// ``maxTitleBytes`` of title are kept. Safe to use from many threads at once: each
/// call has its own parser context.
public struct TitleExtractor: Sendable {
    /// Bytes of the document handed to the parser. Default 2 MiB: a title further in is
    /// not worth parsing for, and the bound caps the work a hostile page can cause.
    public var maxScanBytes: Int
    /// The longest title kept, in UTF-8 bytes after whitespace collapsing, cut on a
    /// character boundary. Default 1024.
    public var maxTitleBytes: Int

    /// Creates an extractor with the given bounds.
    public init(maxScanBytes: Int = 2 * 1024 * 1024, maxTitleBytes: Int = 1024) {
        LibXML2.initializeOnce()
        self.maxScanBytes = maxScanBytes
        self.maxTitleBytes = maxTitleBytes
    }

    /// The document title, or nil when the page has no `<title>` or is not HTML.
    ///
    /// - Parameters:
    ///   - body: the response body, already decompressed.
    ///   - contentType: the HTTP `Content-Type`; its charset wins over the document's own.
    ///     Anything but HTML (or a missing type) is not parsed.
    /// - Returns: the title, `""` for an empty `<title></title>`, nil when there is none.
    public func title(in body: [UInt8], contentType: String?) -> String? {
        let mediaType = MediaType(contentType)
        guard mediaType.isHTML else { return nil }
        return body.withUnsafeBufferPointer { buffer in
            let scanned = UnsafeBufferPointer(rebasing: buffer.prefix(maxScanBytes))
            guard let raw = TitleParser.rawTitle(in: scanned, charset: mediaType.charset) else { return nil }
            return TitleText.normalize(raw, maxBytes: maxTitleBytes)
        }
    }
}
