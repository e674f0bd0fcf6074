/// The comment states: markup declaration open (which also leads to DOCTYPE and CDATA),
/// bogus comments and the comment states proper, with their abrupt endings (`<!-->`,
/// `<!--->`) and `--!>` (13.2.5.41-52).
extension HTMLTokenizer {
    mutating func markupDeclarationOpenState() -> HTMLTokenKind? {
        if consumeIfNext("--", ignoringCase: false) {
            startComment()
            state = .commentStart
        } else if consumeIfNext("doctype", ignoringCase: true) {
            state = .doctype
        } else if consumeIfNext("[CDATA[", ignoringCase: false) {
            if allowsCDATA {
                state = .cdataSection
            } else {
                startComment()
                commentData.append(contentsOf: "[CDATA[".utf8)
                state = .bogusComment
            }
        } else {
            startComment()
            state = .bogusComment
        }
        return nil
    }

    /// Copies comment text into ``commentData`` up to the next `stop` byte (or NUL),
    /// reading CR LF and CR as LF; returns that byte, not consumed, or nil at the end.
    private mutating func copyComment(stop: UInt8, stopAtLessThan: Bool) -> UInt8? {
        let count = input.count
        var index = position
        while true {
            let start = index
            while index < count {
                let byte = input[index]
                if byte == stop || byte == 0 || byte == 0x0D || byte == UInt8(ascii: "<") && stopAtLessThan { break }
                index += 1
            }
            if index > start { commentData.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<index])) }
            guard index < count, input[index] == 0x0D else { break }
            commentData.append(0x0A)
            index += 1
            if index < count && input[index] == 0x0A { index += 1 }
        }
        position = index
        return index < count ? input[index] : nil
    }

    mutating func bogusCommentState() -> HTMLTokenKind? {
        switch copyComment(stop: UInt8(ascii: ">"), stopAtLessThan: false) {
        case UInt8(ascii: ">"):
            position += 1
            state = .data
            return emit(.comment)
        case nil:
            state = .data
            return emit(.comment)
        default:  // U+0000
            position += 1
            Self.appendReplacement(to: &commentData)
            return nil
        }
    }

    mutating func commentStartState() -> HTMLTokenKind? {
        switch peek() {
        case UInt8(ascii: "-"):
            advance()
            state = .commentStartDash
        case UInt8(ascii: ">"):  // `<!-->`
            advance()
            state = .data
            return emit(.comment)
        default:
            state = .comment
        }
        return nil
    }

    mutating func commentStartDashState() -> HTMLTokenKind? {
        switch peek() {
        case UInt8(ascii: "-"):
            advance()
            state = .commentEnd
        case UInt8(ascii: ">"):  // `<!--->`
            advance()
            state = .data
            return emit(.comment)
        case nil:
            state = .data
            return emit(.comment)
        default:
            commentData.append(UInt8(ascii: "-"))
            state = .comment
        }
        return nil
    }

    mutating func commentState() -> HTMLTokenKind? {
        switch copyComment(stop: UInt8(ascii: "-"), stopAtLessThan: true) {
        case UInt8(ascii: "<"):
            position += 1
            commentData.append(UInt8(ascii: "<"))
            state = .commentLessThanSign
        case UInt8(ascii: "-"):
            position += 1
            state = .commentEndDash
        case nil:
            state = .data
            return emit(.comment)
        default:  // U+0000
            position += 1
            Self.appendReplacement(to: &commentData)
        }
        return nil
    }

    mutating func commentLessThanSignState() -> HTMLTokenKind? {
        switch peek() {
        case UInt8(ascii: "!"):
            advance()
            commentData.append(UInt8(ascii: "!"))
            state = .commentLessThanSignBang
        case UInt8(ascii: "<"):
            advance()
            commentData.append(UInt8(ascii: "<"))
        default:
            state = .comment
        }
        return nil
    }

    mutating func commentLessThanSignBangState() -> HTMLTokenKind? {
        if peek() == UInt8(ascii: "-") {
            advance()
            state = .commentLessThanSignBangDash
        } else {
            state = .comment
        }
        return nil
    }

    mutating func commentLessThanSignBangDashState() -> HTMLTokenKind? {
        if peek() == UInt8(ascii: "-") {
            advance()
            state = .commentLessThanSignBangDashDash
        } else {
            state = .commentEndDash
        }
        return nil
    }

    mutating func commentLessThanSignBangDashDashState() -> HTMLTokenKind? {
        // `<!--` inside a comment: a parse error (nested comment) either way.
        state = .commentEnd
        return nil
    }

    mutating func commentEndDashState() -> HTMLTokenKind? {
        switch peek() {
        case UInt8(ascii: "-"):
            advance()
            state = .commentEnd
        case nil:
            state = .data
            return emit(.comment)
        default:
            commentData.append(UInt8(ascii: "-"))
            state = .comment
        }
        return nil
    }

    mutating func commentEndState() -> HTMLTokenKind? {
        switch peek() {
        case UInt8(ascii: ">"):
            advance()
            state = .data
            return emit(.comment)
        case UInt8(ascii: "!"):
            advance()
            state = .commentEndBang
        case UInt8(ascii: "-"):
            advance()
            commentData.append(UInt8(ascii: "-"))
        case nil:
            state = .data
            return emit(.comment)
        default:
            commentData.append(UInt8(ascii: "-"))
            commentData.append(UInt8(ascii: "-"))
            state = .comment
        }
        return nil
    }

    mutating func commentEndBangState() -> HTMLTokenKind? {
        switch peek() {
        case UInt8(ascii: "-"):
            advance()
            commentData.append(contentsOf: "--!".utf8)
            state = .commentEndDash
        case UInt8(ascii: ">"):  // `--!>`
            advance()
            state = .data
            return emit(.comment)
        case nil:
            state = .data
            return emit(.comment)
        default:
            commentData.append(contentsOf: "--!".utf8)
            state = .comment
        }
        return nil
    }
}
