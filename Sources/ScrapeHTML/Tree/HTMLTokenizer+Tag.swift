/// The tag states: tag open, end tag open, tag name, the attribute states and self-closing
/// start tag (13.2.5.6-8, 32-40).
extension HTMLTokenizer {
    mutating func tagOpenState() -> HTMLTokenKind? {
        switch peek() {
        case UInt8(ascii: "!"):
            advance()
            state = .markupDeclarationOpen
        case UInt8(ascii: "/"):
            advance()
            state = .endTagOpen
        case let byte? where ASCII.isLetter(byte):
            startTag(isEnd: false)
            state = .tagName
        case UInt8(ascii: "?"):
            startComment()
            state = .bogusComment
        default:  // includes the end of the input
            text.append(UInt8(ascii: "<"))
            state = .data
        }
        return nil
    }

    mutating func endTagOpenState() -> HTMLTokenKind? {
        switch peek() {
        case let byte? where ASCII.isLetter(byte):
            startTag(isEnd: true)
            state = .tagName
        case UInt8(ascii: ">"):
            advance()
            state = .data
        case nil:
            text.append(UInt8(ascii: "<"))
            text.append(UInt8(ascii: "/"))
            return emit(.endOfFile)
        default:
            startComment()
            state = .bogusComment
        }
        return nil
    }

