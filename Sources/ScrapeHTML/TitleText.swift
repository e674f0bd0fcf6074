/// Turns a title element's raw text into what `document.title` returns.
enum TitleText {
    /// Decodes character references, replaces NUL, strips and collapses ASCII whitespace,
    /// and caps the result at `maxBytes` UTF-8 bytes on a character boundary.
    ///
    /// Invalid UTF-8 becomes U+FFFD, so the result is always valid text (and valid JSON).
    static func normalize(_ raw: [UInt8], maxBytes: Int) -> String {
        let decoded = CharacterReferences.decode(String(decoding: raw, as: UTF8.self))
        var result = ""
        result.reserveCapacity(min(decoded.utf8.count, maxBytes))
        var pendingSpace = false
        for scalar in decoded.unicodeScalars {
            if isASCIIWhitespace(scalar) {
                pendingSpace = !result.isEmpty
                continue
            }
            let character = scalar == "\u{0}" ? "\u{FFFD}" : scalar
            let needed = (pendingSpace ? 1 : 0) + UTF8.width(character)
            if result.utf8.count + needed > maxBytes { break }
            if pendingSpace { result.append(" ") }
            pendingSpace = false
            result.unicodeScalars.append(character)
        }
        return result
    }

    /// Tab, LF, FF, CR and space: the whitespace the HTML standard strips from titles.
    private static func isASCIIWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\t", "\n", "\u{0C}", "\r", " ": true
        default: false
        }
    }
}
