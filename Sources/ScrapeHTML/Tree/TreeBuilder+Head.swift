/// The insertion modes before the body (sections 13.2.6.4.1 to 13.2.6.4.6) and "text"
/// (13.2.6.4.8): initial, before html, before head, in head, in head noscript, after head.
extension TreeBuilder {
    /// Character runs in the modes before the body: leading whitespace is ignored or
    /// inserted, the rest goes to "anything else" (which switches mode; the caller
    /// reprocesses it).
    mutating func headCharacters(_ text: UnsafeBufferPointer<UInt8>, in mode: Mode) -> UnsafeBufferPointer<UInt8> {
        let whitespace = text.whitespacePrefixLength()
        switch mode {
        case .initial, .beforeHTML, .beforeHead:
            break
        case .inHead, .inHeadNoscript, .afterHead:
            insertCharacters(text.prefix(upTo: whitespace))
        default:
            break
        }
        let rest = text.suffix(from: whitespace)
        guard !rest.isEmpty else { return rest }
        switch mode {
        case .initial: initialAnythingElse()
        case .beforeHTML: beforeHTMLAnythingElse()
        case .beforeHead: beforeHeadAnythingElse()
        case .inHead: inHeadAnythingElse()
        case .inHeadNoscript: inHeadNoscriptAnythingElse()
        default: afterHeadAnythingElse()
        }
        return rest
    }

    // MARK: Initial

