extension HTMLDocument {
    /// The tree of a response body as a browser builds it, or nil when its `Content-Type`
    /// is not HTML (a missing one counts as HTML); the HTTP charset wins over the
    /// document's own. Fields, links and the login's checks all start here.
    public static func parse(body: [UInt8], contentType: String?) -> HTMLDocument? {
        let mediaType = MediaType(contentType)
        guard mediaType.isHTML else { return nil }
        return DocumentDecoder.parse(body, httpCharset: mediaType.charset)
    }
}
