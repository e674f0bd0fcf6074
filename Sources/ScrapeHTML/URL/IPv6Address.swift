/// The URL standard's IPv6 parser and serializer (the text between a host's brackets).
///
/// Eight 16-bit pieces, `::` compression, an embedded dotted IPv4 tail; serialized in the
/// RFC 5952 form browsers give (lowercase, no leading zeros, the first longest run of two
/// or more zero pieces compressed).
enum IPv6Address {
    typealias Pieces = (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16)

    /// The eight pieces, or nil when `input` is not a valid IPv6 address.
    static func parse(_ input: UnsafeBufferPointer<UInt8>) -> [UInt16]? {
        var address = [UInt16](repeating: 0, count: 8)
        var pieceIndex = 0
        var compress: Int?
        var pointer = 0
        let count = input.count
        func at(_ index: Int) -> UInt8? { index < count ? input[index] : nil }
        if at(0) == UInt8(ascii: ":") {
            guard at(1) == UInt8(ascii: ":") else { return nil }
            pointer += 2
            pieceIndex += 1
            compress = pieceIndex
        }
        while let c = at(pointer) {
            if pieceIndex == 8 { return nil }
            if c == UInt8(ascii: ":") {
                if compress != nil { return nil }
                pointer += 1
                pieceIndex += 1
                compress = pieceIndex
                continue
            }
            var value: UInt16 = 0
            var length = 0
            while length < 4, let digit = at(pointer).flatMap(hexValue) {
                value = value &* 0x10 &+ UInt16(digit)
                pointer += 1
                length += 1
            }
            if at(pointer) == UInt8(ascii: ".") {
                if length == 0 { return nil }
                pointer -= length
                if pieceIndex > 6 { return nil }
                var numbersSeen = 0
                while let c = at(pointer) {
                    var ipv4Piece: Int?
                    if numbersSeen > 0 {
                        if c == UInt8(ascii: "."), numbersSeen < 4 { pointer += 1 } else { return nil }
                    }
                    guard let first = at(pointer), first >= 0x30, first <= 0x39 else { return nil }
                    while let digit = at(pointer), digit >= 0x30, digit <= 0x39 {
                        let number = Int(digit - 0x30)
                        if let piece = ipv4Piece {
                            if piece == 0 { return nil }
                            ipv4Piece = piece * 10 + number
                        } else {
                            ipv4Piece = number
                        }
                        if ipv4Piece! > 255 { return nil }
                        pointer += 1
                    }
                    address[pieceIndex] = address[pieceIndex] &* 0x100 &+ UInt16(ipv4Piece!)
                    numbersSeen += 1
                    if numbersSeen == 2 || numbersSeen == 4 { pieceIndex += 1 }
                }
                if numbersSeen != 4 { return nil }
                break
            } else if at(pointer) == UInt8(ascii: ":") {
                pointer += 1
                if at(pointer) == nil { return nil }
            } else if at(pointer) != nil {
                return nil
            }
            address[pieceIndex] = value
            pieceIndex += 1
        }
        if let compress {
            var swaps = pieceIndex - compress
            pieceIndex = 7
            while pieceIndex != 0, swaps > 0 {
                address.swapAt(pieceIndex, compress + swaps - 1)
                pieceIndex -= 1
                swaps -= 1
            }
        } else if pieceIndex != 8 {
            return nil
        }
        return address
    }

    /// `[` the compressed form `]`.
    static func serialize(_ address: [UInt16], to output: inout [UInt8]) {
        // The first longest run of at least two zero pieces.
        var compress = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            if address[index] == 0 {
                var end = index
                while end < 8, address[end] == 0 { end += 1 }
                if end - index > bestLength { bestLength = end - index; compress = index }
                index = end
            } else {
                index += 1
            }
        }
        output.append(UInt8(ascii: "["))
        var ignoreZero = false
        for pieceIndex in 0..<8 {
            if ignoreZero, address[pieceIndex] == 0 { continue }
            ignoreZero = false
            if compress == pieceIndex {
                output.append(UInt8(ascii: ":"))
                if pieceIndex == 0 { output.append(UInt8(ascii: ":")) }
                ignoreZero = true
                continue
            }
            appendHex(address[pieceIndex], to: &output)
            if pieceIndex != 7 { output.append(UInt8(ascii: ":")) }
        }
        output.append(UInt8(ascii: "]"))
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendHex(_ value: UInt16, to output: inout [UInt8]) {
        var started = false
        for shift in stride(from: 12, through: 0, by: -4) {
            let digit = Int((value >> UInt16(shift)) & 0xF)
            if digit != 0 || started || shift == 0 {
                output.append(digits[digit])
                started = true
            }
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }
}
