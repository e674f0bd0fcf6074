/// The rules for parsing tokens in foreign content (section 13.2.6.5), inserting SVG
/// and MathML elements, and the integration points the dispatcher asks about.
extension TreeBuilder {
    /// "Insert a foreign element" for the current start tag in `namespace`, with the
    /// standard's name and attribute adjustments; a self-closing tag is popped at once.
    mutating func insertForeignElement(_ namespace: DOMNamespace) {
        let tag = tokenizer.tag
        let localName = namespace == .svg ? (ForeignAdjustments.svgTagNames[tag.name] ?? tag.name) : tag.name
        let attributes = tag.attributes.map { ForeignAdjustments.adjust($0, in: namespace) }
        insertElement(name: tagName, localName: localName, namespace: namespace, attributes: attributes)
        if tag.selfClosing { open.pop() }
    }

    func isMathMLTextIntegrationPoint(_ element: OpenElement) -> Bool {
        guard element.namespace == .mathML else { return false }
        let name = element.name
        return name == .mi || name == .mo || name == .mn || name == .ms || name == .mtext
    }

    func isHTMLIntegrationPoint(_ element: OpenElement) -> Bool {
        switch element.namespace {
        case .svg:
            return element.name == .foreignObject || element.name == .desc || element.name == .title
        case .mathML where element.name == .annotationXML:
            for attribute in element.node.attributes where attribute.namespace == nil && attribute.localName == "encoding" {
                let value = attribute.value.lowercased()
                return value == "text/html" || value == "application/xhtml+xml"
            }
            return false
        default:
            return false
        }
    }

    mutating func foreignCharacters(_ text: UnsafeBufferPointer<UInt8>) {
        var start = 0
        for index in 0..<text.count {
            let byte = text[index]
            if byte == 0 {
                insertCharacters(UnsafeBufferPointer(rebasing: text[start..<index]))
                Self.replacementCharacter.withUnsafeBufferPointer { insertCharacters($0) }
                start = index + 1
            } else if !ASCII.isWhitespace(byte) {
                framesetOK = false
            }
        }
        insertCharacters(text.suffix(from: start))
    }

    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    mutating func processForeign(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment:
            insertComment()
        case .startTag:
            if breaksOutOfForeignContent() {
                while let current = open.current, !(current.isHTML || isMathMLTextIntegrationPoint(current) || isHTMLIntegrationPoint(current)) {
                    open.pop()
                }
                process(kind, in: mode)
                return
            }
            insertForeignElement(adjustedCurrentNode!.namespace)
        case .endTag:
            if tagName == .br || tagName == .p {
                while let current = open.current, !(current.isHTML || isMathMLTextIntegrationPoint(current) || isHTMLIntegrationPoint(current)) {
                    open.pop()
                }
                process(kind, in: mode)
                return
            }
            foreignEndTag()
        default:
            return
        }
    }

    /// The start tags that leave foreign content (the "b, big, blockquote, ..." list and
    /// `font` with `color`, `face` or `size`).
    private func breaksOutOfForeignContent() -> Bool {
        switch tagName {
        case .b, .big, .blockquote, .body, .br, .center, .code, .dd, .div, .dl, .dt, .em, .embed,
             .h1, .h2, .h3, .h4, .h5, .h6, .head, .hr, .i, .img, .li, .listing, .menu, .meta, .nobr, .ol, .p,
             .pre, .ruby, .s, .small, .span, .strong, .strike, .sub, .sup, .table, .tt, .u, .ul, .var:
            return true
        case .font:
            return tagAttribute("color") != nil || tagAttribute("face") != nil || tagAttribute("size") != nil
        default:
            return false
        }
    }

    /// "Any other end tag" in foreign content (a `script` end tag in SVG is the same here:
    /// nothing runs scripts).
    private mutating func foreignEndTag() {
        var index = open.count - 1
        while index > 0 {
            let node = open[index]
            if node.name == tagName {
                while open.count > index { open.pop() }
                return
            }
            index -= 1
            if open[index].isHTML {
                process(.endTag, in: mode)
                return
            }
        }
    }
}
