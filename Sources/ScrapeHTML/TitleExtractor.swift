/// Finds an HTML page's title the way a browser's `document.title` does.
///
/// The rule (docs/ARCHITECTURE.md, "Title", from the WHATWG HTML standard): the text of the first
/// `title` element in the HTML namespace that the parser puts in the document; its
/// content is RCDATA (markup inside is literal text, character references are decoded
/// with the standard's whole table); ASCII whitespace is stripped at the ends and
/// collapsed inside (NBSP and other Unicode spaces stay).
///
/// The steps, all ours (libxml2's HTML parser is HTML4-era and cannot be made exact):
/// 1. ``EncodingSniffer``: BOM, else the HTTP charset, else `<meta>` in the first 1024
///    bytes, else UTF-8; labels per the WHATWG Encoding standard.
/// 2. ``TitleScanner``: the tokenizer states and tree-builder rules that decide which
///    `title` start tag is the document's, stopped at its `</title>`. It reads the bytes
///    as they are for every ASCII-compatible encoding (every structural byte is ASCII in
///    them); UTF-16 and ISO-2022-JP documents are decoded to UTF-8 first.
/// 3. ``TextDecoder`` decodes only the title's bytes; ``TitleText`` applies the character
///    reference, NUL and whitespace rules.
///
/// A title near the top of a page costs a scan of the bytes before it, nothing more. No
/// length cap of its own: the body is already bounded (`max_body`), and a browser keeps a
/// title whole. Safe to use from many threads at once: nothing is shared.
public struct TitleExtractor: Sendable {
    /// Bytes of the document scanned. Default: all of it (the HTTP layer's body limit
    /// bounds it).
    public var maxScanBytes: Int
    /// The longest title kept, in UTF-8 bytes after whitespace collapsing, cut on a
    /// character boundary. Default: no cap.
    public var maxTitleBytes: Int

    /// Creates an extractor with the given bounds.
    public init(maxScanBytes: Int = .max, maxTitleBytes: Int = .max) {
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
            let sniffed = EncodingSniffer.sniff(scanned, httpCharset: mediaType.charset)
            let document = UnsafeBufferPointer(rebasing: scanned.dropFirst(sniffed.bomLength))
            var encoding = sniffed.encoding
            var raw = Self.rawTitle(in: document, encoding: encoding, tentative: sniffed.isTentative, declared: &encoding)
            if encoding != sniffed.encoding {
                // "Change the encoding": a later <meta> named another one; parse again with it.
                var unchanged = encoding
                raw = Self.rawTitle(in: document, encoding: encoding, tentative: false, declared: &unchanged)
            }
            return raw.map { TitleText.normalize($0, maxBytes: maxTitleBytes) }
        }
    }

    /// The title element's text as UTF-8, before references and whitespace are handled.
    /// With a `tentative` encoding the scan goes on past the title for a `<meta>`
    /// declaring another encoding, which is put in `declared` (UTF-16 read as UTF-8 and
    /// x-user-defined as windows-1252, as the standard's "change the encoding" says).
    static func rawTitle(in document: UnsafeBufferPointer<UInt8>, encoding: WebEncoding, tentative: Bool, declared: inout WebEncoding) -> [UInt8]? {
        guard encoding.isASCIICompatible else {
            let decoded = TextDecoder.decode(document, from: encoding)
            return decoded.withUnsafeBufferPointer { utf8 in
                var scanner = TitleScanner(utf8)
                return scanner.titleRange().map { Array(utf8[$0]) }
            }
        }
        var scanner = TitleScanner(document)
        let range = scanner.titleRange()
        if tentative {
            if scanner.declaredEncoding == nil { scanner.scanForEncodingDeclaration() }
            if let change = scanner.declaredEncoding { declared = DocumentDecoder.changeTarget(change) }
        }
        return range.map { TextDecoder.decode(document[$0], from: encoding) }
    }
}
