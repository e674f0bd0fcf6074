extension JSONDocument {
    /// The decimal digits of a YAML integer of any size, as the config reader reads integers (`_` ignored;
    /// `0x`, `0b`, `0o` or a leading `0` for hex, binary, octal), with its sign: the JSON
    /// number for an integer that does not fit in 64 bits. Nil for a sexagesimal one (`1:30`).
    ///
    /// Exact by construction: the digits are converted one at a time in base 10 (no `Double`
    /// or fixed-width integer on the way), so `123456789012345678901234567890` stays that.
    static func decimalDigits(ofYAMLInteger text: String) -> String? {
        var rest = Substring(text.replacing("_", with: ""))
        let negative = rest.first == "-"
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        guard !rest.contains(":") else { return nil }
        var radix = 10
        for (prefix, base) in [("0x", 16), ("0b", 2), ("0o", 8), ("0", 8)] where rest.count > 1 && rest.hasPrefix(prefix) {
            radix = base
            rest = rest.dropFirst(prefix.count)
            break
        }
        // Least significant decimal digit first; each input digit multiplies and adds.
        var decimal: [Int] = [0]
        for character in rest {
            guard let digit = character.hexDigitValue, digit < radix else { return nil }
            var carry = digit
            for index in decimal.indices {
                let value = decimal[index] * radix + carry
                decimal[index] = value % 10
                carry = value / 10
            }
            while carry > 0 {
                decimal.append(carry % 10)
                carry /= 10
            }
        }
        while decimal.count > 1, decimal.last == 0 { decimal.removeLast() }
        let digits = String(decimal.reversed().map { Character(String($0)) })
        return negative && digits != "0" ? "-" + digits : digits
    }
}