    mutating func initial(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment:
            insertComment(at: InsertionPlace(parent: document.document, before: nil))
        case .doctype:
            let doctype = tokenizer.doctype
            document.appendDoctype(name: doctype.name ?? [], publicID: doctype.publicID ?? [], systemID: doctype.systemID ?? [])
            if context == nil { document.mode = DoctypeQuirks.mode(for: doctype) }
            mode = .beforeHTML
        default:
            initialAnythingElse()
            process(kind, in: mode)
        }
    }

    private mutating func initialAnythingElse() {
        if context == nil { document.mode = .quirks }
        mode = .beforeHTML
    }

    // MARK: Before html

    mutating func beforeHTML(_ kind: HTMLTokenKind) {
        switch kind {
        case .doctype:
            return
        case .comment:
            insertComment(at: InsertionPlace(parent: document.document, before: nil))
        case .startTag where tagName == .html:
            let node = createHTMLElement(.html, tokenizer.tag.name, attributes: tokenizer.tag.attributes)
            insertNode(node, at: InsertionPlace(parent: document.document, before: nil))
            open.push(OpenElement(node: node, name: .html, namespace: .html))
            mode = .beforeHead
        case .endTag where !(tagName == .head || tagName == .body || tagName == .html || tagName == .br):
            return
        default:
            beforeHTMLAnythingElse()
            process(kind, in: mode)
        }
    }

    private mutating func beforeHTMLAnythingElse() {
        let node = createHTMLElement(.html, TagNameTable.bytes(of: .html), attributes: [])
        insertNode(node, at: InsertionPlace(parent: document.document, before: nil))
        open.push(OpenElement(node: node, name: .html, namespace: .html))
        mode = .beforeHead
    }

    // MARK: Before head

    mutating func beforeHead(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment:
            insertComment()
        case .doctype:
            return
        case .startTag where tagName == .html:
            inBody(kind)
        case .startTag where tagName == .head:
            headElement = insertHTMLElement().node
            mode = .inHead
        case .endTag where !(tagName == .head || tagName == .body || tagName == .html || tagName == .br):
            return
        default:
            beforeHeadAnythingElse()
            process(kind, in: mode)
        }
    }

    private mutating func beforeHeadAnythingElse() {
        headElement = insertHTMLElement(.head).node
        mode = .inHead
    }

    // MARK: In head

    mutating func inHead(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment:
            insertComment()
        case .doctype:
            return
        case .startTag:
            switch tagName {
            case .html:
                inBody(kind)
            case .base, .basefont, .bgsound, .link, .meta:
                insertHTMLElement()
                open.pop()
            case .title:
                parseText(.rcdata)
            case .noscript where scripting, .noframes, .style:
                parseText(.rawtext)
            case .noscript:
                insertHTMLElement()
                mode = .inHeadNoscript
            case .script:
                insertHTMLElement()
                switchTokenizer(to: .scriptData)
                originalMode = mode
                mode = .text
            case .template:
                insertHTMLElement()
                formatting.pushMarker()
                framesetOK = false
                mode = .inTemplate
                templateModes.append(.inTemplate)
            case .head:
                return
            default:
                inHeadAnythingElse()
                process(kind, in: mode)
            }
        case .endTag:
            switch tagName {
            case .head:
                open.pop()
                mode = .afterHead
            case .body, .html, .br:
                inHeadAnythingElse()
                process(kind, in: mode)
            case .template:
                endTemplate()
            default:
                return
            }
        default:
            inHeadAnythingElse()
            process(kind, in: mode)
        }
    }

    private mutating func inHeadAnythingElse() {
        open.pop()
        mode = .afterHead
    }

    /// The in-head rules for a `template` end tag.
    mutating func endTemplate() {
        guard open.containsHTML(.template) else { return }
        generateAllImpliedEndTagsThoroughly()
        open.popUntil(.template)
        formatting.clearToLastMarker()
        templateModes.removeLast()
        resetInsertionMode()
    }

    /// The generic raw text and RCDATA element parsing algorithms.
    mutating func parseText(_ state: TokenizerTextState) {
        insertHTMLElement()
        switchTokenizer(to: state)
        originalMode = mode
        mode = .text
    }

    // MARK: In head noscript

    mutating func inHeadNoscript(_ kind: HTMLTokenKind) {
        switch kind {
        case .doctype:
            return
        case .comment:
            inHead(kind)
        case .startTag:
            switch tagName {
            case .html: inBody(kind)
            case .basefont, .bgsound, .link, .meta, .noframes, .style: inHead(kind)
            case .head, .noscript: return
            default:
                inHeadNoscriptAnythingElse()
                process(kind, in: mode)
            }
        case .endTag:
            switch tagName {
            case .noscript:
                open.pop()
                mode = .inHead
            case .br:
                inHeadNoscriptAnythingElse()
                process(kind, in: mode)
            default:
                return
            }
        default:
            inHeadNoscriptAnythingElse()
            process(kind, in: mode)
        }
    }

    private mutating func inHeadNoscriptAnythingElse() {
        open.pop()
        mode = .inHead
    }

    // MARK: After head

    mutating func afterHead(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment:
            insertComment()
        case .doctype:
            return
        case .startTag:
            switch tagName {
            case .html:
                inBody(kind)
            case .body:
                insertHTMLElement()
                framesetOK = false
                mode = .inBody
            case .frameset:
                insertHTMLElement()
                mode = .inFrameset
            case .base, .basefont, .bgsound, .link, .meta, .noframes, .script, .style, .template, .title:
                guard let head = headElement else { return }
                let element = OpenElement(node: head, name: .head, namespace: .html)
                open.push(element)
                inHead(kind)
                if let index = open.index(of: head) { open.remove(at: index) }
            case .head:
                return
            default:
                afterHeadAnythingElse()
                process(kind, in: mode)
            }
        case .endTag:
            switch tagName {
            case .template:
                inHead(kind)
            case .body, .html, .br:
                afterHeadAnythingElse()
                process(kind, in: mode)
            default:
                return
            }
        default:
            afterHeadAnythingElse()
            process(kind, in: mode)
        }
    }

    private mutating func afterHeadAnythingElse() {
        insertHTMLElement(.body)
        mode = .inBody
    }

    // MARK: Text

    mutating func inText(_ kind: HTMLTokenKind) {
        switch kind {
        case .endOfFile:
            open.pop()
            mode = originalMode
            process(kind, in: mode)
        case .endTag:
            open.pop()
            mode = originalMode
        default:
            return
        }
    }
}
