/// Reads a response body as the UTF-8 text the tree builder parses, with the encoding a
/// browser would use: the steps ``TitleExtractor`` takes, for the whole document.
///
/// 1. ``EncodingSniffer``: BOM, HTTP charset, `<meta>` in the first 1024 bytes, else a
///    tentative UTF-8;
/// 2. tentative: a `<meta>` the parser meets further in changes the encoding (the
///    standard's "change the encoding"; browsers parse again): ``TitleScanner`` finds it
///    without building a tree, so the document is decoded and parsed once;
/// 3. decode with ``TextDecoder``; valid UTF-8 (most pages) is not copied at all.
enum DocumentDecoder {
    /// The encoding the document is read in, and the bytes of BOM to skip.
    static func encoding(of body: UnsafeBufferPointer<UInt8>, httpCharset: String?) -> (encoding: WebEncoding, bomLength: Int) {
        let sniffed = EncodingSniffer.sniff(body, httpCharset: httpCharset)
        guard sniffed.isTentative else { return (sniffed.encoding, sniffed.bomLength) }
        var scanner = TitleScanner(UnsafeBufferPointer(rebasing: body.dropFirst(sniffed.bomLength)))
        scanner.scanForEncodingDeclaration()
        return (scanner.declaredEncoding.map(changeTarget) ?? sniffed.encoding, sniffed.bomLength)
    }

    /// The encoding a late `<meta>` switches to: UTF-16 is read as UTF-8 and
    /// x-user-defined as windows-1252, as the standard's "change the encoding" says.
    static func changeTarget(_ declared: WebEncoding) -> WebEncoding {
        switch declared {
        case .utf16LE, .utf16BE: .utf8
        case .xUserDefined: .windows1252
        default: declared
        }
    }

    /// Calls `body` with the document as UTF-8: the body's own bytes (after any BOM) when
    /// they are valid UTF-8 in a UTF-8 document, else a decoded copy.
    static func withUTF8<Result>(_ bytes: [UInt8], httpCharset: String?, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        bytes.withUnsafeBufferPointer { buffer in
            let (encoding, bomLength) = encoding(of: buffer, httpCharset: httpCharset)
            let document = UnsafeBufferPointer(rebasing: buffer.dropFirst(bomLength))
            if encoding == .utf8, UTF8Validation.isValid(document) { return body(document) }
            return TextDecoder.decode(document, from: encoding).withUnsafeBufferPointer(body)
        }
    }
}
