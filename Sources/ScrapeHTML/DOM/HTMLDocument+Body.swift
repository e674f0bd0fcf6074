import CLibXML2

extension HTMLDocument {
    /// The tree of a response body as a browser builds it, or nil when its `Content-Type`
    /// is not HTML (a missing one counts as HTML); the HTTP charset wins over the
    /// document's own, as for fields.
    ///
    /// - Important: call ``prepareForParsing()`` once before parsing on many threads.
    public static func parse(body: [UInt8], contentType: String?) -> HTMLDocument? {
        let mediaType = MediaType(contentType)
        guard mediaType.isHTML else { return nil }
        return DocumentDecoder.parse(body, httpCharset: mediaType.charset)
    }

    /// Initializes libxml2 (`xmlInitParser`): its first initialization is not safe to race,
    /// so whoever will parse on many threads calls this once first. Idempotent.
    public static func prepareForParsing() {
        xmlInitParser()
    }
}
