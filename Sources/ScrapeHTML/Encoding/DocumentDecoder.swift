import CLibXML2

/// Parses a response body into the tree a browser builds, read in the encoding a browser
/// would use: the steps ``TitleExtractor`` takes, for the whole document.
///
/// 1. ``EncodingSniffer``: BOM, HTTP charset, `<meta>` in the first 1024 bytes, else a
///    tentative UTF-8;
/// 2. decode with ``TextDecoder`` (valid UTF-8, most pages, is not copied at all: the
///    parser reads the response's own bytes) and parse;
/// 3. tentative only: the first `<meta>` the parser inserted that declares an encoding
///    changes it (the standard's "change the encoding"; browsers parse again), and the
///    page is parsed again in it. Found in the tree, not by a second scan of the bytes, so
///    pages without a declaration cost one walk over the head and body, not a
///    tokenization.
enum DocumentDecoder {
    /// The document in `bytes`, parsed with scripting on.
    static func parse(_ bytes: [UInt8], httpCharset: String?) -> HTMLDocument {
        bytes.withUnsafeBufferPointer { buffer in
            let sniffed = EncodingSniffer.sniff(buffer, httpCharset: httpCharset)
            let text = UnsafeBufferPointer(rebasing: buffer.dropFirst(sniffed.bomLength))
            let document = parse(text, encoding: sniffed.encoding)
            guard sniffed.isTentative, let declared = encodingDeclaration(in: document).map(changeTarget),
                  declared != sniffed.encoding else { return document }
            return parse(text, encoding: declared)
        }
    }

    private static func parse(_ text: UnsafeBufferPointer<UInt8>, encoding: WebEncoding) -> HTMLDocument {
        DocumentCounter.countBuild()
        if encoding == .utf8, UTF8Validation.isValid(text) { return HTMLParser.parse(utf8: text) }
        return TextDecoder.decode(text, from: encoding).withUnsafeBufferPointer { HTMLParser.parse(utf8: $0) }
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

    /// The encoding declared by the first HTML `meta` element, in parse order (template
    /// contents included: the parser inserts them with the same rules), that declares
    /// one: a `charset` that names an encoding, else `http-equiv="content-type"` with a
    /// `content` holding `charset=`.
    static func encodingDeclaration(in document: HTMLDocument) -> WebEncoding? {
        var resume: [xmlNodePtr?] = []  // where to go on after each template's contents
        var next = document.document.raw.pointee.children
        while true {
            guard let node = next else {
                guard let continuation = resume.popLast() else { return nil }
                next = continuation
                continue
            }
            if node.pointee.type == XML_ELEMENT_NODE {
                let element = DOMNode(node)
                if element.isHTML("meta"), let encoding = declaredEncoding(of: element) { return encoding }
                if let contents = element.templateContents, let first = contents.raw.pointee.children {
                    resume.append(node.pointee.children ?? nextInTree(after: node))
                    next = first
                    continue
                }
                if let child = node.pointee.children {
                    next = child
                    continue
                }
            }
            next = nextInTree(after: node)
        }
    }

    /// The node after `node`'s subtree in tree order, within its document or template
    /// contents (nil at the end).
    private static func nextInTree(after node: xmlNodePtr) -> xmlNodePtr? {
        var climb: xmlNodePtr? = node
        while let up = climb, up.pointee.type != XML_DOCUMENT_NODE, up.pointee.type != XML_DOCUMENT_FRAG_NODE {
            if let sibling = up.pointee.next { return sibling }
            climb = up.pointee.parent
        }
        return nil
    }

    private static func declaredEncoding(of meta: DOMNode) -> WebEncoding? {
        if let charset = AttributeLookup("charset").valueBytes(on: meta), let encoding = WebEncoding(label: charset) {
            return encoding
        }
        guard let pragma = AttributeLookup("http-equiv").valueBytes(on: meta),
              pragma.map(ASCII.lowercased).elementsEqual("content-type".utf8),
              let content = AttributeLookup("content").valueBytes(on: meta),
              let label = MetaPrescan.charsetLabel(inContent: content.map(ASCII.lowercased)) else { return nil }
        return WebEncoding(label: label)
    }
}
