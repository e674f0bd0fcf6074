/// CSS Syntax Level 3's tokenizer (section 4.3), over the selector's Unicode scalars:
/// identifiers, functions, hashes, strings, numbers and dimensions, with escapes (`\31 23`),
/// as a browser's selector parser sees them. Comments are dropped. The input
/// preprocessing (NUL to U+FFFD, CR and FF as newlines) happens as scalars are read, so
/// offsets stay those of the text the user wrote.
struct CSSTokenizer {
    private let input: [Unicode.Scalar]
    private var position = 0

    init(_ text: String) {
        input = Array(text.unicodeScalars)
    }

    /// Every token, the last one `.eof`.
    static func tokenize(_ text: String) -> [CSSToken] {
        var tokenizer = CSSTokenizer(text)
        var tokens: [CSSToken] = []
        while true {
            let token = tokenizer.next()
            tokens.append(token)
            if token.kind == .eof { return tokens }
        }
    }

    // MARK: Scalars

    private static let replacement: Unicode.Scalar = "\u{FFFD}"

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let index = position + ahead
        guard index < input.count else { return nil }
        return input[index] == "\0" ? Self.replacement : input[index]
    }

    private static func isNewline(_ c: Unicode.Scalar?) -> Bool { c == "\n" || c == "\r" || c == "\u{0C}" }
    private static func isWhitespace(_ c: Unicode.Scalar?) -> Bool { isNewline(c) || c == " " || c == "\t" }
    private static func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { $0.value >= 0x30 && $0.value <= 0x39 } ?? false }
    private static func isHexDigit(_ c: Unicode.Scalar?) -> Bool {
        guard let v = c?.value else { return false }
        return (v >= 0x30 && v <= 0x39) || (v | 0x20 >= 0x61 && v | 0x20 <= 0x66)
    }
    private static func isIdentStart(_ c: Unicode.Scalar?) -> Bool {
        guard let v = c?.value else { return false }
        return (v | 0x20 >= 0x61 && v | 0x20 <= 0x7A) || v >= 0x80 || v == 0x5F || v == 0
    }
    private static func isIdent(_ c: Unicode.Scalar?) -> Bool { isIdentStart(c) || isDigit(c) || c == "-" }

    /// Whether the scalars at `ahead` and after are a valid escape (`\` not before a newline).
    private func isValidEscape(at ahead: Int) -> Bool {
        peek(ahead) == "\\" && !Self.isNewline(peek(ahead + 1))
    }

    /// The spec's "would start an ident sequence", looking at the scalars from `ahead`.
    private func wouldStartIdent(at ahead: Int = 0) -> Bool {
        let first = peek(ahead)
        if first == "-" { return Self.isIdentStart(peek(ahead + 1)) || peek(ahead + 1) == "-" || isValidEscape(at: ahead + 1) }
        if first == "\\" { return isValidEscape(at: ahead) }
        return Self.isIdentStart(first)
    }

    private func wouldStartNumber() -> Bool {
        let first = peek()
        if first == "+" || first == "-" {
            return Self.isDigit(peek(1)) || (peek(1) == "." && Self.isDigit(peek(2)))
        }
        if first == "." { return Self.isDigit(peek(1)) }
        return Self.isDigit(first)
    }

    // MARK: Tokens

    mutating func next() -> CSSToken {
        let start = position
        func token(_ kind: CSSToken.Kind) -> CSSToken { CSSToken(kind: kind, offset: start) }
        guard let c = peek() else { return token(.eof) }
        if c == "/" && peek(1) == "*" {
            position += 2
            while position < input.count && !(peek() == "*" && peek(1) == "/") { position += 1 }
            position = min(position + 2, input.count)
            return next()
        }
        if Self.isWhitespace(c) {
            while Self.isWhitespace(peek()) { position += 1 }
            return token(.whitespace)
        }
        switch c {
        case "\"", "'":
            position += 1
            return token(consumeString(until: c))
        case "#":
            if Self.isIdent(peek(1)) || isValidEscape(at: 1) {
                position += 1
                let isID = wouldStartIdent()
                return token(.hash(consumeName(), isID: isID))
            }
        case "(": position += 1; return token(.leftParen)
        case ")": position += 1; return token(.rightParen)
        case "[": position += 1; return token(.leftBracket)
        case "]": position += 1; return token(.rightBracket)
        case "{": position += 1; return token(.leftBrace)
        case "}": position += 1; return token(.rightBrace)
        case ",": position += 1; return token(.comma)
        case ":": position += 1; return token(.colon)
        case ";": position += 1; return token(.semicolon)
        case "+", ".":
            if wouldStartNumber() { return token(consumeNumeric()) }
        case "-":
            if wouldStartNumber() { return token(consumeNumeric()) }
            if peek(1) == "-" && peek(2) == ">" { position += 3; return token(.cdc) }
            if wouldStartIdent() { return token(consumeIdentLike()) }
        case "<":
            if peek(1) == "!" && peek(2) == "-" && peek(3) == "-" { position += 4; return token(.cdo) }
        case "@":
            if wouldStartIdent(at: 1) {
                position += 1
                return token(.atKeyword(consumeName()))
            }
        case "\\":
            if isValidEscape(at: 0) { return token(consumeIdentLike()) }
        default:
            if Self.isDigit(c) { return token(consumeNumeric()) }
            if Self.isIdentStart(c) { return token(consumeIdentLike()) }
        }
        position += 1
        return token(.delim(c))
    }

    /// An ident sequence (section 4.3.11), escapes resolved.
    private mutating func consumeName() -> String {
        var name = String.UnicodeScalarView()
        while let c = peek() {
            if Self.isIdent(c) {
                name.append(c)
                position += 1
            } else if isValidEscape(at: 0) {
                position += 1
                name.append(consumeEscape())
            } else {
                break
            }
        }
        return String(name)
    }

    /// The scalar an escape stands for; the `\` is consumed already (section 4.3.7).
    private mutating func consumeEscape() -> Unicode.Scalar {
        guard let c = peek() else { return Self.replacement }
        guard Self.isHexDigit(c) else {
            position += 1
            return c
        }
        var value: UInt32 = 0
        var digits = 0
        while digits < 6, let d = peek(), Self.isHexDigit(d) {
            value = value * 16 + (Self.isDigit(d) ? d.value - 0x30 : (d.value | 0x20) - 0x61 + 10)
            digits += 1
            position += 1
        }
        if peek() == "\r" && peek(1) == "\n" { position += 2 } else if Self.isWhitespace(peek()) { position += 1 }
        guard value != 0, let scalar = Unicode.Scalar(value) else { return Self.replacement }
        return scalar
    }

    private mutating func consumeString(until quote: Unicode.Scalar) -> CSSToken.Kind {
        var value = String.UnicodeScalarView()
        while let c = peek() {
            if c == quote { position += 1; return .string(String(value)) }
            if Self.isNewline(c) { return .badString }
            position += 1
            if c == "\\" {
                guard let escaped = peek() else { continue }
                if Self.isNewline(escaped) {
                    position += (escaped == "\r" && peek(1) == "\n") ? 2 : 1
                } else {
                    value.append(consumeEscape())
                }
            } else {
                value.append(c)
            }
        }
        return .string(String(value))
    }

    /// An ident, or a function when a `(` follows (no url-token: selectors have none).
    private mutating func consumeIdentLike() -> CSSToken.Kind {
        let name = consumeName()
        if peek() == "(" {
            position += 1
            return .function(name)
        }
        return .ident(name)
    }

    /// A number, percentage or dimension (section 4.3.3).
    private mutating func consumeNumeric() -> CSSToken.Kind {
        var text = ""
        var isInteger = true
        if peek() == "+" || peek() == "-" { text.unicodeScalars.append(peek()!); position += 1 }
        while Self.isDigit(peek()) { text.unicodeScalars.append(peek()!); position += 1 }
        if peek() == ".", Self.isDigit(peek(1)) {
            isInteger = false
            text += "."
            position += 1
            while Self.isDigit(peek()) { text.unicodeScalars.append(peek()!); position += 1 }
        }
        if peek() == "e" || peek() == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            if Self.isDigit(peek(signed ? 2 : 1)) {
                isInteger = false
                for _ in 0..<(signed ? 2 : 1) { text.unicodeScalars.append(peek()!); position += 1 }
                while Self.isDigit(peek()) { text.unicodeScalars.append(peek()!); position += 1 }
            }
        }
        let value = Self.numericValue(of: text)
        if wouldStartIdent() {
            return .dimension(value, isInteger: isInteger, text: text, unit: consumeName())
        }
        if peek() == "%" {
            position += 1
            return .percentage(value)
        }
        return .number(value, isInteger: isInteger, text: text)
    }

    /// The value of a number as the tokenizer wrote it (digits, optional fraction and
    /// exponent); integers, the only ones selectors use, are exact up to 2^53.
    private static func numericValue(of text: String) -> Double {
        var sign = 1.0
        var mantissa = 0.0
        var fractionDigits = 0
        var exponent = 0
        var exponentSign = 1
        var part = 0 // 0 integer, 1 fraction, 2 exponent
        for c in text.unicodeScalars {
            switch c {
            case "+" where part != 2: sign = 1
            case "-" where part != 2: sign = -1
            case "-": exponentSign = -1
            case "+": break
            case ".": part = 1
            case "e", "E": part = 2
            default:
                let digit = Int(c.value) - 0x30
                if part == 2 {
                    exponent = min(exponent * 10 + digit, 10_000)
                } else {
                    mantissa = mantissa * 10 + Double(digit)
                    if part == 1 { fractionDigits += 1 }
                }
            }
        }
        var scale = exponentSign * exponent - fractionDigits
        var value = mantissa
        while scale > 0 { value *= 10; scale -= 1 }
        while scale < 0 { value /= 10; scale += 1 }
        return sign * value
    }
}
