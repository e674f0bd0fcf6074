/// The script data states (13.2.5.4, 15-31): `<!--` in a script escapes it, and a
/// `<script` inside the escape double-escapes it, so that `</script>` in a commented-out
/// script does not end the outer one.
extension HTMLTokenizer {
    mutating func scriptDataState() -> HTMLTokenKind? {
        switch copyText(upTo: UInt8(ascii: "<"), 0, 0) {
        case nil:
            return emit(.endOfFile)
        case UInt8(ascii: "<"):
            position += 1
            state = .scriptDataLessThanSign
        default:
            position += 1
            Self.appendReplacement(to: &text)
        }
        return nil
    }

    mutating func scriptDataLessThanSignState() -> HTMLTokenKind? {
        switch peek() {
        case UInt8(ascii: "/"):
            advance()
            temporaryBuffer.removeAll(keepingCapacity: true)
            state = .scriptDataEndTagOpen
        case UInt8(ascii: "!"):
            advance()
            text.append(UInt8(ascii: "<"))
            text.append(UInt8(ascii: "!"))
            state = .scriptDataEscapeStart
        default:
            text.append(UInt8(ascii: "<"))
            state = .scriptData
        }
        return nil
    }

    mutating func scriptDataEscapeStartState() -> HTMLTokenKind? {
        if peek() == UInt8(ascii: "-") {
            advance()
            text.append(UInt8(ascii: "-"))
            state = .scriptDataEscapeStartDash
        } else {
            state = .scriptData
        }
        return nil
    }

    mutating func scriptDataEscapeStartDashState() -> HTMLTokenKind? {
        if peek() == UInt8(ascii: "-") {
            advance()
            text.append(UInt8(ascii: "-"))
            state = .scriptDataEscapedDashDash
        } else {
            state = .scriptData
        }
        return nil
    }

    /// Copies escaped (or double-escaped) script text up to the next `-`, `<` or NUL;
    /// returns that byte, not consumed, or nil at the end of the input.
    private mutating func copyEscapedScript() -> UInt8? {
        copyText(upTo: UInt8(ascii: "-"), UInt8(ascii: "<"), 0)
    }

    mutating func scriptDataEscapedState() -> HTMLTokenKind? {
        switch copyEscapedScript() {
        case nil:
            return emit(.endOfFile)
        case UInt8(ascii: "-"):
            position += 1
            text.append(UInt8(ascii: "-"))
            state = .scriptDataEscapedDash
        case UInt8(ascii: "<"):
            position += 1
            state = .scriptDataEscapedLessThanSign
        default:
            position += 1
            Self.appendReplacement(to: &text)
        }
        return nil
    }

    mutating func scriptDataEscapedDashState() -> HTMLTokenKind? {
        return escapedDash(next: .scriptDataEscapedDashDash, lessThan: .scriptDataEscapedLessThanSign,
                           body: .scriptDataEscaped, emitsLessThan: false)
    }

    mutating func scriptDataEscapedDashDashState() -> HTMLTokenKind? {
        return escapedDashDash(lessThan: .scriptDataEscapedLessThanSign, body: .scriptDataEscaped, emitsLessThan: false)
    }

    /// The escaped and double-escaped dash states: one `-` seen.
    private mutating func escapedDash(next: State, lessThan: State, body: State, emitsLessThan: Bool) -> HTMLTokenKind? {
        guard let byte = peek() else { return emit(.endOfFile) }
        advance()
        switch byte {
        case UInt8(ascii: "-"):
            text.append(byte)
            state = next
        case UInt8(ascii: "<"):
            if emitsLessThan { text.append(byte) }
            state = lessThan
        case 0:
            Self.appendReplacement(to: &text)
            state = body
        default:
            text.append(byte)
            state = body
        }
        return nil
    }

