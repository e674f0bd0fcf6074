/// The backslash escapes of a JSON string (RFC 8259, section 7), decoded in one place for
/// the two readers of JSON here: `JSONParser` (API bodies) and `RecordLine` (our own
/// records, read back by `--resume`).
///
/// A `\uD800`-`\uDBFF` followed by a `\uDC00`-`\uDFFF` escape is one character. Any other
/// surrogate escape is lone: it is returned as ``Decoded/loneSurrogate(_:)`` and the
/// escape after it is left alone (so `"\ud800\u0041"` reads as U+FFFD then `A`, as
/// Python and browsers read it; an earlier parser swallowed the `A`).
public enum JSONEscape {
    /// What one escape stands for.
    public enum Decoded: Equatable {
        case scalar(Unicode.Scalar)
        /// A surrogate code unit with no partner; callers map it (to U+FFFD, or to a raw
        /// byte for `\udc80`-`\udcff`, which is how our records write bytes that are not UTF-8).
        case loneSurrogate(UInt16)
    }

    /// Decodes the escape whose backslash is at `index`.
    ///
    /// - Returns: what it stands for and the index after it, or nil when it is malformed
    ///   (an unknown escape letter, fewer than four hex digits, or the end of the bytes).
    public static func decode<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at index: Int) -> (Decoded, next: Int)? where Bytes.Index == Int {
        guard index + 1 < bytes.endIndex else { return nil }
        let letter = bytes[index + 1]
        let simple: Unicode.Scalar? =
            switch letter {
            case UInt8(ascii: "\""): "\""
            case UInt8(ascii: "\\"): "\\"
            case UInt8(ascii: "/"): "/"
            case UInt8(ascii: "b"): "\u{08}"
            case UInt8(ascii: "f"): "\u{0C}"
            case UInt8(ascii: "n"): "\n"
            case UInt8(ascii: "r"): "\r"
            case UInt8(ascii: "t"): "\t"
            default: nil
            }
        if let simple { return (.scalar(simple), index + 2) }
        guard letter == UInt8(ascii: "u"), let unit = hex4(bytes, at: index + 2) else { return nil }
        let next = index + 6
        switch unit {
        case 0xD800..<0xDC00:
            if next + 6 <= bytes.endIndex, bytes[next] == UInt8(ascii: "\\"), bytes[next + 1] == UInt8(ascii: "u"),
                let low = hex4(bytes, at: next + 2), (0xDC00..<0xE000).contains(low)
            {
                let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                return (.scalar(Unicode.Scalar(value)!), next + 6)
            }
            return (.loneSurrogate(unit), next)
        case 0xDC00..<0xE000:
            return (.loneSurrogate(unit), next)
        default:
            return (.scalar(Unicode.Scalar(unit)!), next)
        }
    }

    private static func hex4<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at index: Int) -> UInt16? where Bytes.Index == Int {
        guard index + 4 <= bytes.endIndex else { return nil }
        var value: UInt16 = 0
        for byte in bytes[index..<(index + 4)] {
            guard let digit = ASCIIHex.value(of: byte) else { return nil }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}

/// Hex digits, either case.
public enum ASCIIHex {
    public static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
