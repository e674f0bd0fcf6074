/// "In template" (13.2.6.4.18) and the modes after the body or a frameset (13.2.6.4.19
/// to 13.2.6.4.23).
extension TreeBuilder {
    // MARK: In template

    mutating func inTemplate(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment, .doctype, .characters:
            inBody(kind)
        case .startTag:
            switch tagName {
            case .base, .basefont, .bgsound, .link, .meta, .noframes, .script, .style, .template, .title:
                inHead(kind)
            case .caption, .colgroup, .tbody, .tfoot, .thead:
                switchTemplateMode(to: .inTable, kind)
            case .col:
                switchTemplateMode(to: .inColumnGroup, kind)
            case .tr:
                switchTemplateMode(to: .inTableBody, kind)
            case .td, .th:
                switchTemplateMode(to: .inRow, kind)
            default:
                switchTemplateMode(to: .inBody, kind)
            }
        case .endTag:
            if tagName == .template { inHead(kind) }
        case .endOfFile:
            guard open.containsHTML(.template) else { return }
            open.popUntil(.template)
            formatting.clearToLastMarker()
            templateModes.removeLast()
            resetInsertionMode()
            process(kind, in: mode)
        }
    }

    private mutating func switchTemplateMode(to newMode: Mode, _ kind: HTMLTokenKind) {
        templateModes.removeLast()
        templateModes.append(newMode)
        mode = newMode
        process(kind, in: mode)
    }

    // MARK: After body, after after body

    mutating func afterBodyCharacters(_ text: UnsafeBufferPointer<UInt8>, in mode: Mode) -> UnsafeBufferPointer<UInt8> {
        let whitespace = text.whitespacePrefixLength()
        bodyCharacters(text.prefix(upTo: whitespace))
        let rest = text.suffix(from: whitespace)
        if !rest.isEmpty { self.mode = .inBody }
        return rest
    }

    mutating func afterBody(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment:
            insertComment(at: InsertionPlace(parent: open[0].node, before: nil))
        case .doctype:
            return
        case .startTag where tagName == .html:
            inBody(kind)
        case .endTag where tagName == .html:
            if context == nil { mode = .afterAfterBody }
        case .endOfFile:
            return
        default:
            mode = .inBody
            process(kind, in: mode)
        }
    }

    mutating func afterAfterBody(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment:
            insertComment(at: InsertionPlace(parent: document.document, before: nil))
        case .doctype:
            inBody(kind)
        case .startTag where tagName == .html:
            inBody(kind)
        case .endOfFile:
            return
        default:
            mode = .inBody
            process(kind, in: mode)
        }
    }

    // MARK: Frameset modes

    /// Characters in the frameset modes: whitespace goes in, anything else is ignored.
    mutating func framesetCharacters(_ text: UnsafeBufferPointer<UInt8>, in mode: Mode) {
        var start = 0
        while start < text.count {
            var end = start
            while end < text.count, ASCII.isWhitespace(text[end]) { end += 1 }
            if end > start {
                let run = UnsafeBufferPointer(rebasing: text[start..<end])
                if mode == .afterAfterFrameset { bodyCharacters(run) } else { insertCharacters(run) }
            }
            start = end
            while start < text.count, !ASCII.isWhitespace(text[start]) { start += 1 }
        }
    }

    mutating func inFrameset(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment:
            insertComment()
        case .startTag:
            switch tagName {
            case .html: inBody(kind)
            case .frameset: insertHTMLElement()
            case .frame:
                insertHTMLElement()
                open.pop()
            case .noframes: inHead(kind)
            default: return
            }
        case .endTag where tagName == .frameset:
            guard open.count > 1 else { return }
            open.pop()
            if context == nil, !currentNode.isHTML(.frameset) { mode = .afterFrameset }
        default:
            return
        }
    }

    mutating func afterFrameset(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment:
            insertComment()
        case .startTag where tagName == .html:
            inBody(kind)
        case .startTag where tagName == .noframes:
            inHead(kind)
        case .endTag where tagName == .html:
            mode = .afterAfterFrameset
        default:
            return
        }
    }

    mutating func afterAfterFrameset(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment:
            insertComment(at: InsertionPlace(parent: document.document, before: nil))
        case .doctype:
            inBody(kind)
        case .startTag where tagName == .html:
            inBody(kind)
        case .startTag where tagName == .noframes:
            inHead(kind)
        default:
            return
        }
    }
}
