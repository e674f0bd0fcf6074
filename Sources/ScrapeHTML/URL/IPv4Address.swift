/// The URL standard's IPv4 parser and serializer, for hosts of special URLs.
///
/// Browsers read `0x7f.1`, `017700000001` and `2130706433` as 127.0.0.1; the standard keeps
/// that (hex and octal parts, fewer than four parts filling the last one), so a link
/// written any of those ways resolves to the same `href` a browser shows.
enum IPv4Address {
    /// Whether a domain "ends in a number": its last label (ignoring one trailing dot) is
    /// all digits or `0x` followed by hex digits, so the host must be parsed as IPv4.
    static func endsInNumber(_ host: UnsafeBufferPointer<UInt8>) -> Bool {
        var end = host.count
        if end > 0, host[end - 1] == UInt8(ascii: ".") {
            end -= 1
            if end == 0 { return false }
        }
        var start = end
        while start > 0, host[start - 1] != UInt8(ascii: ".") { start -= 1 }
        if start == end { return false }
        var allDigits = true
        for index in start..<end where !(host[index] >= 0x30 && host[index] <= 0x39) { allDigits = false; break }
        if allDigits { return true }
        if end - start >= 2, host[start] == 0x30, host[start + 1] | 0x20 == UInt8(ascii: "x") {
            for index in (start + 2)..<end where !isHexDigit(host[index]) { return false }
            return true
        }
        return false
    }

    /// The address, or nil when the host is not a valid IPv4 address (a failure for a host
    /// that ends in a number).
    static func parse(_ host: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var end = host.count
        if end > 0, host[end - 1] == UInt8(ascii: "."), end > 1 { end -= 1 }
        // Every part but the last must fit a byte; the last fills the bytes that are left.
        var address: UInt64 = 0
        var count = 0
        var start = 0
        while true {
            var partEnd = start
            while partEnd < end, host[partEnd] != UInt8(ascii: ".") { partEnd += 1 }
            if count == 4 { return nil }
            guard let number = parseNumber(host, start, partEnd) else { return nil }
            count += 1
            if partEnd >= end {
                if number >= UInt64(1) << (8 * UInt64(5 - count)) { return nil }
                return UInt32(address + number)
            }
            if number > 255 { return nil }
            address += number << (8 * UInt64(4 - count))
            start = partEnd + 1
        }
    }

    /// Dotted decimal.
    static func serialize(_ address: UInt32, to output: inout [UInt8]) {
        for shift in stride(from: 24, through: 0, by: -8) {
            appendDecimal(Int((address >> UInt32(shift)) & 0xFF), to: &output)
            if shift > 0 { output.append(UInt8(ascii: ".")) }
        }
    }

    /// One part: decimal, `0x` hex or leading-zero octal; capped above 2^32 so long inputs
    /// cannot overflow (any such value is rejected by the caller).
    private static func parseNumber(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64? {
        var index = start
        if index == end { return nil }
        var radix: UInt64 = 10
        if end - index >= 2, bytes[index] == 0x30, bytes[index + 1] | 0x20 == UInt8(ascii: "x") {
            index += 2
            radix = 16
        } else if end - index >= 2, bytes[index] == 0x30 {
            index += 1
            radix = 8
        }
        var value: UInt64 = 0
        while index < end {
            let byte = bytes[index]
            let digit: UInt64
            switch byte {
            case 0x30...0x39: digit = UInt64(byte - 0x30)
            case 0x61...0x66 where radix == 16: digit = UInt64(byte - 0x61 + 10)
            case 0x41...0x46 where radix == 16: digit = UInt64(byte - 0x41 + 10)
            default: return nil
            }
            if digit >= radix { return nil }
            value = min(value * radix + digit, UInt64(1) << 33)
            index += 1
        }
        return value
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
    }

    static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &output) }
        output.append(UInt8(0x30 + value % 10))
    }

    static func appendDecimal(_ value: Int, to output: inout [Unicode.Scalar]) {
        if value >= 10 { appendDecimal(value / 10, to: &output) }
        output.append(Unicode.Scalar(UInt8(0x30 + value % 10)))
    }
}
