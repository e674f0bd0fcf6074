/// Decodes HTML character references (`&amp;`, `&#233;`, `&#xE9;`) in RCDATA text (a
/// title), as the HTML standard's tokenizer does.
///
/// Named references: the standard's whole table (``NamedCharacterReferences``, 2,231
/// names), the longest name that matches winning, so the legacy names work without a
/// semicolon (`&amp`, `&copy`, `&notit;` is `¬it;`). In RCDATA text (not an attribute)
/// a legacy name followed by `=` or a letter is still decoded. Numeric references follow
/// the standard: 0, surrogates and values past U+10FFFF become U+FFFD, and 0x80-0x9F map
/// through windows-1252, as browsers do.
///
/// Works on UTF-8 bytes (references are ASCII, so a byte scan cannot split a character):
/// the scalar-array version showed in profiles of pages with entities in titles
/// (docs/benchmarks.md, "Measured choices").
enum CharacterReferences {
    /// `bytes` (valid UTF-8) with every reference replaced by its UTF-8 encoding.
    static func decode(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "&")) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "&"), let (scalars, length) = reference(in: bytes, at: index) {
                for scalar in scalars { output.append(contentsOf: UTF8.encode(scalar)!) }
                index += length
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// The decoded scalars and the count of input bytes used, for the reference at `start`.
    private static func reference(in s: [UInt8], at start: Int) -> ([Unicode.Scalar], Int)? {
        var index = start + 1
        guard index < s.count else { return nil }
        if s[index] == UInt8(ascii: "#") {
            index += 1
            let hex = index < s.count && (s[index] == UInt8(ascii: "x") || s[index] == UInt8(ascii: "X"))
            if hex { index += 1 }
            let digitsStart = index
            var value: UInt32 = 0
            while index < s.count, let digit = NumericCharacterReference.digitValue(s[index], hex: hex) {
                value = NumericCharacterReference.accumulate(value, digit, hex: hex)
                index += 1
            }
            guard index > digitsStart else { return nil }
            if index < s.count, s[index] == UInt8(ascii: ";") { index += 1 }
            return ([NumericCharacterReference.scalar(for: value)], index - start)
        }
        // Named: the longest identifier of the table that the text starts with.
        var candidate: [UInt8] = []
        while index < s.count, ASCII.isAlphanumeric(s[index]), candidate.count < NamedCharacterReferences.longestName {
            candidate.append(s[index])
            index += 1
        }
        if index < s.count, s[index] == UInt8(ascii: ";") { candidate.append(UInt8(ascii: ";")) }
        while !candidate.isEmpty {
            if let scalars = NamedCharacterReferences.lookup(candidate) { return (scalars, candidate.count + 1) }
            candidate.removeLast()
        }
        return nil
    }
}
