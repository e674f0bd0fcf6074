/// The HTML standard's tree construction stage (section 13.2.6): pulls tokens from an
/// ``HTMLTokenizer`` and builds an ``HTMLDocument``.
///
/// One coherent state machine spread over files by insertion-mode family
/// (`TreeBuilder+InBody.swift`, `+InTable.swift`, `+Foreign.swift`, ...); this file holds
/// the state and the dispatcher. Nothing recurses on the tree's depth: every walk is a
/// loop over the stack of open elements or the list of active formatting elements.
///
/// The current token's contents stay in the tokenizer's buffers; the builder reads them
/// there (its name interned in ``tagName``) and never keeps them past the token, except
/// the attributes a formatting element needs for the Noah's Ark clause and for
/// reconstruction.
struct TreeBuilder {
    /// The insertion modes of section 13.2.4.1. The standard as it stands (2025) has no
    /// "in select" or "in select in table": `select` is parsed by the in-body rules.
    enum Mode {
        case initial
        case beforeHTML
        case beforeHead
        case inHead
        case inHeadNoscript
        case afterHead
        case inBody
        case text
        case inTable
        case inTableText
        case inCaption
        case inColumnGroup
        case inTableBody
        case inRow
        case inCell
        case inTemplate
        case afterBody
        case inFrameset
        case afterFrameset
        case afterAfterBody
        case afterAfterFrameset
    }

    let document: HTMLDocument
    var tokenizer: HTMLTokenizer
    var names = TagNameTable()

    var mode: Mode = .initial
    var originalMode: Mode = .initial
    var templateModes: [Mode] = []
    var open = OpenElements()
    var formatting = ActiveFormattingElements()
    var headElement: DOMNode?
    var formElement: DOMNode?
    let scripting: Bool
    var framesetOK = true
    var fosterParenting = false
    /// Set after `pre`, `listing` and `textarea` start tags: a newline right after is dropped.
    var skipNextNewline = false
    /// The "pending table character tokens" of "in table text".
    var pendingTableText: [UInt8] = []
    var pendingTableTextIsWhitespace = true
    /// Characters not yet in the tree, all for one insertion point (see ``flushText()``).
    var pendingText: [UInt8] = []
    var pendingTextParent: DOMNode?
    var pendingTextBefore: DOMNode?
    /// The fragment parsing algorithm's context element (nil for a document).
    var context: OpenElement?
    /// Shared (dictionary) names of HTML elements, by ``TagName/id`` (nil: none yet).
    var sharedHTMLNames: [UnsafeMutablePointer<UInt8>?] = []
    /// Elements inserted so far: each is numbered as it goes in (for XPath's document order).
    var elementCount = 0
    /// Whether every element so far went in after all earlier ones in document order (not
    /// so once the adoption agency moves nodes or foster parenting inserts before a table):
    /// then the numbers are document order and ``HTMLDocument/finishBuilding(elementsAreNumbered:)``
    /// need not walk the tree.
    var elementsInDocumentOrder = true

    /// The current start or end tag's name, interned.
    var tagName = TagName(id: 0)

    init(document: HTMLDocument, tokenizer: HTMLTokenizer, scripting: Bool) {
        self.document = document
        self.tokenizer = tokenizer
        self.scripting = scripting
    }

    // MARK: The loop

    /// Parses to the end of the input.
    mutating func run() {
        while true {
            let kind = tokenizer.next()
            if kind == .startTag || kind == .endTag { tagName = names.lookup(tokenizer.tag.name) }
            if skipNextNewline {
                skipNextNewline = false
                if kind == .characters {
                    let text = tokenizer.text
                    text.withUnsafeBufferPointer { buffer in
                        let rest = buffer.first == 0x0A ? UnsafeBufferPointer(rebasing: buffer.dropFirst()) : buffer
                        if !rest.isEmpty { dispatchCharacters(rest) }
                    }
                    continue
                }
            }
            switch kind {
            case .characters:
                let text = tokenizer.text
                text.withUnsafeBufferPointer { dispatchCharacters($0) }
            case .endOfFile:
                dispatch(.endOfFile)
                flushText()
                open.popAll()
                if !open.poppedOptions.isEmpty { copyPoppedOptionsIntoSelectedContent() }
                return
            default:
                dispatch(kind)
                if !open.poppedOptions.isEmpty { copyPoppedOptionsIntoSelectedContent() }
            }
            updateTokenizerCDATA()
        }
    }

    // MARK: Dispatch (section 13.2.6 "tree construction dispatcher")

