/// Reads back what ``JSONLineEncoder`` wrote: enough of one output line to resume.
///
/// Our lines have a fixed key order and no nested object but `error`, and a quote inside
/// a JSON string is always escaped, so an unescaped `,"status":` or `,"error":{"kind":"`
/// can only be that key: scanning for them is exact on our lines, and much cheaper than
/// a full JSON parse of a million-line file.
enum RecordLine {
    private static let urlPrefix = Array(#"{"url":""#.utf8)
    private static let fetchedAtKey = Array(#","fetched_at":""#.utf8)
    private static let statusKey = Array(#","status":"#.utf8)
    private static let errorKindKey = Array(#","error":{"kind":""#.utf8)

    /// Whether `line` (without its newline) is a whole record of ours.
    static func isRecord(_ line: ArraySlice<UInt8>) -> Bool {
        line.starts(with: urlPrefix) && line.last == UInt8(ascii: "}") && line.firstRange(of: fetchedAtKey) != nil
    }

    /// Whether `partial` (a last line without its newline) could be the start of one of our
    /// records cut by a crash mid-write.
    static func couldBeCutRecord(_ partial: ArraySlice<UInt8>) -> Bool {
        partial.starts(with: urlPrefix) || urlPrefix.starts(with: partial)
    }

    /// The record's `status`, nil when null or absent.
    static func status(in line: ArraySlice<UInt8>) -> Int? {
        guard let key = line.firstRange(of: statusKey) else { return nil }
        var value = 0
        var digits = 0
        for byte in line[key.upperBound...] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 4 else { break }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// The record's `error.kind`, nil when the record has no error.
    static func errorKind(in line: ArraySlice<UInt8>) -> String? {
        guard let key = line.firstRange(of: errorKindKey) else { return nil }
        let rest = line[key.upperBound...]
        guard let end = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: rest[..<end], as: UTF8.self)
    }
}

/// Reads the `"url"` value at the start of one of our JSON lines.
extension RecordLine {
    /// The bytes of the string after `{"url":"`, escapes decoded (a lone `\udcXX` is the
    /// raw byte XX, as ``JSONLineEncoder`` writes a line that is not UTF-8), or nil when
    /// the line does not start that way or the string is malformed.
    static func leadingURL(in line: ArraySlice<UInt8>) -> [UInt8]? {
        guard line.starts(with: urlPrefix) else { return nil }
        var bytes: [UInt8] = []
        var index = line.startIndex + urlPrefix.count
        while index < line.endIndex {
            let byte = line[index]
            if byte == UInt8(ascii: "\"") { return bytes }
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                index += 1
                continue
            }
            guard index + 1 < line.endIndex else { return nil }
            let escape = line[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "u"):
                guard var value = hex4(line, at: index) else { return nil }
                index += 4
                if (0xD800..<0xDC00).contains(value), index + 6 <= line.endIndex, line[index] == UInt8(ascii: "\\"),
                    line[index + 1] == UInt8(ascii: "u"), let low = hex4(line, at: index + 2), (0xDC00..<0xE000).contains(low)
                {
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                } else if (0xDC80...0xDCFF).contains(value) {
                    bytes.append(UInt8(value - 0xDC00))  // surrogateescape: a raw byte of the line
                    continue
                }
                bytes.append(contentsOf: String(Unicode.Scalar(value) ?? "\u{FFFD}").utf8)
            default:
                return nil
            }
        }
        return nil
    }

    private static func hex4(_ line: ArraySlice<UInt8>, at index: Int) -> UInt32? {
        guard index + 4 <= line.endIndex else { return nil }
        var value: UInt32 = 0
        for byte in line[index..<(index + 4)] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}
