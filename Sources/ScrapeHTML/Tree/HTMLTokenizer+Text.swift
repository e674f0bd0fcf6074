/// The text states: data, RCDATA, RAWTEXT, PLAINTEXT, the end tag states of RCDATA and
/// RAWTEXT (shared with script data), and CDATA sections (13.2.5.1-3, 5, 9-14, 69-71).
extension HTMLTokenizer {
    /// Copies text into ``text`` up to the next `a`, `b` or `c` byte (see `copyRun`).
    @inline(__always) mutating func copyText(upTo a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8? {
        var fresh = false
        return Self.copyRun(input, from: &position, into: &text, upTo: a, b, c, stale: &fresh)
    }

    mutating func dataState() -> HTMLTokenKind? {
        // U+0000 stays: the tree builder drops it or not, per insertion mode.
        switch copyText(upTo: UInt8(ascii: "<"), UInt8(ascii: "&"), UInt8(ascii: "<")) {
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
        switch copyText(upTo: UInt8(ascii: "<"), UInt8(ascii: "&"), 0) {
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
        switch copyText(upTo: UInt8(ascii: "<"), 0, 0) {
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
        switch copyText(upTo: 0, 0, 0) {
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
        var end = position
        var hasCapitals = false
        while end < input.count, ASCII.isLetter(input[end]) {
            if input[end] < UInt8(ascii: "a") { hasCapitals = true }
            end += 1
        }
        if end > position {
            Self.writeName(nameRun(to: end), hasCapitals: hasCapitals, to: &tag.name, stale: &tagNameIsStale)
            temporaryBuffer.append(contentsOf: nameRun(to: end))
            position = end
        }
        freshenTagName()
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
        guard copyText(upTo: UInt8(ascii: "]"), UInt8(ascii: "]"), UInt8(ascii: "]")) != nil else { return emit(.endOfFile) }
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