    /// The end of the run of name bytes at ``position`` (up to whitespace, `/`, `>`, NUL
    /// and, for attribute names, `=`), and whether it has ASCII capitals.
    @inline(__always) private func scanName(stopAtEquals: Bool) -> (end: Int, hasCapitals: Bool) {
        let count = input.count
        var index = position
        var hasCapitals = false
        while index < count {
            let byte = input[index]
            if byte <= 0x20 {
                if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0C || byte == 0x0D || byte == 0 { break }
            } else if byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "=") && stopAtEquals {
                break
            } else if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
                hasCapitals = true
            }
            index += 1
        }
        return (index, hasCapitals)
    }

    /// The name bytes from ``position`` to `end`.
    @inline(__always) func nameRun(to end: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: input[position..<end])
    }

    mutating func tagNameState() -> HTMLTokenKind? {
        while true {
            let (end, hasCapitals) = scanName(stopAtEquals: false)
            if end > position {
                Self.writeName(nameRun(to: end), hasCapitals: hasCapitals, to: &tag.name, stale: &tagNameIsStale)
                position = end
            }
            guard let byte = peek() else { return emit(.endOfFile) }
            advance()
            switch byte {
            case UInt8(ascii: "/"):
                state = .selfClosingStartTag
            case UInt8(ascii: ">"):
                state = .data
                return emitTag()
            case 0:
                freshenTagName()
                Self.appendReplacement(to: &tag.name)
                continue
            default:  // whitespace
                state = .beforeAttributeName
            }
            return nil
        }
    }

    mutating func beforeAttributeNameState() -> HTMLTokenKind? {
        while let byte = peek(), Self.isWhitespace(byte) { advance() }
        switch peek() {
        case UInt8(ascii: "/"), UInt8(ascii: ">"), nil:
            state = .afterAttributeName
        case UInt8(ascii: "="):
            advance()
            startAttribute()
            freshenAttributeName()
            tag.attributes[attributeCount - 1].name.append(UInt8(ascii: "="))
            state = .attributeName
        default:
            startAttribute()
            state = .attributeName
        }
        return nil
    }

    mutating func attributeNameState() -> HTMLTokenKind? {
        let last = attributeCount - 1
        while true {
            let (end, hasCapitals) = scanName(stopAtEquals: true)
            if end > position {
                Self.writeName(nameRun(to: end), hasCapitals: hasCapitals, to: &tag.attributes[last].name,
                               stale: &attributeNameIsStale)
                position = end
            }
            switch peek() {
            case 0:
                advance()
                freshenAttributeName()
                Self.appendReplacement(to: &tag.attributes[last].name)
                continue
            case UInt8(ascii: "="):
                advance()
                checkDuplicateAttribute()
                state = .beforeAttributeValue
            default:  // whitespace, `/`, `>`, the end: the after attribute name state decides
                checkDuplicateAttribute()
                state = .afterAttributeName
            }
            return nil
        }
    }

    mutating func afterAttributeNameState() -> HTMLTokenKind? {
        while let byte = peek(), Self.isWhitespace(byte) { advance() }
        switch peek() {
        case UInt8(ascii: "/"):
            advance()
            state = .selfClosingStartTag
        case UInt8(ascii: "="):
            advance()
            state = .beforeAttributeValue
        case UInt8(ascii: ">"):
            advance()
            state = .data
            return emitTag()
        case nil:
            return emit(.endOfFile)
        default:
            startAttribute()
            state = .attributeName
        }
        return nil
    }

    mutating func beforeAttributeValueState() -> HTMLTokenKind? {
        while let byte = peek(), Self.isWhitespace(byte) { advance() }
        switch peek() {
        case UInt8(ascii: "\""):
            advance()
            state = .attributeValueDoubleQuoted
        case UInt8(ascii: "'"):
            advance()
            state = .attributeValueSingleQuoted
        case UInt8(ascii: ">"):
            advance()
            state = .data
            return emitTag()
        default:
            state = .attributeValueUnquoted
        }
        return nil
    }

    /// The attribute value (double-quoted) and (single-quoted) states.
    mutating func attributeValueQuotedState(quote: UInt8) -> HTMLTokenKind? {
        var fresh = false
        while true {
            let stop = discardingAttribute
                ? Self.copyRun(input, from: &position, into: &discardedValue, upTo: quote, UInt8(ascii: "&"), 0, stale: &fresh)
                : Self.copyRun(input, from: &position, into: &tag.attributes[attributeCount - 1].value,
                               upTo: quote, UInt8(ascii: "&"), 0, stale: &attributeValueIsStale)
            guard let stop else { return emit(.endOfFile) }
            position += 1
            switch stop {
            case quote:
                state = .afterAttributeValueQuoted
                return nil
            case UInt8(ascii: "&"):
                consumeCharacterReference(inAttribute: true)
            default:  // U+0000
                appendToAttributeValue(0xEF)
                appendToAttributeValue(0xBF)
                appendToAttributeValue(0xBD)
            }
        }
    }

    mutating func attributeValueUnquotedState() -> HTMLTokenKind? {
        let count = input.count
        while true {
            var index = position
            while index < count {
                let byte = input[index]
                if byte <= 0x3E {  // every byte of interest is at most `>`
                    if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0C || byte == 0x0D || byte == 0
                        || byte == UInt8(ascii: "&") || byte == UInt8(ascii: ">") { break }
                }
                index += 1
            }
            if index > position { appendToAttributeValue(UnsafeBufferPointer(rebasing: input[position..<index])) }
            position = index
            guard let byte = peek() else { return emit(.endOfFile) }
            advance()
            switch byte {
            case UInt8(ascii: "&"):
                consumeCharacterReference(inAttribute: true)
            case UInt8(ascii: ">"):
                state = .data
                return emitTag()
            case 0:
                appendToAttributeValue(0xEF)
                appendToAttributeValue(0xBF)
                appendToAttributeValue(0xBD)
            default:  // whitespace
                state = .beforeAttributeName
                return nil
            }
        }
    }

    mutating func afterAttributeValueQuotedState() -> HTMLTokenKind? {
        switch peek() {
        case let byte? where Self.isWhitespace(byte):
            advance()
            state = .beforeAttributeName
        case UInt8(ascii: "/"):
            advance()
            state = .selfClosingStartTag
        case UInt8(ascii: ">"):
            advance()
            state = .data
            return emitTag()
        case nil:
            return emit(.endOfFile)
        default:
            state = .beforeAttributeName
        }
        return nil
    }

    mutating func selfClosingStartTagState() -> HTMLTokenKind? {
        switch peek() {
        case UInt8(ascii: ">"):
            advance()
            tag.selfClosing = true
            state = .data
            return emitTag()
        case nil:
            return emit(.endOfFile)
        default:
            state = .beforeAttributeName
        }
        return nil
    }
}
