/// Character references (13.2.5.72-80), read in one go from the `&`.
///
/// The standard's character reference states never end a token and only look at ASCII
/// characters, so this reads a reference at once and appends its result to the text or to
/// the attribute value being read; what the standard's states would leave unconsumed (the
/// ambiguous ampersand state's alphanumerics, a `&#` without digits) is left in the input
/// for the return state, which copies it unchanged, as the standard's flushing would.
extension HTMLTokenizer {
    /// Reads the character reference after an `&` (already consumed) at ``position``.
    /// `inAttribute`: the return state is an attribute value state (then a legacy name
    /// followed by `=` or an alphanumeric is not decoded: `?a=1&amp=2` keeps `&amp=`).
    mutating func consumeCharacterReference(inAttribute: Bool) {
        guard position < input.count else { return appendReferenceText(UInt8(ascii: "&"), inAttribute: inAttribute) }
        let first = input[position]
        if first == UInt8(ascii: "#") {
            return consumeNumericReference(inAttribute: inAttribute)
        }
        let remaining = UnsafeBufferPointer(rebasing: input[position...])
        guard ASCII.isAlphanumeric(first), let match = Self.namedReferences.longestMatch(in: remaining) else {
            // No name matches (or not a name at all): the `&` stays, and the letters after
            // it are copied by the return state (the ambiguous ampersand state's rule).
            return appendReferenceText(UInt8(ascii: "&"), inAttribute: inAttribute)
        }
        let endsWithSemicolon = remaining[match.length - 1] == UInt8(ascii: ";")
        if inAttribute && !endsWithSemicolon && match.length < remaining.count {
            let next = remaining[match.length]
            if next == UInt8(ascii: "=") || ASCII.isAlphanumeric(next) {
                // Historical: `href="?a=1&amp=2"` keeps the text as written.
                appendReferenceText(UInt8(ascii: "&"), inAttribute: true)
                appendToAttributeValue(UnsafeBufferPointer(rebasing: remaining[..<match.length]))
                position += match.length
                return
            }
        }
        position += match.length
        let value = Self.namedReferences.value(of: match)
        if inAttribute { appendToAttributeValue(value) } else { text.append(contentsOf: value) }
    }

    /// `&#` (the `#` at ``position``): decimal, or hexadecimal after `x`/`X`.
    private mutating func consumeNumericReference(inAttribute: Bool) {
        let count = input.count
        var index = position + 1
        let hex = index < count && (input[index] | 0x20) == UInt8(ascii: "x")
        if hex { index += 1 }
        let digitsStart = index
        var value: UInt32 = 0
        while index < count, let digit = NumericCharacterReference.digitValue(input[index], hex: hex) {
            value = NumericCharacterReference.accumulate(value, digit, hex: hex)
            index += 1
        }
        guard index > digitsStart else {
            // No digits: `&#` (or `&#x`) stays as text, read again by the return state.
            return appendReferenceText(UInt8(ascii: "&"), inAttribute: inAttribute)
        }
        if index < count && input[index] == UInt8(ascii: ";") { index += 1 }
        position = index
        appendScalar(NumericCharacterReference.scalar(for: value).value, inAttribute: inAttribute)
    }

    /// Appends `scalar` (a Unicode scalar value), UTF-8 encoded, to the attribute value or
    /// to the text.
    private mutating func appendScalar(_ scalar: UInt32, inAttribute: Bool) {
        switch scalar {
        case ..<0x80:
            appendReferenceText(UInt8(scalar), inAttribute: inAttribute)
        case ..<0x800:
            appendReferenceText(UInt8(0xC0 | scalar >> 6), inAttribute: inAttribute)
            appendReferenceText(UInt8(0x80 | scalar & 0x3F), inAttribute: inAttribute)
        case ..<0x10000:
            appendReferenceText(UInt8(0xE0 | scalar >> 12), inAttribute: inAttribute)
            appendReferenceText(UInt8(0x80 | scalar >> 6 & 0x3F), inAttribute: inAttribute)
            appendReferenceText(UInt8(0x80 | scalar & 0x3F), inAttribute: inAttribute)
        default:
            appendReferenceText(UInt8(0xF0 | scalar >> 18), inAttribute: inAttribute)
            appendReferenceText(UInt8(0x80 | scalar >> 12 & 0x3F), inAttribute: inAttribute)
            appendReferenceText(UInt8(0x80 | scalar >> 6 & 0x3F), inAttribute: inAttribute)
            appendReferenceText(UInt8(0x80 | scalar & 0x3F), inAttribute: inAttribute)
        }
    }

    /// Appends a byte of a reference's text to the attribute value or to the text.
    private mutating func appendReferenceText(_ byte: UInt8, inAttribute: Bool) {
        if inAttribute { appendToAttributeValue(byte) } else { text.append(byte) }
    }
}
