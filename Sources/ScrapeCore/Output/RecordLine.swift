import ScrapeBase
/// Reads back what ``JSONLineEncoder`` wrote: enough of one output line to resume.
///
/// Our lines start with `{"url":"` and have `fetched_at`, `status` and `error` as keys of
/// the top-level object; keys added after `fetched_at` (``ScrapeRecord/extras``) may hold
/// nested objects with any keys, so keys are looked for at the top level only: a small
/// scan that skips strings and nested values, much cheaper than a full JSON parse of a
/// million-line file.
enum RecordLine {
    private static let urlPrefix = Array(#"{"url":""#.utf8)
    private static let fetchedAtKey = Array(#""fetched_at":""#.utf8)
    private static let statusKey = Array(#""status":"#.utf8)
    private static let errorKey = Array(#""error":"#.utf8)
    private static let kindPrefix = Array(#"{"kind":""#.utf8)

    /// Whether `line` (without its newline) is a whole record of ours.
    static func isRecord(_ line: ArraySlice<UInt8>) -> Bool {
        line.starts(with: urlPrefix) && line.last == UInt8(ascii: "}") && valueStart(of: fetchedAtKey, in: line) != nil
    }

    /// Whether `partial` (a last line without its newline) could be the start of one of our
    /// records cut by a crash mid-write.
    static func couldBeCutRecord(_ partial: ArraySlice<UInt8>) -> Bool {
        partial.starts(with: urlPrefix) || urlPrefix.starts(with: partial)
    }

    /// The record's `status`, nil when null or absent.
    static func status(in line: ArraySlice<UInt8>) -> Int? {
        guard let start = valueStart(of: statusKey, in: line) else { return nil }
        var value = 0
        var digits = 0
        for byte in line[start...] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 4 else { break }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// The record's `error.kind`, nil when the record has no error.
    static func errorKind(in line: ArraySlice<UInt8>) -> ErrorKind? {
        guard let start = valueStart(of: errorKey, in: line), line[start...].starts(with: kindPrefix) else { return nil }
        let rest = line[(start + kindPrefix.count)...]
        guard let end = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return ErrorKind(rawValue: String(decoding: rest[..<end], as: UTF8.self))
    }

    /// Where the value of the top-level `key` (given as `"name":`) starts, or nil when the
    /// object has no such key at its top level.
    static func valueStart(of key: [UInt8], in line: ArraySlice<UInt8>) -> ArraySlice<UInt8>.Index? {
        var depth = 0
        var atKey = false
        var index = line.startIndex
        while index < line.endIndex {
            switch line[index] {
            case UInt8(ascii: "\""):
                if atKey, depth == 1, line[index...].starts(with: key) { return index + key.count }
                atKey = false
                index = endOfString(in: line, from: index)
                continue
            case UInt8(ascii: "{"):
                depth += 1
                atKey = depth == 1
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ","): atKey = depth == 1
            default: break
            }
            index += 1
        }
        return nil
    }

    /// The index after the string that starts at `start` (its opening quote).
    private static func endOfString(in line: ArraySlice<UInt8>, from start: ArraySlice<UInt8>.Index) -> ArraySlice<UInt8>.Index {
        var index = start + 1
        while index < line.endIndex {
            switch line[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return line.endIndex
    }
}

/// Reads the `"url"` value at the start of one of our JSON lines.
extension RecordLine {
    /// The bytes of the string after `{"url":"`, escapes decoded (a lone `\udcXX` is the
    /// raw byte XX, as ``JSONLineEncoder`` writes a line that is not UTF-8), or nil when
    /// the line does not start that way or the string is malformed.
    static func leadingURL(in line: ArraySlice<UInt8>) -> [UInt8]? {
        guard line.starts(with: urlPrefix) else { return nil }
        return stringBytes(in: line, from: line.startIndex + urlPrefix.count)
    }

    /// The bytes of the top-level string value of `key` (given as `"name":`), escapes
    /// decoded as in ``leadingURL(in:)``; nil when the key is absent or not a string.
    static func string(of key: [UInt8], in line: ArraySlice<UInt8>) -> [UInt8]? {
        guard let start = valueStart(of: key, in: line), start < line.endIndex, line[start] == UInt8(ascii: "\"") else { return nil }
        return stringBytes(in: line, from: start + 1)
    }

    /// The bytes of the string whose contents start at `start` (after its opening quote).
    private static func stringBytes(in line: ArraySlice<UInt8>, from start: ArraySlice<UInt8>.Index) -> [UInt8]? {
        var bytes: [UInt8] = []
        var index = start
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
