import CLibXML2

/// Creating and inserting nodes (section 13.2.6.1): the appropriate place for inserting a
/// node (foster parenting, template contents), elements for tokens, comments, and
/// characters, which are buffered per insertion point.
extension TreeBuilder {
    /// Where a node goes: into `parent`, before `before` (last when nil).
    struct InsertionPlace {
        var parent: DOMNode
        var before: DOMNode?
    }

    /// "The appropriate place for inserting a node", optionally with an override target.
    func appropriatePlace(overrideTarget: OpenElement? = nil) -> InsertionPlace {
        let target = overrideTarget ?? currentNode
        var place: InsertionPlace
        if fosterParenting, target.isHTML,
           target.name == .table || target.name == .tbody || target.name == .tfoot || target.name == .thead || target.name == .tr {
            place = fosterParentPlace()
        } else {
            place = InsertionPlace(parent: target.node, before: nil)
        }
        if let contents = place.parent.templateContents {
            place = InsertionPlace(parent: contents, before: nil)
        }
        return place
    }

    /// The foster-parenting branch: before the last table, or into the last template.
    private func fosterParentPlace() -> InsertionPlace {
        var lastTable: Int?
        var lastTemplate: Int?
        var index = open.count - 1
        while index >= 0, lastTable == nil {
            let element = open[index]
            if element.isHTML(.table) { lastTable = index }
            if element.isHTML(.template), lastTemplate == nil { lastTemplate = index }
            index -= 1
        }
        if let lastTemplate, lastTable.map({ lastTemplate > $0 }) ?? true {
            return InsertionPlace(parent: open[lastTemplate].node, before: nil)
        }
        guard let lastTable else { return InsertionPlace(parent: open[0].node, before: nil) }
        let table = open[lastTable].node
        if let parent = table.parent { return InsertionPlace(parent: parent, before: table) }
        return InsertionPlace(parent: open[lastTable - 1].node, before: nil)
    }

    // MARK: Nodes

    /// Links `node` at `place` (after writing out pending characters).
    mutating func insertNode(_ node: DOMNode, at place: InsertionPlace) {
        flushText()
        document.insert(node, into: place.parent, before: place.before)
        if node.isElement {
            if place.before != nil { elementsInDocumentOrder = false }
            elementCount += 1
            document.number(node, as: elementCount)
        }
    }

    /// "Insert a comment" at the appropriate place, or at `place`.
    mutating func insertComment(at place: InsertionPlace? = nil) {
        let comment = document.createComment(tokenizer.text)
        insertNode(comment, at: place ?? appropriatePlace())
    }

    /// The current tag's attributes, unadjusted (HTML elements).
    func htmlAttributes(_ attributes: [HTMLAttribute]) -> [HTMLDocument.NewAttribute] {
        attributes.map { HTMLDocument.NewAttribute(namespace: nil, localName: $0.name, value: $0.value) }
    }

    /// A name for a new HTML element called `name` (`bytes`): the shared one cached per
    /// name, when the document's dictionary gave one (see ``HTMLDocument/nodeName(_:)``).
    mutating func htmlElementName(_ name: TagName, _ bytes: [UInt8]) -> UnsafeMutablePointer<UInt8> {
        let index = Int(name.id)
        if index < sharedHTMLNames.count, let shared = sharedHTMLNames[index] { return shared }
        let fresh = bytes.withUnsafeBufferPointer { document.nodeName($0) }
        guard document.isShared(fresh) else { return fresh }
        if index >= sharedHTMLNames.count {
            sharedHTMLNames.append(contentsOf: repeatElement(nil, count: index + 1 - sharedHTMLNames.count))
        }
        sharedHTMLNames[index] = fresh
        return fresh
    }

    /// A new HTML element named `name` with `attributes` (as tokenized), not in the tree.
    mutating func createHTMLElement(_ name: TagName, _ bytes: [UInt8], attributes: [HTMLAttribute]) -> DOMNode {
        let node = document.createElement(named: htmlElementName(name, bytes), namespace: .html)
        var last: xmlAttrPtr?
        for attribute in attributes {
            last = attribute.name.withUnsafeBufferPointer { attributeName in
                attribute.value.withUnsafeBufferPointer { value in
                    document.addAttribute(to: node, after: last, namespace: nil, localName: attributeName, value: value)
                }
            }
        }
        return node
    }

