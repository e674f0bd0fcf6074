/// The table insertion modes (sections 13.2.6.4.9 to 13.2.6.4.15): in table, in table
/// text, in caption, in column group, in table body, in row, in cell.
extension TreeBuilder {
    // MARK: In table

    /// Characters in "in table" (and in table body / in row, which defer to it).
    mutating func tableCharacters(_ text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let current = currentNode
        if current.isHTML, current.name == .table || current.name == .tbody || current.name == .template
            || current.name == .tfoot || current.name == .thead || current.name == .tr {
            pendingTableText.removeAll(keepingCapacity: true)
            pendingTableTextIsWhitespace = true
            originalMode = mode
            mode = .inTableText
            return text
        }
        fosterParenting = true
        bodyCharacters(text)
        fosterParenting = false
        return .empty
    }

    mutating func inTable(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment:
            insertComment()
        case .doctype, .characters:
            return
        case .startTag:
            switch tagName {
            case .caption:
                clearStackBackToTableContext()
                formatting.pushMarker()
                insertHTMLElement()
                mode = .inCaption
            case .colgroup:
                clearStackBackToTableContext()
                insertHTMLElement()
                mode = .inColumnGroup
            case .col:
                clearStackBackToTableContext()
                insertHTMLElement(.colgroup)
                mode = .inColumnGroup
                inColumnGroup(kind)
            case .tbody, .tfoot, .thead:
                clearStackBackToTableContext()
                insertHTMLElement()
                mode = .inTableBody
            case .td, .th, .tr:
                clearStackBackToTableContext()
                insertHTMLElement(.tbody)
                mode = .inTableBody
                inTableBody(kind)
            case .table:
                guard open.hasInScope(.table, .table) else { return }
                open.popUntil(.table)
                resetInsertionMode()
                process(kind, in: mode)
            case .style, .script, .template:
                inHead(kind)
            case .input where isHiddenInput():
                insertHTMLElement()
                open.pop()
            case .form:
                guard !open.containsHTML(.template), formElement == nil else { return }
                formElement = insertHTMLElement().node
                open.pop()
            default:
                tableAnythingElse(kind)
            }
        case .endTag:
            switch tagName {
            case .table:
                guard open.hasInScope(.table, .table) else { return }
                open.popUntil(.table)
                resetInsertionMode()
            case .body, .caption, .col, .colgroup, .html, .tbody, .td, .tfoot, .th, .thead, .tr:
                return
            case .template:
                inHead(kind)
            default:
                tableAnythingElse(kind)
            }
        case .endOfFile:
            inBody(kind)
        }
    }

    private mutating func tableAnythingElse(_ kind: HTMLTokenKind) {
        fosterParenting = true
        inBody(kind)
        fosterParenting = false
    }

    private mutating func clearStackBackToTableContext() {
        while let current = open.current, !(current.isHTML && (current.name == .table || current.name == .template || current.name == .html)) {
            open.pop()
        }
    }

    // MARK: In table text

    mutating func tableTextCharacters(_ text: UnsafeBufferPointer<UInt8>) {
        for byte in text where byte != 0 {
            if !ASCII.isWhitespace(byte) { pendingTableTextIsWhitespace = false }
            pendingTableText.append(byte)
        }
    }

    mutating func inTableText(_ kind: HTMLTokenKind) {
        var pending: [UInt8] = []
        swap(&pending, &pendingTableText)
        pending.withUnsafeBufferPointer { text in
            if pendingTableTextIsWhitespace {
                insertCharacters(text)
            } else {
                fosterParenting = true
                bodyCharacters(text)
                fosterParenting = false
            }
        }
        pending.removeAll(keepingCapacity: true)
        pendingTableText = pending
        mode = originalMode
        process(kind, in: mode)
    }

    // MARK: In caption

    mutating func inCaption(_ kind: HTMLTokenKind) {
        switch kind {
        case .endTag where tagName == .caption:
            closeCaption()
        case .startTag where [.caption, .col, .colgroup, .tbody, .td, .tfoot, .th, .thead, .tr].contains(tagName),
             .endTag where tagName == .table:
            guard closeCaption() else { return }
            inTable(kind)
        case .endTag where [.body, .col, .colgroup, .html, .tbody, .td, .tfoot, .th, .thead, .tr].contains(tagName):
            return
        default:
            inBody(kind)
        }
    }

    @discardableResult
    private mutating func closeCaption() -> Bool {
        guard open.hasInScope(.caption, .table) else { return false }
        generateImpliedEndTags()
        open.popUntil(.caption)
        formatting.clearToLastMarker()
        mode = .inTable
        return true
    }

    // MARK: In column group

    mutating func columnGroupCharacters(_ text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let whitespace = text.whitespacePrefixLength()
        insertCharacters(text.prefix(upTo: whitespace))
        let rest = text.suffix(from: whitespace)
        guard !rest.isEmpty else { return rest }
        guard currentNode.isHTML(.colgroup) else {
            // Each non-whitespace character is ignored; whitespace between them still goes in.
            var index = 0
            while index < rest.count {
                if ASCII.isWhitespace(rest[index]) { insertCharacters(UnsafeBufferPointer(rebasing: rest[index...index])) }
                index += 1
            }
            return .empty
        }
        open.pop()
        mode = .inTable
        return rest
    }

    mutating func inColumnGroup(_ kind: HTMLTokenKind) {
        switch kind {
        case .comment:
            insertComment()
        case .doctype, .characters:
            return
        case .startTag where tagName == .html:
            inBody(kind)
        case .startTag where tagName == .col:
            insertHTMLElement()
            open.pop()
        case .endTag where tagName == .colgroup:
            guard currentNode.isHTML(.colgroup) else { return }
            open.pop()
            mode = .inTable
        case .endTag where tagName == .col:
            return
        case .startTag where tagName == .template, .endTag where tagName == .template:
            inHead(kind)
        case .endOfFile:
            inBody(kind)
        default:
            guard currentNode.isHTML(.colgroup) else { return }
            open.pop()
            mode = .inTable
            process(kind, in: mode)
        }
    }

    // MARK: In table body

    mutating func inTableBody(_ kind: HTMLTokenKind) {
        switch kind {
        case .startTag where tagName == .tr:
            clearStackBackToTableBodyContext()
            insertHTMLElement()
            mode = .inRow
        case .startTag where tagName == .th || tagName == .td:
            clearStackBackToTableBodyContext()
            insertHTMLElement(.tr)
            mode = .inRow
            inRow(kind)
        case .endTag where tagName == .tbody || tagName == .tfoot || tagName == .thead:
            guard open.hasInScope(tagName, .table) else { return }
            clearStackBackToTableBodyContext()
            open.pop()
            mode = .inTable
        case .startTag where [.caption, .col, .colgroup, .tbody, .tfoot, .thead].contains(tagName),
             .endTag where tagName == .table:
            guard open.hasAnyInScope([.tbody, .thead, .tfoot], .table) else { return }
            clearStackBackToTableBodyContext()
            open.pop()
            mode = .inTable
            inTable(kind)
        case .endTag where [.body, .caption, .col, .colgroup, .html, .td, .th, .tr].contains(tagName):
            return
        default:
            inTable(kind)
        }
    }

    private mutating func clearStackBackToTableBodyContext() {
        while let current = open.current, !(current.isHTML && (current.name == .tbody || current.name == .tfoot || current.name == .thead
            || current.name == .template || current.name == .html)) {
            open.pop()
        }
    }

    // MARK: In row

    mutating func inRow(_ kind: HTMLTokenKind) {
        switch kind {
        case .startTag where tagName == .th || tagName == .td:
            clearStackBackToTableRowContext()
            insertHTMLElement()
            mode = .inCell
            formatting.pushMarker()
        case .endTag where tagName == .tr:
            closeRow()
        case .startTag where [.caption, .col, .colgroup, .tbody, .tfoot, .thead, .tr].contains(tagName),
             .endTag where tagName == .table:
            guard closeRow() else { return }
            inTableBody(kind)
        case .endTag where tagName == .tbody || tagName == .tfoot || tagName == .thead:
            guard open.hasInScope(tagName, .table), closeRow() else { return }
            inTableBody(kind)
        case .endTag where [.body, .caption, .col, .colgroup, .html, .td, .th].contains(tagName):
            return
        default:
            inTable(kind)
        }
    }

    @discardableResult
    private mutating func closeRow() -> Bool {
        guard open.hasInScope(.tr, .table) else { return false }
        clearStackBackToTableRowContext()
        open.pop()
        mode = .inTableBody
        return true
    }

    private mutating func clearStackBackToTableRowContext() {
        while let current = open.current, !(current.isHTML && (current.name == .tr || current.name == .template || current.name == .html)) {
            open.pop()
        }
    }

    // MARK: In cell

    mutating func inCell(_ kind: HTMLTokenKind) {
        switch kind {
        case .endTag where tagName == .td || tagName == .th:
            guard open.hasInScope(tagName, .table) else { return }
            generateImpliedEndTags()
            open.popUntil(tagName)
            formatting.clearToLastMarker()
            mode = .inRow
        case .startTag where [.caption, .col, .colgroup, .tbody, .td, .tfoot, .th, .thead, .tr].contains(tagName):
            guard open.hasAnyInScope([.td, .th], .table) else { return }
            closeCell()
            inRow(kind)
        case .endTag where [.body, .caption, .col, .colgroup, .html].contains(tagName):
            return
        case .endTag where [.table, .tbody, .tfoot, .thead, .tr].contains(tagName):
            guard open.hasInScope(tagName, .table) else { return }
            closeCell()
            inRow(kind)
        default:
            inBody(kind)
        }
    }

    private mutating func closeCell() {
        generateImpliedEndTags()
        open.popUntil(anyOf: [.td, .th])
        formatting.clearToLastMarker()
        mode = .inRow
    }

    // MARK: Resetting

    /// "Reset the insertion mode appropriately".
    mutating func resetInsertionMode() {
        var index = open.count - 1
        while index >= 0 {
            let last = index == 0
            var node = open[index]
            if last, let context { node = context }
            if node.isHTML {
                switch node.name {
                case .td where !last, .th where !last: mode = .inCell; return
                case .tr: mode = .inRow; return
                case .tbody, .thead, .tfoot: mode = .inTableBody; return
                case .caption: mode = .inCaption; return
                case .colgroup: mode = .inColumnGroup; return
                case .table: mode = .inTable; return
                case .template: mode = templateModes.last ?? .inTemplate; return
                case .head where !last: mode = .inHead; return
                case .body: mode = .inBody; return
                case .frameset: mode = .inFrameset; return
                case .html: mode = headElement == nil ? .beforeHead : .afterHead; return
                default: break
                }
            }
            if last { mode = .inBody; return }
            index -= 1
        }
    }
}
