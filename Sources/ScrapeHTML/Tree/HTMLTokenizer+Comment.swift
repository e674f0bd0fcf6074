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

    /// Copies comment text into ``commentData`` up to the next `a`, `b` or `c` byte (see
    /// `copyRun`).
    private mutating func copyComment(upTo a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8? {
        var fresh = false
        return Self.copyRun(input, from: &position, into: &commentData, upTo: a, b, c, stale: &fresh)
    }

    mutating func bogusCommentState() -> HTMLTokenKind? {
        switch copyComment(upTo: UInt8(ascii: ">"), 0, 0) {
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
        switch copyComment(upTo: UInt8(ascii: "-"), UInt8(ascii: "<"), 0) {
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
