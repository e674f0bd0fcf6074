/// The tag states: tag open, end tag open, tag name, the attribute states and self-closing
/// start tag (13.2.5.6-8, 32-40).
extension HTMLTokenizer {
    /// Starts a new tag token, reusing the storage of the last one.
    mutating func startTag(isEnd: Bool) {
        tagIsEnd = isEnd
        tag.name.removeAll(keepingCapacity: true)
        tag.selfClosing = false
        discardingAttribute = false
        while var attribute = tag.attributes.popLast() {
            attribute.name.removeAll(keepingCapacity: true)
            attribute.value.removeAll(keepingCapacity: true)
            spareAttributes.append(attribute)
        }
    }

    /// Starts a new attribute with an empty name and value.
    mutating func startAttribute() {
        finishAttribute()
        tag.attributes.append(spareAttributes.popLast() ?? HTMLAttribute(name: [], value: []))
    }

    /// The standard's check when leaving the attribute name state: a name the tag already
    /// has makes the attribute a duplicate, dropped (its value is still read, then lost).
    mutating func checkDuplicateAttribute() {
        guard let last = tag.attributes.last else { return }
        let name = last.name
        for index in 0..<(tag.attributes.count - 1) where tag.attributes[index].name == name {
            var dropped = tag.attributes.removeLast()
            dropped.name.removeAll(keepingCapacity: true)
            dropped.value.removeAll(keepingCapacity: true)
            spareAttributes.append(dropped)
            discardingAttribute = true
            discardedValue.removeAll(keepingCapacity: true)
            return
        }
    }

    /// Ends the current attribute (before a new one or the tag's emission).
    mutating func finishAttribute() {
        discardingAttribute = false
    }

    /// Appends `byte` to the current attribute's value.
    @inline(__always) mutating func appendToAttributeValue(_ byte: UInt8) {
        if discardingAttribute {
            discardedValue.append(byte)
        } else {
            tag.attributes[tag.attributes.count - 1].value.append(byte)
        }
    }

    /// Appends `bytes` to the current attribute's value.
    @inline(__always) mutating func appendToAttributeValue(_ bytes: some Collection<UInt8>) {
        if discardingAttribute {
            discardedValue.append(contentsOf: bytes)
        } else {
            tag.attributes[tag.attributes.count - 1].value.append(contentsOf: bytes)
        }
    }

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

    mutating func tagNameState() -> HTMLTokenKind? {
        while let byte = peek() {
            advance()
            switch byte {
            case 0x09, 0x0A, 0x0C, 0x20:
                state = .beforeAttributeName
                return nil
            case UInt8(ascii: "/"):
                state = .selfClosingStartTag
                return nil
            case UInt8(ascii: ">"):
                state = .data
                return emitTag()
            case 0:
                Self.appendReplacement(to: &tag.name)
            default:
                tag.name.append(ASCII.lowercased(byte))
            }
        }
        return emit(.endOfFile)
    }

    mutating func beforeAttributeNameState() -> HTMLTokenKind? {
        while let byte = peek(), Self.isWhitespace(byte) { advance() }
        switch peek() {
        case UInt8(ascii: "/"), UInt8(ascii: ">"), nil:
            state = .afterAttributeName
        case UInt8(ascii: "="):
            advance()
            startAttribute()
            tag.attributes[tag.attributes.count - 1].name.append(UInt8(ascii: "="))
            state = .attributeName
        default:
            startAttribute()
            state = .attributeName
        }
        return nil
    }

    mutating func attributeNameState() -> HTMLTokenKind? {
        let last = tag.attributes.count - 1
        while let byte = peek() {
            switch byte {
            case 0x09, 0x0A, 0x0C, 0x20, UInt8(ascii: "/"), UInt8(ascii: ">"):
                checkDuplicateAttribute()
                state = .afterAttributeName
                return nil
            case UInt8(ascii: "="):
                advance()
                checkDuplicateAttribute()
                state = .beforeAttributeValue
                return nil
            case 0:
                advance()
                Self.appendReplacement(to: &tag.attributes[last].name)
            default:
                advance()
                tag.attributes[last].name.append(ASCII.lowercased(byte))
            }
        }
        checkDuplicateAttribute()
        state = .afterAttributeName
        return nil
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
        let count = input.count
        while true {
            var index = position
            while index < count {
                let byte = input[index]
                if byte == quote || byte == UInt8(ascii: "&") || byte == 0 || byte == 0x0D { break }
                index += 1
            }
            if index > position { appendToAttributeValue(UnsafeBufferPointer(rebasing: input[position..<index])) }
            position = index
            guard index < count else { return emit(.endOfFile) }
            switch input[index] {
            case quote:
                position += 1
                state = .afterAttributeValueQuoted
                return nil
            case UInt8(ascii: "&"):
                position += 1
                consumeCharacterReference(inAttribute: true)
            case 0:
                position += 1
                appendToAttributeValue(0xEF)
                appendToAttributeValue(0xBF)
                appendToAttributeValue(0xBD)
            default:  // CR
                advance()
                appendToAttributeValue(0x0A)
            }
        }
    }

    mutating func attributeValueUnquotedState() -> HTMLTokenKind? {
        while let byte = peek() {
            advance()
            switch byte {
            case 0x09, 0x0A, 0x0C, 0x20:
                state = .beforeAttributeName
                return nil
            case UInt8(ascii: "&"):
                consumeCharacterReference(inAttribute: true)
            case UInt8(ascii: ">"):
                state = .data
                return emitTag()
            case 0:
                appendToAttributeValue(0xEF)
                appendToAttributeValue(0xBF)
                appendToAttributeValue(0xBD)
            default:
                appendToAttributeValue(byte)
            }
        }
        return emit(.endOfFile)
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
