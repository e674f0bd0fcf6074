/// The DOCTYPE states (13.2.5.53-68): name, PUBLIC and SYSTEM identifiers, and the
/// force-quirks flag that every malformed DOCTYPE sets (which the tree builder turns into
/// quirks mode).
extension HTMLTokenizer {
    /// Emits the DOCTYPE with its force-quirks flag set and then the end of the input.
    private mutating func emitQuirkyDoctypeAtEnd() -> HTMLTokenKind {
        doctype.forceQuirks = true
        state = .data
        return emit(.doctype)
    }

    /// Sets force-quirks and goes to the bogus DOCTYPE state (which reads to the `>`).
    private mutating func becomeBogusDoctype(forceQuirks: Bool = true) {
        if forceQuirks { doctype.forceQuirks = true }
        state = .bogusDoctype
    }

    mutating func doctypeState() -> HTMLTokenKind? {
        switch peek() {
        case let byte? where Self.isWhitespace(byte):
            advance()
            state = .beforeDoctypeName
        case nil:
            startDoctype()
            return emitQuirkyDoctypeAtEnd()
        default:
            state = .beforeDoctypeName
        }
        return nil
    }

    mutating func beforeDoctypeNameState() -> HTMLTokenKind? {
        while let byte = peek(), Self.isWhitespace(byte) { advance() }
        startDoctype()
        switch peek() {
        case nil:
            return emitQuirkyDoctypeAtEnd()
        case UInt8(ascii: ">"):
            advance()
            doctype.forceQuirks = true
            state = .data
            return emit(.doctype)
        case 0:
            advance()
            var name: [UInt8] = []
            Self.appendReplacement(to: &name)
            doctype.name = name
        case let byte?:
            advance()
            doctype.name = [ASCII.lowercased(byte)]
        }
        state = .doctypeName
        return nil
    }

    mutating func doctypeNameState() -> HTMLTokenKind? {
        while let byte = peek() {
            advance()
            switch byte {
            case 0x09, 0x0A, 0x0C, 0x20:
                state = .afterDoctypeName
                return nil
            case UInt8(ascii: ">"):
                state = .data
                return emit(.doctype)
            case 0:
                doctype.name?.append(contentsOf: [0xEF, 0xBF, 0xBD])
            default:
                doctype.name?.append(ASCII.lowercased(byte))
            }
        }
        return emitQuirkyDoctypeAtEnd()
    }

    mutating func afterDoctypeNameState() -> HTMLTokenKind? {
        while let byte = peek(), Self.isWhitespace(byte) { advance() }
        switch peek() {
        case nil:
            return emitQuirkyDoctypeAtEnd()
        case UInt8(ascii: ">"):
            advance()
            state = .data
            return emit(.doctype)
        default:
            if consumeIfNext("public", ignoringCase: true) {
                state = .afterDoctypePublicKeyword
            } else if consumeIfNext("system", ignoringCase: true) {
                state = .afterDoctypeSystemKeyword
            } else {
                becomeBogusDoctype()
            }
        }
        return nil
    }

    /// Starts an empty identifier (public or system) and switches to its quoted state.
    private mutating func startIdentifier(system: Bool, quote: UInt8) {
        if system {
            doctype.systemID = []
            state = quote == UInt8(ascii: "\"") ? .doctypeSystemIdentifierDoubleQuoted : .doctypeSystemIdentifierSingleQuoted
        } else {
            doctype.publicID = []
            state = quote == UInt8(ascii: "\"") ? .doctypePublicIdentifierDoubleQuoted : .doctypePublicIdentifierSingleQuoted
        }
    }

