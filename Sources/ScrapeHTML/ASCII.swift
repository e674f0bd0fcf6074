/// The HTML standard's ASCII byte classes, shared by the tokenizer, the meta prescan, the
/// label lookup and the title's whitespace rule.
enum ASCII {
    /// Tab, LF, FF, CR and space: the standard's "ASCII whitespace".
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D || byte == 0x20
    }

    /// `A-Z` or `a-z`.
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    /// `0-9`, `A-Z` or `a-z`.
    static func isAlphanumeric(_ byte: UInt8) -> Bool { (byte >= 0x30 && byte <= 0x39) || isLetter(byte) }

    /// `byte` with `A-Z` mapped to `a-z`.
    static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
}
