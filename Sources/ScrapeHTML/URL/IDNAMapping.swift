/// The UTS #46 mapping step, one code point at a time, approximated with the standard
/// library's Unicode properties.
///
/// Done: ASCII lowercase; the three ideographic full stops to `.`; full-width ASCII and the
/// mathematical alphanumeric letters and digits to ASCII; other letters through the Unicode
/// lowercase mapping (`Ä` → `ä`, `Σ` → `σ`); ZWJ and ZWNJ kept (deviations, nontransitional);
/// superscript, subscript, circled and parenthesized digits and circled letters to ASCII; the code points UTS #46 ignores removed (soft
/// hyphen, zero-width space, invisible operators, Hangul fillers, variation selectors, BOM,
/// Mongolian free variation selectors); unassigned, control, format, private-use, surrogate
/// and separator code points, two vertical presentation forms and U+FFFD disallowed.
/// Not done: the compatibility mappings (`ℌ` → `h`, `①` → `1`, `‥` → `..`, ligatures, the
/// mathematical Greek letters), case folding that differs from lowercasing (`ẞ` → `ss`), and
/// the disallowed symbols that are assigned and not in those classes.
enum IDNAMapping {
    /// Appends the mapping of `scalar` (nothing when ignored); false when disallowed.
    static func map(_ scalar: Unicode.Scalar, into mapped: inout [Unicode.Scalar]) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            mapped.append(Unicode.Scalar(UInt8(value) | (value >= 0x41 && value <= 0x5A ? 0x20 : 0)))
            return true
        }
        switch value {
        case 0x3002, 0xFF0E, 0xFF61:
            mapped.append(".")
            return true
        case 0xFF01...0xFF5E:
            return map(Unicode.Scalar(value - 0xFEE0)!, into: &mapped)
        case 0x1D400...0x1D6A3 where scalar.properties.generalCategory != .unassigned:
            // Thirteen alphabets of 52 letters, A–Z then a–z.
            let letter = (value - 0x1D400) % 52
            mapped.append(Unicode.Scalar(0x61 + letter % 26)!)
            return true
        case 0x1D7CE...0x1D7FF:
            mapped.append(Unicode.Scalar(0x30 + (value - 0x1D7CE) % 10)!)
            return true
        case 0x200C, 0x200D:
            mapped.append(scalar)
            return true
        case 0x00B9:
            mapped.append("1")
            return true
        case 0x00B2, 0x00B3:
            mapped.append(Unicode.Scalar(value - 0x80)!)
            return true
        case 0x2070, 0x2074...0x2079, 0x2080...0x2089:
            mapped.append(Unicode.Scalar(0x30 + (value & 0xF))!)
            return true
        case 0x00AD, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B...0x180F, 0x200B, 0x2060...0x2064, 0x206A...0x206F,
             0x3164, 0xFE00...0xFE0F, 0xFEFF, 0xFFA0, 0x1BCA0...0x1BCA3, 0x1D173...0x1D17A, 0xE0100...0xE01EF:
            return true
        case 0x2460...0x2473:
            // Circled numbers ① to ⑳.
            IPv4Address.appendDecimal(Int(value - 0x245F), to: &mapped)
            return true
        case 0x2474...0x2487:
            // Parenthesized numbers ⑴ to ⒇ (mapped, as STD3 rules are off).
            mapped.append("(")
            IPv4Address.appendDecimal(Int(value - 0x2473), to: &mapped)
            mapped.append(")")
            return true
        case 0x2488...0x249B:
            return false    // ⒈ to ⒛: a number and a full stop, disallowed
        case 0x24B6...0x24CF:
            mapped.append(Unicode.Scalar(0x61 + value - 0x24B6)!)
            return true
        case 0x24D0...0x24E9:
            mapped.append(Unicode.Scalar(0x61 + value - 0x24D0)!)
            return true
        case 0xFE10...0xFE19:
            // Vertical presentation forms: the punctuation they stand for, two disallowed.
            guard let mapped1 = verticalForms[Int(value - 0xFE10)] else { return false }
            mapped.append(mapped1)
            return true
        case 0xFFFD:
            return false    // what an invalid percent-decoded UTF-8 sequence became
        default:
            break
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .unassigned, .control, .privateUse, .surrogate, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return false
        default:
            break
        }
        if properties.changesWhenLowercased {
            mapped.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
        } else {
            mapped.append(scalar)
        }
        return true
    }

    private static let verticalForms: [Unicode.Scalar?] = [",", "\u{3001}", nil, ":", ";", "!", "?", "\u{3016}", "\u{3017}", nil]

    /// Whether `scalar` maps to itself: a valid code point of a label.
    static func isValid(_ scalar: Unicode.Scalar) -> Bool {
        var mapped: [Unicode.Scalar] = []
        return map(scalar, into: &mapped) && mapped.count == 1 && mapped[0] == scalar
    }
}
