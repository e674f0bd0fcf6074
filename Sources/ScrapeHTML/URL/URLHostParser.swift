/// The URL standard's host parser, writing the serialized host straight into the URL's
/// output buffer: a bracketed IPv6 address, an opaque host (URLs of schemes that are not
/// special), or a domain, which becomes an IPv4 address when it ends in a number.
///
/// An ASCII domain (after percent-decoding) is lowercased, as the standard's "domain to
/// ASCII" does for ASCII input (`xn--` labels included, undecoded), with no allocation when
/// it has no `%`; only hosts that need percent-decoding or IDNA take the slow path.
enum URLHostParser {
    /// Appends the host of a special URL; false on failure (output then holds junk past
    /// its old end, which the caller discards with the URL).
    static func parseDomain(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) -> Bool {
        if input.first == UInt8(ascii: "[") { return parseBracketed(input, into: &output) }
        let start = output.count
        if input.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "%") }) {
            for byte in input {
                if isForbiddenDomainByte(byte) { return false }
                output.append(ASCII.lowercased(byte))
            }
        } else {
            let decoded = percentDecode(input)
            if decoded.allSatisfy({ $0 < 0x80 }) {
                for byte in decoded {
                    if isForbiddenDomainByte(byte) { return false }
                    output.append(ASCII.lowercased(byte))
                }
            } else {
                guard DomainToASCII.convert(String(decoding: decoded, as: UTF8.self).unicodeScalars, to: &output) else { return false }
            }
        }
        if output.count == start { return false }
        let isNumber = output.withUnsafeBufferPointer { IPv4Address.endsInNumber(UnsafeBufferPointer(rebasing: $0[start...])) }
        if isNumber {
            let address = output.withUnsafeBufferPointer { IPv4Address.parse(UnsafeBufferPointer(rebasing: $0[start...])) }
            guard let address else { return false }
            output.removeSubrange(start...)
            IPv4Address.serialize(address, to: &output)
        }
        return true
    }

    /// Appends the host of a URL whose scheme is not special: IPv6 in brackets, or the input
    /// with C0 controls and non-ASCII percent-encoded, rejecting forbidden host code points.
    static func parseOpaque(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) -> Bool {
        if input.first == UInt8(ascii: "[") { return parseBracketed(input, into: &output) }
        for byte in input {
            if byte < 0x80, isForbiddenHostByte(byte) { return false }
            URLPercentEncodeSet.c0Control.append(byte, to: &output)
        }
        return true
    }

    private static func parseBracketed(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) -> Bool {
        guard input.count >= 2, input[input.count - 1] == UInt8(ascii: "]"),
              let address = IPv6Address.parse(UnsafeBufferPointer(rebasing: input[1..<(input.count - 1)])) else { return false }
        IPv6Address.serialize(address, to: &output)
        return true
    }

    /// NUL, tab, LF, CR, space, `#`, `/`, `:`, `<`, `>`, `?`, `@`, `[`, `\`, `]`, `^`, `|`.
    static func isForbiddenHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00, 0x09, 0x0A, 0x0D, 0x20, 0x23, 0x2F, 0x3A, 0x3C, 0x3E, 0x3F, 0x40, 0x5B, 0x5C, 0x5D, 0x5E, 0x7C: true
        default: false
        }
    }

    /// The forbidden host code points, C0 controls, `%` and DEL.
    static func isForbiddenDomainByte(_ byte: UInt8) -> Bool {
        byte <= 0x1F || byte == 0x25 || byte == 0x7F || isForbiddenHostByte(byte)
    }

    /// `%XX` to its byte; a `%` not followed by two hex digits stays as it is.
    static func percentDecode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count,
               IPv4Address.isHexDigit(input[index + 1]), IPv4Address.isHexDigit(input[index + 2]) {
                bytes.append(hexValue(input[index + 1]) << 4 | hexValue(input[index + 2]))
                index += 3
            } else {
                bytes.append(byte)
                index += 1
            }
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        byte <= 0x39 ? byte - 0x30 : (byte | 0x20) - 0x61 + 10
    }
}