    /// The after DOCTYPE public keyword and after DOCTYPE system keyword states.
    mutating func afterDoctypeKeywordState(system: Bool) -> HTMLTokenKind? {
        switch peek() {
        case let byte? where Self.isWhitespace(byte):
            advance()
            state = system ? .beforeDoctypeSystemIdentifier : .beforeDoctypePublicIdentifier
        case let quote? where quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"):
            advance()  // missing whitespace before the identifier: a parse error only
            startIdentifier(system: system, quote: quote)
        case UInt8(ascii: ">"):
            advance()
            doctype.forceQuirks = true
            state = .data
            return emit(.doctype)
        case nil:
            return emitQuirkyDoctypeAtEnd()
        default:
            becomeBogusDoctype()
        }
        return nil
    }

    /// The before DOCTYPE public identifier and before DOCTYPE system identifier states.
    mutating func beforeDoctypeIdentifierState(system: Bool) -> HTMLTokenKind? {
        while let byte = peek(), Self.isWhitespace(byte) { advance() }
        switch peek() {
        case let quote? where quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"):
            advance()
            startIdentifier(system: system, quote: quote)
        case UInt8(ascii: ">"):
            advance()
            doctype.forceQuirks = true
            state = .data
            return emit(.doctype)
        case nil:
            return emitQuirkyDoctypeAtEnd()
        default:
            becomeBogusDoctype()
        }
        return nil
    }

    /// The four quoted identifier states.
    mutating func doctypeIdentifierState(system: Bool, quote: UInt8) -> HTMLTokenKind? {
        while let byte = peek() {
            advance()
            switch byte {
            case quote:
                state = system ? .afterDoctypeSystemIdentifier : .afterDoctypePublicIdentifier
                return nil
            case UInt8(ascii: ">"):  // abrupt end of the identifier
                doctype.forceQuirks = true
                state = .data
                return emit(.doctype)
            case 0:
                appendToIdentifier(system: system, bytes: [0xEF, 0xBF, 0xBD])
            default:
                appendToIdentifier(system: system, bytes: CollectionOfOne(byte))
            }
        }
        return emitQuirkyDoctypeAtEnd()
    }

    private mutating func appendToIdentifier(system: Bool, bytes: some Collection<UInt8>) {
        if system { doctype.systemID?.append(contentsOf: bytes) } else { doctype.publicID?.append(contentsOf: bytes) }
    }

    mutating func afterDoctypePublicIdentifierState() -> HTMLTokenKind? {
        switch peek() {
        case let byte? where Self.isWhitespace(byte):
            advance()
            state = .betweenDoctypePublicAndSystemIdentifiers
        case UInt8(ascii: ">"):
            advance()
            state = .data
            return emit(.doctype)
        case let quote? where quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"):
            advance()
            startIdentifier(system: true, quote: quote)
        case nil:
            return emitQuirkyDoctypeAtEnd()
        default:
            becomeBogusDoctype()
        }
        return nil
    }

    mutating func betweenDoctypeIdentifiersState() -> HTMLTokenKind? {
        while let byte = peek(), Self.isWhitespace(byte) { advance() }
        switch peek() {
        case UInt8(ascii: ">"):
            advance()
            state = .data
            return emit(.doctype)
        case let quote? where quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"):
            advance()
            startIdentifier(system: true, quote: quote)
        case nil:
            return emitQuirkyDoctypeAtEnd()
        default:
            becomeBogusDoctype()
        }
        return nil
    }

    mutating func afterDoctypeSystemIdentifierState() -> HTMLTokenKind? {
        while let byte = peek(), Self.isWhitespace(byte) { advance() }
        switch peek() {
        case UInt8(ascii: ">"):
            advance()
            state = .data
            return emit(.doctype)
        case nil:
            return emitQuirkyDoctypeAtEnd()
        default:
            becomeBogusDoctype(forceQuirks: false)  // the one malformation that is not quirky
        }
        return nil
    }

    mutating func bogusDoctypeState() -> HTMLTokenKind? {
        while let byte = peek() {
            advance()
            if byte == UInt8(ascii: ">") {
                state = .data
                return emit(.doctype)
            }
        }
        state = .data
        return emit(.doctype)
    }
}
