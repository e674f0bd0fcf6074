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
            guard let (decoded, next) = JSONEscape.decode(line, at: index) else { return nil }
            index = next
            switch decoded {
            case .scalar(let scalar): bytes.append(contentsOf: String(scalar).utf8)
            case .loneSurrogate(let unit) where (0xDC80...0xDCFF).contains(unit):
                bytes.append(UInt8(unit - 0xDC00))  // surrogateescape: a raw byte of the line
            case .loneSurrogate: bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])  // U+FFFD
            }
        }
        return nil
    }
}
