internal import CLibXML2

/// One libxml2 push-parser run over a document, stopped at the first `<title>`.
///
/// The run, in order:
/// 1. A UTF-8 BOM wins over everything (as in browsers) and is skipped; otherwise the
///    HTTP charset, when libxml2 knows it, is switched in before any byte is parsed, so
///    it overrides `<meta>`. Without either, the context starts as UTF-8 (else libxml2
///    reads undeclared UTF-8 as Latin-1) and `<meta charset>` may switch it.
/// 2. The document is pushed in two `htmlParseChunk` calls: the first ``firstChunk``
///    bytes, then (only when no title was found in them) the rest. SAX start and end
///    events track SVG/MathML depth; nothing else is built.
/// 3. At the first `title` start tag outside foreign content, the parser's cursor sits on
///    the tag's `>` in its buffer, which holds what was pushed, decoded to UTF-8. The
///    text up to `</title` is copied out raw and the parser is stopped. In the rare case
///    that the first chunk ends inside the title, the document is parsed again in one
///    push, so the title is never cut at the chunk boundary.
///
/// Titles sit in the first few KB of nearly every page, and libxml2 copies (and, with an
/// HTTP charset, converts) whatever it is pushed into its own buffer: pushing whole pages
/// cost a memmove of every page (2% of a scrape's CPU in a profile of 15 KB pages), and a
/// 16 KiB first chunk still copied the whole of most of them. At 4 KiB, `htmlParseChunk`
/// went from ~6.4% to ~4.5% of the benchmark's samples (perf, two runs each).
final class TitleParser {
    /// Bytes pushed before the rest of the page.
    static let firstChunk = 4 * 1024

    private var foreignDepth = 0
    private var rawTitle: [UInt8]?
    /// Whether `</title` was found in what had been pushed.
    private var titleClosed = false

    /// The raw (undecoded-references, uncollapsed) title text as UTF-8 bytes, or nil.
    static func rawTitle(in document: UnsafeBufferPointer<UInt8>, charset: String?) -> [UInt8]? {
        let (title, complete) = parse(document, charset: charset, firstChunk: firstChunk)
        if title != nil, !complete { return parse(document, charset: charset, firstChunk: document.count).title }
        return title
    }

    /// One parser run: the title (if any) and whether it is whole (closed, or the whole
    /// document was pushed before it was read).
    private static func parse(
        _ document: UnsafeBufferPointer<UInt8>, charset: String?, firstChunk: Int
    ) -> (title: [UInt8]?, complete: Bool) {
        let parser = TitleParser()
        var sax = htmlSAXHandler()
        sax.startElement = { context, name, _ in TitleParser.from(context)?.start(name, context) }
        sax.endElement = { context, name in TitleParser.from(context)?.end(name) }

        var bytes = document
        var encoding = XML_CHAR_ENCODING_UTF8
        var handler: xmlCharEncodingHandlerPtr?
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes = UnsafeBufferPointer(rebasing: bytes.dropFirst(3))
        } else if let charset, let found = xmlFindCharEncodingHandler(charset) {
            handler = found
            encoding = XML_CHAR_ENCODING_NONE
        }
        guard let context = htmlCreatePushParserCtxt(&sax, nil, nil, 0, nil, encoding) else { return (nil, true) }
        defer { htmlFreeParserCtxt(context) }
        let options = HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOBLANKS.rawValue
        htmlCtxtUseOptions(context, Int32(options))
        if let handler { xmlSwitchToEncoding(context, handler) }

        // SAX callbacks receive ctxt->userData; point it at the parser via _private instead,
        // so libxml2 still passes its own context (which the callbacks need for the cursor).
        let unmanaged = Unmanaged.passUnretained(parser)
        context.pointee._private = unmanaged.toOpaque()
        var wholeDocumentPushed = false
        withExtendedLifetime(parser) {
            bytes.withMemoryRebound(to: CChar.self) { chars in
                let split = min(firstChunk, chars.count)
                wholeDocumentPushed = split == chars.count
                _ = htmlParseChunk(context, chars.baseAddress, Int32(clamping: split), wholeDocumentPushed ? 1 : 0)
                if parser.rawTitle == nil, !wholeDocumentPushed {
                    wholeDocumentPushed = true
                    _ = htmlParseChunk(context, chars.baseAddress.map { $0 + split }, Int32(clamping: chars.count - split), 1)
                }
            }
        }
        return (parser.rawTitle, parser.titleClosed || wholeDocumentPushed)
    }

    private static func from(_ context: UnsafeMutableRawPointer?) -> TitleParser? {
        guard let context else { return nil }
        let parserContext = context.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let owner = parserContext.pointee._private else { return nil }
        return Unmanaged<TitleParser>.fromOpaque(owner).takeUnretainedValue()
    }

    private func start(_ name: UnsafePointer<xmlChar>?, _ context: UnsafeMutableRawPointer?) {
        guard let name, rawTitle == nil else { return }
        if Self.equals(name, "svg") || Self.equals(name, "math") {
            foreignDepth += 1
        } else if foreignDepth == 0, Self.equals(name, "title"), let context {
            let parserContext = context.assumingMemoryBound(to: xmlParserCtxt.self)
            (rawTitle, titleClosed) = Self.readRCDATA(parserContext)
            xmlStopParser(parserContext)
        }
    }

    private func end(_ name: UnsafePointer<xmlChar>?) {
        guard let name, foreignDepth > 0 else { return }
        if Self.equals(name, "svg") || Self.equals(name, "math") { foreignDepth -= 1 }
    }

    /// The bytes from after the start tag to the next `</title` followed by whitespace, `/`
    /// or `>` (ASCII case-insensitive), or to the end of the buffer when there is none; and
    /// whether that end tag was there.
    private static func readRCDATA(_ context: xmlParserCtxtPtr) -> ([UInt8], closed: Bool) {
        guard let cursor = clibxml2_input_cursor(context), let end = clibxml2_input_end(context), cursor <= end else {
            return ([], false)
        }
        let buffer = UnsafeBufferPointer(start: cursor, count: end - cursor)
        var start = buffer.startIndex
        if start < buffer.endIndex, buffer[start] == UInt8(ascii: "/") { start += 1 }
        if start < buffer.endIndex, buffer[start] == UInt8(ascii: ">") { start += 1 }
        let content = buffer[start...]
        let close = endTag(in: content)
        return (Array(content.prefix(upTo: close ?? content.endIndex)), close != nil)
    }

    private static func endTag(in content: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        let tag = Array("</title".utf8)
        var index = content.startIndex
        while let lt = content[index...].firstIndex(of: UInt8(ascii: "<")) {
            let after = lt + tag.count
            if after <= content.endIndex,
                zip(content[lt..<after], tag).allSatisfy({ $0 | 0x20 == $1 | 0x20 }),
                after == content.endIndex || [0x09, 0x0A, 0x0C, 0x0D, 0x20, 0x2F, 0x3E].contains(content[after])
            {
                return lt
            }
            index = lt + 1
        }
        return nil
    }

    /// libxml2's HTML parser lowercases element names, so a byte comparison suffices.
    private static func equals(_ name: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        let bytes = literal.utf8Start
        for index in 0..<count where name[index] != bytes[index] { return false }
        return name[count] == 0
    }
}