    /// "Insert an HTML element" for the current start tag.
    @discardableResult
    mutating func insertHTMLElement() -> OpenElement {
        insertHTMLElement(tagName, tokenizer.tag.name, attributes: tokenizer.tag.attributes)
    }

    /// "Insert an HTML element" for a start tag the rules make up (`html`, `head`,
    /// `body`, `tbody`, `tr`, `colgroup`, `p`, `br`), which has no attributes.
    @discardableResult
    mutating func insertHTMLElement(_ name: TagName) -> OpenElement {
        insertHTMLElement(name, TagNameTable.bytes(of: name), attributes: [])
    }

    @discardableResult
    mutating func insertHTMLElement(_ name: TagName, _ bytes: [UInt8], attributes: [HTMLAttribute]) -> OpenElement {
        let place = appropriatePlace()
        let node = createHTMLElement(name, bytes, attributes: attributes)
        insertNode(node, at: place)
        let element = OpenElement(node: node, name: name, namespace: .html)
        open.push(element)
        if name == .selectedcontent { open.recordsPoppedOptions = true }
        return element
    }

    /// Creates a foreign element and inserts it at the appropriate place, then pushes it.
    @discardableResult
    mutating func insertElement(name: TagName, localName: [UInt8], namespace: DOMNamespace, attributes: [HTMLDocument.NewAttribute]) -> OpenElement {
        let place = appropriatePlace()
        let node = document.createElement(localName, namespace: namespace, attributes: attributes)
        insertNode(node, at: place)
        let element = OpenElement(node: node, name: name, namespace: namespace)
        open.push(element)
        return element
    }

    /// Removes a node from its parent (after writing out pending characters).
    mutating func detach(_ node: DOMNode) {
        flushText()
        document.remove(node)
    }

    /// Removes a node from the tree for good (after writing out pending characters): the
    /// document frees it (``HTMLDocument/discard(_:)``).
    mutating func discard(_ node: DOMNode) {
        flushText()
        document.discard(node)
    }

    // MARK: Characters

    /// "Insert a character" for a run: buffered while the insertion point stays the same.
    mutating func insertCharacters(_ text: UnsafeBufferPointer<UInt8>) {
        guard !text.isEmpty else { return }
        let place = appropriatePlace()
        if place.parent.raw == document.document.raw { return }
        if pendingText.isEmpty || pendingTextParent != place.parent || pendingTextBefore != place.before {
            flushText()
            pendingTextParent = place.parent
            pendingTextBefore = place.before
        }
        pendingText.append(contentsOf: text)
    }

    /// Writes buffered characters into the tree: before any other change to it, so that
    /// the standard's "append to the Text node just before" sees them.
    mutating func flushText() {
        guard !pendingText.isEmpty, let parent = pendingTextParent else { return }
        pendingText.withUnsafeBufferPointer { document.insertText($0, into: parent, before: pendingTextBefore) }
        pendingText.removeAll(keepingCapacity: true)
    }

    /// Inserts `text` with U+0000 bytes left out (the in-body rule: a parse error, ignored).
    mutating func insertCharactersDroppingNulls(_ text: UnsafeBufferPointer<UInt8>) {
        var start = 0
        while let null = Self.firstNull(in: text, from: start) {
            insertCharacters(UnsafeBufferPointer(rebasing: text[start..<null]))
            start = null + 1
        }
        insertCharacters(text.suffix(from: start))
    }

    /// The index of the first U+0000 at or after `start`, eight bytes at a time (text
    /// almost never has one, and every run in body is checked).
    static func firstNull(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = text.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        var index = start
        while index + 8 <= text.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < text.count {
            if text[index] == 0 { return index }
            index += 1
        }
        return nil
    }
}
