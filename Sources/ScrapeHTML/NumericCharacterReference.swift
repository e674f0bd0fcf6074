/// The HTML standard's rules for numeric character references (`&#233;`, `&#xE9;`), in
/// one place for the tokenizer (13.2.5.80, the numeric character reference end state)
/// and the title's decoder (``CharacterReferences``), so the two cannot drift apart.
enum NumericCharacterReference {
    /// The scalar a reference to `value` stands for: U+0000, surrogates and values past
    /// U+10FFFF become U+FFFD; 0x80-0x9F map as windows-1252 does (C1 controls were never
    /// meant: the standard's table is windows-1252's, see ``Windows1252``); other controls
    /// and noncharacters stay (parse errors only).
    static func scalar(for value: UInt32) -> Unicode.Scalar {
        switch value {
        case 0x80...0x9F: return Windows1252.scalar(forHighByte: UInt8(value))
        case 0: return "\u{FFFD}"
        default: return Unicode.Scalar(value) ?? "\u{FFFD}"  // nil for surrogates and past U+10FFFF
        }
    }

    /// `value` with `digit` appended, saturating at 0x110000: every value past U+10FFFF
    /// gives U+FFFD, however many digits it has, while leading zeros change nothing
    /// (`&#0000000065;` is `A`).
    static func accumulate(_ value: UInt32, _ digit: UInt32, hex: Bool) -> UInt32 {
        min(value * (hex ? 16 : 10) + digit, 0x110000)
    }

    /// The value of `byte` as a digit of a decimal reference, or of a hexadecimal one when
    /// `hex`; nil when it is not one.
    static func digitValue(_ byte: UInt8, hex: Bool) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte) - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: UInt32(byte) - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: UInt32(byte) - 55
        default: nil
        }
    }
}
