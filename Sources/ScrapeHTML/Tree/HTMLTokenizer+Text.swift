/// The text states: data, RCDATA, RAWTEXT, PLAINTEXT, the end tag states of RCDATA and
/// RAWTEXT (shared with script data), and CDATA sections (13.2.5.1-3, 5, 9-14, 69-71).
extension HTMLTokenizer {
    /// Copies text into ``text`` up to the next byte the state stops at (`<`, `&` and NUL,
    /// as asked), reading CR LF and CR as LF, and returns that byte (not consumed) or nil at
    /// the end of the input.
    @inline(__always)
    mutating func copyText(stopAtLessThan: Bool, stopAtAmpersand: Bool, stopAtNull: Bool) -> UInt8? {
        let count = input.count
        var start = position
        var index = position
        while index < count {
            let byte = input[index]
            if byte <= 0x3C {  // every byte of interest is at most `<`
                if byte == 0x3C && stopAtLessThan || byte == 0x26 && stopAtAmpersand || byte == 0 && stopAtNull { break }
                if byte == 0x0D {
                    appendInput(from: start, to: index)
                    text.append(0x0A)
                    index += 1
                    if index < count && input[index] == 0x0A { index += 1 }
                    start = index
                    continue
                }
            }
            index += 1
        }
        appendInput(from: start, to: index)
        position = index
        return index < count ? input[index] : nil
    }

    /// Appends `input[start..<end]` to ``text``.
    @inline(__always) mutating func appendInput(from start: Int, to end: Int) {
        if end > start { text.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<end])) }
    }

    mutating func dataState() -> HTMLTokenKind? {
        // U+0000 stays: the tree builder drops it or not, per insertion mode.
        switch copyText(stopAtLessThan: true, stopAtAmpersand: true, stopAtNull: false) {
        case nil:
            return emit(.endOfFile)
        case UInt8(ascii: "&"):
            position += 1
            consumeCharacterReference(inAttribute: false)
        default:  // `<`
            position += 1
            state = .tagOpen
        }
        return nil
    }

    mutating func rcdataState() -> HTMLTokenKind? {
        switch copyText(stopAtLessThan: true, stopAtAmpersand: true, stopAtNull: true) {
        case nil:
            return emit(.endOfFile)
        case UInt8(ascii: "&"):
            position += 1
            consumeCharacterReference(inAttribute: false)
        case UInt8(ascii: "<"):
            position += 1
            state = .rcdataLessThanSign
        default:  // U+0000
            position += 1
            Self.appendReplacement(to: &text)
        }
        return nil
    }

    mutating func rawtextState() -> HTMLTokenKind? {
        switch copyText(stopAtLessThan: true, stopAtAmpersand: false, stopAtNull: true) {
        case nil:
            return emit(.endOfFile)
        case UInt8(ascii: "<"):
            position += 1
            state = .rawtextLessThanSign
        default:
            position += 1
            Self.appendReplacement(to: &text)
        }
        return nil
    }

    mutating func plaintextState() -> HTMLTokenKind? {
        switch copyText(stopAtLessThan: false, stopAtAmpersand: false, stopAtNull: true) {
        case nil:
            return emit(.endOfFile)
        default:
            position += 1
            Self.appendReplacement(to: &text)
        }
        return nil
    }

    /// RCDATA and RAWTEXT less-than sign states: `/` may start an end tag.
    mutating func textLessThanSignState(text textState: State, endTagOpen: State) -> HTMLTokenKind? {
        if peek() == UInt8(ascii: "/") {
            advance()
            temporaryBuffer.removeAll(keepingCapacity: true)
            state = endTagOpen
        } else {
            text.append(UInt8(ascii: "<"))
            state = textState
        }
        return nil
    }

    /// RCDATA, RAWTEXT, script data and script data escaped end tag open states.
    mutating func textEndTagOpenState(text textState: State, endTagName: State) -> HTMLTokenKind? {
        if let byte = peek(), ASCII.isLetter(byte) {
            startTag(isEnd: true)
            state = endTagName
        } else {
            text.append(UInt8(ascii: "<"))
            text.append(UInt8(ascii: "/"))
            state = textState
        }
        return nil
    }

    /// RCDATA, RAWTEXT, script data and script data escaped end tag name states: the tag
    /// is an end tag only if it is appropriate (it closes the last start tag); otherwise
    /// `</` and the name are text.
    mutating func textEndTagNameState(text textState: State) -> HTMLTokenKind? {
        while let byte = peek(), ASCII.isLetter(byte) {
            tag.name.append(ASCII.lowercased(byte))
            temporaryBuffer.append(byte)
            position += 1
        }
        if let byte = peek(), tag.name == lastStartTagName {
            if Self.isWhitespace(byte) {
                advance()
                state = .beforeAttributeName
                return nil
            }
            if byte == UInt8(ascii: "/") {
                advance()
                state = .selfClosingStartTag
                return nil
            }
            if byte == UInt8(ascii: ">") {
                advance()
                state = .data
                return emitTag()
            }
        }
        text.append(UInt8(ascii: "<"))
        text.append(UInt8(ascii: "/"))
        text.append(contentsOf: temporaryBuffer)
        state = textState
        return nil
    }

    mutating func cdataSectionState() -> HTMLTokenKind? {
        // U+0000 stays: CDATA is only read in foreign content, whose rules replace it.
        let count = input.count
        var start = position
        var index = position
        while index < count {
            let byte = input[index]
            if byte == UInt8(ascii: "]") { break }
            if byte == 0x0D {
                appendInput(from: start, to: index)
                text.append(0x0A)
                index += 1
                if index < count && input[index] == 0x0A { index += 1 }
                start = index
                continue
            }
            index += 1
        }
        appendInput(from: start, to: index)
        position = index
        guard index < count else { return emit(.endOfFile) }
        position += 1
        state = .cdataSectionBracket
        return nil
    }

    mutating func cdataSectionBracketState() -> HTMLTokenKind? {
        if peek() == UInt8(ascii: "]") {
            advance()
            state = .cdataSectionEnd
        } else {
            text.append(UInt8(ascii: "]"))
            state = .cdataSection
        }
        return nil
    }

    mutating func cdataSectionEndState() -> HTMLTokenKind? {
        switch peek() {
        case UInt8(ascii: "]"):
            advance()
            text.append(UInt8(ascii: "]"))
        case UInt8(ascii: ">"):
            advance()
            state = .data
        default:
            text.append(UInt8(ascii: "]"))
            text.append(UInt8(ascii: "]"))
            state = .cdataSection
        }
        return nil
    }
}