    /// Whether the token goes to the rules for foreign content rather than to the mode.
    private func usesForeignRules(_ kind: HTMLTokenKind) -> Bool {
        guard let node = adjustedCurrentNode, node.namespace != .html else { return false }
        if kind == .endOfFile { return false }
        if isMathMLTextIntegrationPoint(node) {
            if kind == .characters { return false }
            if kind == .startTag && tagName != .mglyph && tagName != .malignmark { return false }
        }
        if node.namespace == .mathML && node.name == .annotationXML && kind == .startTag && tagName == .svg { return false }
        if isHTMLIntegrationPoint(node) && (kind == .startTag || kind == .characters) { return false }
        return true
    }

    /// Processes a non-character token by the dispatcher's choice of rules.
    mutating func dispatch(_ kind: HTMLTokenKind) {
        if usesForeignRules(kind) {
            processForeign(kind)
        } else {
            process(kind, in: mode)
        }
    }

    mutating func dispatchCharacters(_ text: UnsafeBufferPointer<UInt8>) {
        if usesForeignRules(.characters) {
            foreignCharacters(text)
            return
        }
        var rest = text
        while !rest.isEmpty { rest = characters(rest, in: mode) }
    }

    /// Processes a non-character token by the rules of `mode` ("using the rules for").
    mutating func process(_ kind: HTMLTokenKind, in mode: Mode) {
        switch mode {
        case .initial: initial(kind)
        case .beforeHTML: beforeHTML(kind)
        case .beforeHead: beforeHead(kind)
        case .inHead: inHead(kind)
        case .inHeadNoscript: inHeadNoscript(kind)
        case .afterHead: afterHead(kind)
        case .inBody: inBody(kind)
        case .text: inText(kind)
        case .inTable: inTable(kind)
        case .inTableText: inTableText(kind)
        case .inCaption: inCaption(kind)
        case .inColumnGroup: inColumnGroup(kind)
        case .inTableBody: inTableBody(kind)
        case .inRow: inRow(kind)
        case .inCell: inCell(kind)
        case .inTemplate: inTemplate(kind)
        case .afterBody: afterBody(kind)
        case .inFrameset: inFrameset(kind)
        case .afterFrameset: afterFrameset(kind)
        case .afterAfterBody: afterAfterBody(kind)
        case .afterAfterFrameset: afterAfterFrameset(kind)
        }
    }

    /// Processes a run of characters by the rules of `mode`; returns what is left to
    /// reprocess (in the mode the rules switched to), empty when all was consumed.
    mutating func characters(_ text: UnsafeBufferPointer<UInt8>, in mode: Mode) -> UnsafeBufferPointer<UInt8> {
        switch mode {
        case .initial, .beforeHTML, .beforeHead, .afterHead, .inHeadNoscript, .inHead:
            return headCharacters(text, in: mode)
        case .inBody, .inCaption, .inCell, .inTemplate:
            bodyCharacters(text)
            return UnsafeBufferPointer(start: nil, count: 0)
        case .text:
            insertCharacters(text)
            return UnsafeBufferPointer(start: nil, count: 0)
        case .inTable, .inTableBody, .inRow:
            return tableCharacters(text)
        case .inTableText:
            tableTextCharacters(text)
            return UnsafeBufferPointer(start: nil, count: 0)
        case .inColumnGroup:
            return columnGroupCharacters(text)
        case .afterBody, .afterAfterBody:
            return afterBodyCharacters(text, in: mode)
        case .inFrameset, .afterFrameset, .afterAfterFrameset:
            framesetCharacters(text, in: mode)
            return UnsafeBufferPointer(start: nil, count: 0)
        }
    }

    // MARK: State the rules read

    /// The "adjusted current node": the context element when parsing a fragment whose
    /// stack holds only `html`, else the current node.
    var adjustedCurrentNode: OpenElement? {
        if let context, open.count == 1 { return context }
        return open.current
    }

    var currentNode: OpenElement { open.current! }

    /// Whether the current tag has an attribute with this name.
    func tagAttribute(_ name: StaticString) -> [UInt8]? {
        let bytes = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        for attribute in tokenizer.tag.attributes where attribute.name.elementsEqual(bytes) { return attribute.value }
        return nil
    }
}

/// Byte helpers the rules share.
extension UnsafeBufferPointer where Element == UInt8 {
    /// The length of the leading run of ASCII whitespace.
    func whitespacePrefixLength() -> Int {
        var index = 0
        while index < count, ASCII.isWhitespace(self[index]) { index += 1 }
        return index
    }

    func suffix(from index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: self[index...])
    }

    func prefix(upTo index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: self[..<index])
    }

    static var empty: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: nil, count: 0) }
}
