import Glibc

/// Decodes bytes in a ``WebEncoding`` to UTF-8, with the standard's error mode:
/// malformed input becomes U+FFFD and decoding goes on.
///
/// UTF-8, windows-1252 (the most common legacy encoding, whose bytes 0x80-0x9F glibc's
/// CP1252 leaves partly undefined where browsers map them), UTF-16, x-user-defined and
/// `replacement` are decoded here; the other legacy encodings go through glibc's iconv,
/// which Debian ships with every one the standard names.
enum TextDecoder {
    /// `bytes` as UTF-8.
    static func decode(_ bytes: some Collection<UInt8>, from encoding: WebEncoding) -> [UInt8] {
        switch encoding {
        case .utf8:
            return Array(String(decoding: Array(bytes), as: UTF8.self).utf8)
        case .windows1252:
            return decodeWindows1252(bytes)
        case .utf16LE, .utf16BE:
            return decodeUTF16(Array(bytes), bigEndian: encoding == .utf16BE)
        case .xUserDefined:
            var output: [UInt8] = []
            for byte in bytes {
                if byte < 0x80 { output.append(byte) } else { output.append(contentsOf: utf8(0xF780 + UInt32(byte) - 0x80)) }
            }
            return output
        case .replacement:
            return bytes.isEmpty ? [] : replacementCharacter
        default:
            return decodeWithIconv(Array(bytes), from: encoding.iconvName)
        }
    }

    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    private static func decodeWindows1252(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case 0..<0x80: output.append(byte)
            case 0x80..<0xA0: output.append(contentsOf: utf8(Windows1252.scalar(forHighByte: byte).value))
            default: output.append(contentsOf: utf8(UInt32(byte)))
            }
        }
        return output
    }

    private static func decodeUTF16(_ bytes: [UInt8], bigEndian: Bool) -> [UInt8] {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = 0
        while index + 1 < bytes.count {
            let (first, second) = (UInt16(bytes[index]), UInt16(bytes[index + 1]))
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        var output = Array(String(decoding: units, as: UTF16.self).utf8)  // unpaired surrogates become U+FFFD
        if bytes.count % 2 == 1 { output.append(contentsOf: replacementCharacter) }
        return output
    }

    private static func decodeWithIconv(_ bytes: [UInt8], from name: String) -> [UInt8] {
        let converter = iconv_open("UTF-8", name)
        guard let converter, converter != iconv_t(bitPattern: -1) else {
            return Array(String(decoding: bytes, as: UTF8.self).utf8)  // cannot happen for the names we map to
        }
        defer { iconv_close(converter) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var input = bytes
        input.withUnsafeMutableBufferPointer { inputBuffer in
            var inPointer = UnsafeMutableRawPointer(inputBuffer.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
            var inLeft = inputBuffer.count
            while inLeft > 0 {
                let (result, produced) = chunk.withUnsafeMutableBytes { outputBuffer -> (Int, Int) in
                    var outPointer = outputBuffer.baseAddress.map { $0.assumingMemoryBound(to: CChar.self) }
                    var outLeft = outputBuffer.count
                    let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (result, outputBuffer.count - outLeft)
                }
                output.append(contentsOf: chunk[0..<produced])
                if result != -1 { continue }
                switch errno {
                case E2BIG:
                    continue  // the chunk was full
                case EILSEQ:
                    output.append(contentsOf: replacementCharacter)  // skip one byte, as the standard's decoders do
                    inPointer = inPointer.map { $0 + 1 }
                    inLeft -= 1
                default:  // EINVAL: a sequence cut at the end
                    output.append(contentsOf: replacementCharacter)
                    inLeft = 0
                }
            }
        }
        return output
    }

    private static func utf8(_ value: UInt32) -> [UInt8] {
        Array(String(Character(Unicode.Scalar(value) ?? "\u{FFFD}")).utf8)
    }
}
