/// Finds the first `title` element the HTML standard's parser would put in the document,
/// by running the parts of its tokenizer and tree builder that decide it.
///
/// The scan, over bytes in an ASCII-compatible encoding (structure bytes are ASCII in all
/// of them), in order:
/// 1. In the data state, text is skipped to the next `<`. Comments (`<!--` … `-->`, `--!>`,
///    and the abrupt `<!-->`, `<!--->`), DOCTYPEs, bogus comments (`<?`, `</` + non-letter,
///    `<!` + anything else, and `<![CDATA[` outside foreign content) end as the standard's
///    comment states end them; their insides are never markup.
/// 2. Tags are read with their attributes (a quoted `>` does not end a tag).
/// 3. A start tag in HTML content switches the tokenizer as the tree builder would:
///    `title` and `textarea` to RCDATA; `style`, `xmp`, `iframe`, `noembed`, `noframes` and
///    `noscript` (scripting is on in browsers) to RAWTEXT; `script` to the script data
///    states (with their `<!--` / `<script>` escapes); `plaintext` to the end. Their text
///    runs to the next appropriate end tag (`</name` + whitespace, `/` or `>`), and is never
///    markup, so a `<title>` inside them is text.
/// 4. `svg` and `math` start foreign content: there a `title` is an SVG (or MathML)
///    element, not the document's, nothing switches the tokenizer, and `<![CDATA[` is a
///    CDATA section. The HTML integration points (SVG `foreignObject`, `desc`, `title`;
///    MathML `annotation-xml` with an HTML encoding) and MathML text integration points
///    (`mi`, `mo`, `mn`, `ms`, `mtext`) take HTML again; the breakout tags (`p`, `div`, `b`,
///    `table`, `font` with color/face/size, …) leave foreign content.
/// 5. `template` contents are a separate fragment: a `title` there is parsed (RCDATA) but
///    is not the document's.
/// 6. The first `title` start tag in HTML content outside a template is the document's
///    title element: its RCDATA text, up to `</title` or the end, is the result.
///
/// Not modelled, because they only reorder titles when a page has two: foster parenting
/// (a `title` in table context is moved before the table) and the insertion modes that
/// drop a `title` start tag (`frameset`, the former `in select`). (This file is one
/// coherent state machine, hence over the usual size.)
struct TitleScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// Open foreign elements, innermost last (empty: HTML content).
    private var foreign: [ForeignElement] = []
    /// Open HTML elements (names), innermost last: for `template`, and for what an end tag
    /// closes (with the foreign content inside it).
    private var htmlOpen: [[UInt8]] = []

    private struct ForeignElement {
        enum Namespace { case svg, math }
        let namespace: Namespace
        let name: [UInt8]
        /// An HTML integration point or a MathML text integration point: HTML content inside.
        let takesHTML: Bool
        let isTextIntegrationPoint: Bool
        let isAnnotationXML: Bool
        /// `htmlOpen.count` when it was opened: HTML elements past that are inside it.
        let htmlDepth: Int
    }

    /// Whether the current node is a foreign element (not an HTML element opened inside an
    /// integration point).
    private var currentIsForeign: Bool {
        guard let last = foreign.last else { return false }
        return last.htmlDepth == htmlOpen.count
    }

    private struct Tag {
        var name: [UInt8] = []
        var isEnd = false
        var selfClosing = false
        var attributes: [(name: [UInt8], value: [UInt8])] = []
    }

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The first encoding a `<meta>` in HTML content declared (`charset`, or `http-equiv`
    /// `content-type` with a `content` charset), for the standard's "change the encoding"
    /// when the encoding was only a guess.
    private(set) var declaredEncoding: WebEncoding?
    /// The title's range once found, so a scan can go on past it (for a late `<meta>`).
    private var title: Range<Int>?

    /// The byte range of the document title's raw text (before character references are
    /// decoded), or nil when the document has no title element.
    mutating func titleRange() -> Range<Int>? {
        scan(stopAtTitle: true)
        return title
    }

    /// Goes on to the end of the document (after ``titleRange()``), to find a `<meta>`
    /// that declares the encoding; see ``declaredEncoding``.
    mutating func scanForEncodingDeclaration() {
        scan(stopAtTitle: false)
    }

    private mutating func scan(stopAtTitle: Bool) {
        while let lt = nextByte(0x3C, from: position) {
            position = lt + 1
            guard let next = byte(at: position) else { return }
            switch next {
            case 0x21:  // <!
                markupDeclaration()
            case 0x2F:  // </
                guard let letter = byte(at: position + 1) else { return }
                if ASCII.isLetter(letter) {
                    position += 1
                    endTag(readTag(isEnd: true))
                } else if letter == 0x3E {
                    position += 2  // `</>` is dropped
                } else {
                    skipBogusComment()
                }
            case 0x3F:  // <?
                skipBogusComment()
            default:
                guard ASCII.isLetter(next) else { continue }
                if let found = startTag(readTag(isEnd: false)), title == nil {
                    title = found
                    if stopAtTitle { return }
                }
            }
        }
    }

    // MARK: Tree builder (the part that decides titles)

    /// Handles a start tag; returns the title's range when this is the document's title.
    private mutating func startTag(_ tag: Tag) -> Range<Int>? {
        if currentIsForeign, let current = foreign.last,
            !current.takesHTML || (current.isTextIntegrationPoint && Self.isMGlyphOrMAlignMark(tag.name))
        {
            if current.isAnnotationXML, tag.name == Self.svgName {
                // annotation-xml takes an svg start tag as HTML content would.
            } else if Self.breaksOutOfForeignContent(tag) {
                while currentIsForeign, let last = foreign.last, !last.takesHTML { foreign.removeLast() }
            } else {
                pushForeign(tag, namespace: current.namespace)
                return nil
            }
        }
        return htmlStartTag(tag)
    }

    /// A start tag in HTML content.
    private mutating func htmlStartTag(_ tag: Tag) -> Range<Int>? {
        switch tag.name {
        case Self.svgName:
            pushForeign(tag, namespace: .svg)
        case Self.mathName:
            pushForeign(tag, namespace: .math)
        case Self.titleName:
            let range = rawText(until: Self.titleName)
            if !htmlOpen.contains(Self.templateName) { return range }
        case Self.textareaName:
            _ = rawText(until: tag.name)
        case Self.scriptName:
            skipScriptData()
        case Self.plaintextName:
            position = bytes.count
        case Self.metaName:
            if declaredEncoding == nil { declaredEncoding = Self.encodingDeclaration(of: tag) }
        default:
            if Self.rawTextElements.contains(tag.name) {
                _ = rawText(until: tag.name)
            } else if !Self.voidElements.contains(tag.name) {
                openHTML(tag.name)  // a `/>` on an HTML element that is not void is ignored
            }
        }
        return nil
    }

    private mutating func endTag(_ tag: Tag) {
        if currentIsForeign {
            if tag.name == Self.brName || tag.name == Self.pName {
                while currentIsForeign, let last = foreign.last, !last.takesHTML { foreign.removeLast() }
            } else {
                // Foreign content's "any other end tag": the nearest open foreign element of
                // that name closes, unless an HTML element comes first (then HTML's rules).
                for index in foreign.indices.reversed() {
                    if Self.lowercased(foreign[index].name) == tag.name {
                        htmlOpen.removeSubrange(min(foreign[index].htmlDepth, htmlOpen.count)...)
                        foreign.removeSubrange(index...)
                        return
                    }
                    if index == 0 || foreign[index].htmlDepth > foreign[index - 1].htmlDepth { break }
                }
            }
        }
        // HTML's "any other end tag": the nearest open HTML element of that name in scope
        // closes, with everything opened after it, foreign content included.
        guard let index = htmlOpen.lastIndex(of: tag.name) else { return }
        let blockedByHTML = htmlOpen[(index + 1)...].contains { Self.scopeBoundaries.contains($0) }
        let blockedByForeign = foreign.contains { $0.takesHTML && $0.htmlDepth > index }
        guard !blockedByHTML, !blockedByForeign else { return }
        htmlOpen.removeSubrange(index...)
        foreign.removeAll { $0.htmlDepth > index }
    }

    /// What a `<meta>` declares, by the standard's rules for "in head" (`charset` first,
    /// then `http-equiv: content-type` with a `content` charset).
    private static func encodingDeclaration(of tag: Tag) -> WebEncoding? {
        if let charset = tag.attributes.first(where: { $0.name == charsetName }) { return WebEncoding(label: charset.value) }
        guard let pragma = tag.attributes.first(where: { $0.name == httpEquivName }), lowercased(pragma.value) == contentTypeValue,
            let content = tag.attributes.first(where: { $0.name == contentName }),
            let label = MetaPrescan.charsetLabel(inContent: lowercased(content.value))
        else { return nil }
        return WebEncoding(label: label)
    }

    private mutating func pushForeign(_ tag: Tag, namespace: ForeignElement.Namespace) {
        guard !tag.selfClosing else { return }
        let name = tag.name
        var takesHTML = false
        var textPoint = false
        var annotation = false
        switch namespace {
        case .svg:
            takesHTML = name == Self.foreignObjectName || name == Self.descName || name == Self.titleName
        case .math:
            textPoint = Self.mathTextIntegrationPoints.contains(name)
            annotation = name == Self.annotationXMLName
            if annotation, let encoding = tag.attributes.first(where: { $0.name == Self.encodingName })?.value {
                let lowered = Self.lowercased(encoding)
                takesHTML = lowered == Array("text/html".utf8) || lowered == Array("application/xhtml+xml".utf8)
            }
            takesHTML = takesHTML || textPoint
        }
        guard foreign.count < 4096 else { return }  // bounded, whatever the page does
        foreign.append(ForeignElement(
            namespace: namespace, name: name, takesHTML: takesHTML, isTextIntegrationPoint: textPoint, isAnnotationXML: annotation,
            htmlDepth: htmlOpen.count))
    }

    private mutating func openHTML(_ name: [UInt8]) {
        guard htmlOpen.count < 4096 else { return }  // bounded, whatever the page does
        htmlOpen.append(name)
    }

    // MARK: Tokenizer states

    /// After `<!`: a comment, a DOCTYPE, a CDATA section (foreign content) or a bogus comment.
    private mutating func markupDeclaration() {
        let start = position + 1
        if starts(with: "--", at: start) {
            skipComment(from: start + 2)
        } else if startsCaseInsensitive(with: "doctype", at: start) {
            position = (nextByte(0x3E, from: start) ?? bytes.count - 1) + 1
        } else if starts(with: "[CDATA[", at: start), currentIsForeign {
            position = (find("]]>", from: start + 7) ?? bytes.count) + 3
        } else {
            skipBogusComment()
        }
    }

    /// The comment states, from just after `<!--`.
    private mutating func skipComment(from start: Int) {
        if byte(at: start) == 0x3E {  // <!-->
            position = start + 1
            return
        }
        if byte(at: start) == 0x2D, byte(at: start + 1) == 0x3E {  // <!--->
            position = start + 2
            return
        }
        var index = start
        while let dashes = find("--", from: index) {
            var after = dashes + 2
            while byte(at: after) == 0x2D { after += 1 }
            if byte(at: after) == 0x3E {
                position = after + 1
                return
            }
            if byte(at: after) == 0x21, byte(at: after + 1) == 0x3E {  // --!>
                position = after + 2
                return
            }
            index = after
        }
        position = bytes.count
    }

    /// To the first `>` (a bogus comment, `<?...>`).
    private mutating func skipBogusComment() {
        position = (nextByte(0x3E, from: position) ?? bytes.count - 1) + 1
    }

    /// Reads a tag from its name (just after `<` or `</`) to its `>`, attributes included.
    private mutating func readTag(isEnd: Bool) -> Tag {
        var tag = Tag(isEnd: isEnd)
        while let byte = byte(at: position), !ASCII.isWhitespace(byte), byte != 0x2F, byte != 0x3E {
            tag.name.append(ASCII.lowercased(byte))
            position += 1
        }
        // Attributes, as the attribute states read them.
        while let byte = byte(at: position) {
            if ASCII.isWhitespace(byte) {
                position += 1
            } else if byte == 0x3E {
                position += 1
                return tag
            } else if byte == 0x2F {
                position += 1
                if self.byte(at: position) == 0x3E {
                    tag.selfClosing = true
                    position += 1
                    return tag
                }
            } else {
                readAttribute(into: &tag)
            }
        }
        return tag
    }

    private mutating func readAttribute(into tag: inout Tag) {
        var name: [UInt8] = [ASCII.lowercased(bytes[position])]  // a first `=` belongs to the name
        position += 1
        while let byte = byte(at: position), !ASCII.isWhitespace(byte), byte != 0x2F, byte != 0x3E, byte != 0x3D {
            name.append(ASCII.lowercased(byte))
            position += 1
        }
        while let byte = byte(at: position), ASCII.isWhitespace(byte) { position += 1 }
        var value: [UInt8] = []
        if byte(at: position) == 0x3D {
            position += 1
            while let byte = byte(at: position), ASCII.isWhitespace(byte) { position += 1 }
            if let quote = byte(at: position), quote == 0x22 || quote == 0x27 {
                let end = nextByte(quote, from: position + 1) ?? bytes.count
                value = Array(bytes[(position + 1)..<end])
                position = min(end + 1, bytes.count)
            } else {
                while let byte = byte(at: position), !ASCII.isWhitespace(byte), byte != 0x3E {
                    value.append(byte)
                    position += 1
                }
            }
        }
        // Kept only where a decision needs them (meta, font, annotation-xml), and bounded.
        if Self.attributeReaders.contains(tag.name), tag.attributes.count < 64, !tag.attributes.contains(where: { $0.name == name }) {
            tag.attributes.append((name, value))
        }
    }

    /// RCDATA or RAWTEXT: the text up to the appropriate end tag `</name`, which is then
    /// read (with any attributes) and consumed. Returns the text's range.
    private mutating func rawText(until name: [UInt8]) -> Range<Int> {
        let start = position
        var index = position
        while let lt = nextByte(0x3C, from: index) {
            if isAppropriateEndTag(name, at: lt) {
                position = lt + 2
                _ = readTag(isEnd: true)
                return start..<lt
            }
            index = lt + 1
        }
        position = bytes.count
        return start..<bytes.count
    }

    /// The script data states: to `</script`, skipping what its `<!--` and `<script>`
    /// escapes hide. `dashes` counts the `-` just seen: `-->` (the dashes of `<!--`
    /// included, so `<!-->` escapes nothing) ends an escape.
    private mutating func skipScriptData() {
        enum State { case data, escaped, doubleEscaped }
        var state = State.data
        var dashes = 0
        var index = position
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x2D, state != .data {
                dashes += 1
                index += 1
                continue
            }
            let closesEscape = byte == 0x3E && state != .data && dashes >= 2
            dashes = 0
            if closesEscape {
                state = .data
            } else if byte == 0x3C {
                switch state {
                case .data where starts(with: "!--", at: index + 1):
                    state = .escaped
                    index += 4
                    dashes = 2
                    continue
                case .data, .escaped:
                    if isAppropriateEndTag(Self.scriptName, at: index) {
                        position = index + 2
                        _ = readTag(isEnd: true)
                        return
                    }
                    if state == .escaped, startsCaseInsensitive(with: "script", at: index + 1),
                        self.byte(at: index + 7).map(Self.endsTagName) == true
                    {
                        state = .doubleEscaped
                        index += 7
                        continue
                    }
                case .doubleEscaped:
                    if self.byte(at: index + 1) == 0x2F, startsCaseInsensitive(with: "script", at: index + 2),
                        self.byte(at: index + 8).map(Self.endsTagName) == true
                    {
                        state = .escaped
                        index += 8
                        continue
                    }
                }
            }
            index += 1
        }
        position = bytes.count
    }

    /// Whether `</name` followed by whitespace, `/` or `>` starts at `index`.
    private func isAppropriateEndTag(_ name: [UInt8], at index: Int) -> Bool {
        guard byte(at: index + 1) == 0x2F, index + 2 + name.count <= bytes.count else { return false }
        for (offset, letter) in name.enumerated() where ASCII.lowercased(bytes[index + 2 + offset]) != letter { return false }
        guard let after = byte(at: index + 2 + name.count) else { return false }
        return Self.endsTagName(after)
    }

    // MARK: Bytes

    private func byte(at index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private func nextByte(_ value: UInt8, from index: Int) -> Int? {
        guard index < bytes.count else { return nil }
        return bytes[index...].firstIndex(of: value)
    }

    private func find(_ literal: StaticString, from index: Int) -> Int? {
        var start = index
        let first = literal.utf8Start.pointee
        while let candidate = nextByte(first, from: start) {
            if starts(with: literal, at: candidate) { return candidate }
            start = candidate + 1
        }
        return nil
    }

    private func starts(with literal: StaticString, at index: Int) -> Bool {
        guard index + literal.utf8CodeUnitCount <= bytes.count else { return false }
        for offset in 0..<literal.utf8CodeUnitCount where bytes[index + offset] != literal.utf8Start[offset] { return false }
        return true
    }

    private func startsCaseInsensitive(with literal: StaticString, at index: Int) -> Bool {
        guard index + literal.utf8CodeUnitCount <= bytes.count else { return false }
        for offset in 0..<literal.utf8CodeUnitCount where ASCII.lowercased(bytes[index + offset]) != literal.utf8Start[offset] {
            return false
        }
        return true
    }


    /// What may follow a tag name: whitespace, `/` or `>`.
    private static func endsTagName(_ byte: UInt8) -> Bool { ASCII.isWhitespace(byte) || byte == 0x2F || byte == 0x3E }

    private static func lowercased(_ bytes: [UInt8]) -> [UInt8] { bytes.map(ASCII.lowercased) }

    // MARK: Names

    private static let titleName = Array("title".utf8)
    private static let textareaName = Array("textarea".utf8)
    private static let scriptName = Array("script".utf8)
    private static let plaintextName = Array("plaintext".utf8)
    private static let templateName = Array("template".utf8)
    private static let svgName = Array("svg".utf8)
    private static let mathName = Array("math".utf8)
    private static let brName = Array("br".utf8)
    private static let pName = Array("p".utf8)
    private static let foreignObjectName = Array("foreignobject".utf8)
    private static let descName = Array("desc".utf8)
    private static let annotationXMLName = Array("annotation-xml".utf8)
    private static let encodingName = Array("encoding".utf8)
    private static let metaName = Array("meta".utf8)
    private static let charsetName = Array("charset".utf8)
    private static let httpEquivName = Array("http-equiv".utf8)
    private static let contentName = Array("content".utf8)
    private static let contentTypeValue = Array("content-type".utf8)
    private static let attributeReaders: Set<[UInt8]> = Set(["meta", "font", "annotation-xml"].map { Array($0.utf8) })
    /// HTML elements that bound "has an element in scope": an end tag does not reach past them.
    private static let scopeBoundaries: Set<[UInt8]> = Set(
        ["applet", "caption", "html", "table", "td", "th", "marquee", "object", "template"].map { Array($0.utf8) })
    private static let rawTextElements: Set<[UInt8]> = Set(["style", "xmp", "iframe", "noembed", "noframes", "noscript"].map { Array($0.utf8) })
    private static let mathTextIntegrationPoints: Set<[UInt8]> = Set(["mi", "mo", "mn", "ms", "mtext"].map { Array($0.utf8) })
    private static let voidElements: Set<[UInt8]> = Set(
        ["area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input", "keygen", "link", "meta",
         "param", "source", "track", "wbr"].map { Array($0.utf8) })
    /// Start tags that leave foreign content (the standard's list for "in foreign content").
    private static let breakoutTags: Set<[UInt8]> = Set(
        ["b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed", "h1", "h2", "h3", "h4",
         "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small",
         "span", "strong", "strike", "sub", "sup", "table", "tt", "u", "ul", "var"].map { Array($0.utf8) })

    private static func breaksOutOfForeignContent(_ tag: Tag) -> Bool {
        if breakoutTags.contains(tag.name) { return true }
        guard tag.name == Array("font".utf8) else { return false }
        return tag.attributes.contains { ["color", "face", "size"].map { Array($0.utf8) }.contains($0.name) }
    }

    private static func isMGlyphOrMAlignMark(_ name: [UInt8]) -> Bool {
        name == Array("mglyph".utf8) || name == Array("malignmark".utf8)
    }
}