    /// The escaped and double-escaped dash dash states: `--` seen, so `>` ends the escape.
    private mutating func escapedDashDash(lessThan: State, body: State, emitsLessThan: Bool) -> HTMLTokenKind? {
        guard let byte = peek() else { return emit(.endOfFile) }
        advance()
        switch byte {
        case UInt8(ascii: "-"):
            text.append(byte)
        case UInt8(ascii: "<"):
            if emitsLessThan { text.append(byte) }
            state = lessThan
        case UInt8(ascii: ">"):
            text.append(byte)
            state = .scriptData
        case 0:
            Self.appendReplacement(to: &text)
            state = body
        default:
            text.append(byte)
            state = body
        }
        return nil
    }

    mutating func scriptDataEscapedLessThanSignState() -> HTMLTokenKind? {
        if peek() == UInt8(ascii: "/") {
            advance()
            temporaryBuffer.removeAll(keepingCapacity: true)
            state = .scriptDataEscapedEndTagOpen
        } else if let byte = peek(), ASCII.isLetter(byte) {
            temporaryBuffer.removeAll(keepingCapacity: true)
            text.append(UInt8(ascii: "<"))
            state = .scriptDataDoubleEscapeStart
        } else {
            text.append(UInt8(ascii: "<"))
            state = .scriptDataEscaped
        }
        return nil
    }

    /// Whether the temporary buffer holds `script` (its letters are lowercased).
    private var temporaryBufferIsScript: Bool {
        temporaryBuffer.elementsEqual("script".utf8)
    }

    /// The double escape start and end states: a tag name after `<` (start) or `</` (end)
    /// is read; if it is `script`, the script switches into (or out of) double escaping.
    private mutating func doubleEscapeBoundary(ifScript: State, otherwise: State) -> HTMLTokenKind? {
        if let byte = peek() {
            if Self.isWhitespace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">") {
                advance()
                text.append(byte)
                state = temporaryBufferIsScript ? ifScript : otherwise
                return nil
            }
            if ASCII.isLetter(byte) {
                advance()
                temporaryBuffer.append(ASCII.lowercased(byte))
                text.append(byte)
                return nil
            }
        }
        state = otherwise
        return nil
    }

    mutating func scriptDataDoubleEscapeStartState() -> HTMLTokenKind? {
        doubleEscapeBoundary(ifScript: .scriptDataDoubleEscaped, otherwise: .scriptDataEscaped)
    }

    mutating func scriptDataDoubleEscapedState() -> HTMLTokenKind? {
        switch copyEscapedScript() {
        case nil:
            return emit(.endOfFile)
        case UInt8(ascii: "-"):
            position += 1
            text.append(UInt8(ascii: "-"))
            state = .scriptDataDoubleEscapedDash
        case UInt8(ascii: "<"):
            position += 1
            text.append(UInt8(ascii: "<"))
            state = .scriptDataDoubleEscapedLessThanSign
        default:
            position += 1
            Self.appendReplacement(to: &text)
        }
        return nil
    }

    mutating func scriptDataDoubleEscapedDashState() -> HTMLTokenKind? {
        escapedDash(next: .scriptDataDoubleEscapedDashDash, lessThan: .scriptDataDoubleEscapedLessThanSign,
                    body: .scriptDataDoubleEscaped, emitsLessThan: true)
    }

    mutating func scriptDataDoubleEscapedDashDashState() -> HTMLTokenKind? {
        escapedDashDash(lessThan: .scriptDataDoubleEscapedLessThanSign, body: .scriptDataDoubleEscaped, emitsLessThan: true)
    }

    mutating func scriptDataDoubleEscapedLessThanSignState() -> HTMLTokenKind? {
        if peek() == UInt8(ascii: "/") {
            advance()
            temporaryBuffer.removeAll(keepingCapacity: true)
            text.append(UInt8(ascii: "/"))
            state = .scriptDataDoubleEscapeEnd
        } else {
            state = .scriptDataDoubleEscaped
        }
        return nil
    }

    mutating func scriptDataDoubleEscapeEndState() -> HTMLTokenKind? {
        doubleEscapeBoundary(ifScript: .scriptDataEscaped, otherwise: .scriptDataDoubleEscaped)
    }
}
