/// Reading `An+B` from tokens, by the grammar of CSS Syntax Level 3 section 6.2: `odd`,
/// `even`, `5`, `+5`, `2n`, `-n+3`, `2n- 1`, `n-1` (one ident token), `+ n` is refused.
extension NthPattern {
    /// The pattern the tokens spell (no leading or trailing whitespace), or nil.
    init?(tokens: ArraySlice<CSSToken>) {
        var rest = tokens
        guard let first = rest.popFirst() else { return nil }
        var a: Int
        var unit: String
        switch first.kind {
        case .ident(let name):
            let lower = name.lowercased()
            if rest.isEmpty && lower == "odd" { self = .odd; return }
            if rest.isEmpty && lower == "even" { self = .even; return }
            if lower.hasPrefix("-") { a = -1; unit = String(lower.dropFirst()) } else { a = 1; unit = lower }
        case .number(let value, true, _):
            guard rest.isEmpty, let b = Self.clamped(value) else { return nil }
            self.init(a: 0, b: b)
            return
        case .dimension(let value, true, _, let name):
            guard let value = Self.clamped(value) else { return nil }
            a = value
            unit = name.lowercased()
        case .delim("+"):
            guard case .ident(let name)? = rest.popFirst()?.kind, !name.hasPrefix("-") else { return nil }
            a = 1
            unit = name.lowercased()
        default:
            return nil
        }
        guard unit.hasPrefix("n") else { return nil }
        if unit == "n" {
            guard let b = Self.tail(rest) else { return nil }
            self.init(a: a, b: b)
        } else if unit == "n-" {
            Self.skipWhitespace(&rest)
            guard let digits = rest.popFirst(), rest.isEmpty, let b = Self.signlessInteger(digits) else { return nil }
            self.init(a: a, b: -b)
        } else {
            let digits = unit.dropFirst(2)
            guard unit.hasPrefix("n-"), rest.isEmpty, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            self.init(a: a, b: -(Int(digits.prefix(10)) ?? Int(Int32.max)))
        }
    }

    /// The `B` after `An`: nothing, a signed integer, or `+`/`-` and a signless integer.
    private static func tail(_ tokens: ArraySlice<CSSToken>) -> Int? {
        var rest = tokens
        skipWhitespace(&rest)
        guard let next = rest.popFirst() else { return 0 }
        switch next.kind {
        case .number(let value, true, let text) where text.hasPrefix("+") || text.hasPrefix("-"):
            guard rest.isEmpty else { return nil }
            return clamped(value)
        case .delim(let sign) where sign == "+" || sign == "-":
            skipWhitespace(&rest)
            guard let digits = rest.popFirst(), rest.isEmpty, let b = signlessInteger(digits) else { return nil }
            return sign == "-" ? -b : b
        default:
            return nil
        }
    }

    private static func signlessInteger(_ token: CSSToken) -> Int? {
        guard case .number(let value, true, let text) = token.kind, text.first?.isNumber == true else { return nil }
        return clamped(value)
    }

    private static func skipWhitespace(_ tokens: inout ArraySlice<CSSToken>) {
        while tokens.first?.kind == .whitespace { tokens.removeFirst() }
    }

    /// An integer kept within ±2^31 (browsers clamp as well), so position arithmetic never overflows.
    private static func clamped(_ value: Double) -> Int? {
        guard value.isFinite else { return nil }
        return Int(max(-2_147_483_648, min(2_147_483_647, value)))
    }
}
