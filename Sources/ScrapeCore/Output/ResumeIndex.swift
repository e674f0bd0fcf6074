import Glibc

/// What an earlier run already wrote, for `--resume`: how many records each URL has.
///
/// Loading repairs the file first: a run killed mid-write can leave a partial last line,
/// which is cut off (that URL was not recorded, so it is fetched again). URLs are kept
/// as hashes with counts, so a million recorded URLs cost tens of megabytes, not
/// hundreds; duplicates in the input each consume one recorded line.
public struct ResumeIndex: Sendable {
    private var counts: [Int: Int] = [:]
    /// Complete records found.
    public private(set) var recordCount = 0
    /// Bytes of a partial last line that were cut off (0 when the file was whole).
    public private(set) var repairedBytes = 0
    /// Lines that were not records of ours (no leading `"url"`); they are left in place.
    public private(set) var unreadableLines = 0

    /// An empty index: nothing recorded.
    public init() {}

    /// Reads `path` from byte `offset` on, repairing a cut last line. A missing file is an
    /// empty index.
    ///
    /// - Parameter offset: where this run's records start: 0 for a whole file (`--resume`),
    ///   the file's size when the run began for a daemon job that appends run after run.
    /// - Throws: ``OutputError`` when the file exists but cannot be read or repaired.
    public static func load(path: String, from offset: Int64 = 0) throws(OutputError) -> ResumeIndex {
        var index = ResumeIndex()
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return index }
            throw OutputError(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        guard lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw OutputError(path: path, reason: "cannot seek to byte \(offset): " + String(cString: strerror(errno)))
        }
        var pending: [UInt8] = []
        var consumed: Int64 = offset  // bytes up to and including the last newline
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            var start = 0
            for position in 0..<count where chunk[position] == UInt8(ascii: "\n") {
                pending.append(contentsOf: chunk[start..<position])
                index.add(line: pending)
                consumed += Int64(pending.count + 1)
                pending.removeAll(keepingCapacity: true)
                start = position + 1
            }
            pending.append(contentsOf: chunk[start..<count])
        }
        if !pending.isEmpty {
            guard ftruncate(descriptor, off_t(consumed)) == 0 else {
                throw OutputError(path: path, reason: "cannot cut the partial last line: " + String(cString: strerror(errno)))
            }
            index.repairedBytes = pending.count
        }
        return index
    }

    /// Cuts a partial last line (left by a crash mid-write) without reading the rest, and
    /// returns the file's size after that: where the next run's records start. A missing
    /// file is size 0.
    ///
    /// - Throws: ``OutputError`` when the file exists but cannot be read or cut.
    public static func repairTail(path: String) throws(OutputError) -> Int64 {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return 0 }
            throw OutputError(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var end = Int64(lseek(descriptor, 0, SEEK_END))
        guard end >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
        let size = end
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while end > 0 {
            let start = max(0, end - Int64(chunk.count))
            let length = Int(end - start)
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, off_t(start)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: path, reason: String(cString: strerror(errno)))
            }
            if let last = chunk[0..<count].lastIndex(of: UInt8(ascii: "\n")) {
                end = start + Int64(last) + 1
                break
            }
            end = start
        }
        if end != size, ftruncate(descriptor, off_t(end)) != 0 {
            throw OutputError(path: path, reason: "cannot cut the partial last line: " + String(cString: strerror(errno)))
        }
        return end
    }

    /// Whether `url` has a record left to match; consumes it when it does.
    public mutating func consume(_ url: String) -> Bool {
        let key = url.hashValue
        guard let count = counts[key] else { return false }
        if count == 1 { counts.removeValue(forKey: key) } else { counts[key] = count - 1 }
        return true
    }

    /// Counts one recorded URL (used by ``load(path:)`` and by tests).
    mutating func record(_ url: String) {
        counts[url.hashValue, default: 0] += 1
        recordCount += 1
    }

    private mutating func add(line: [UInt8]) {
        guard let url = JSONStringReader.leadingURL(in: line) else {
            if !line.isEmpty { unreadableLines += 1 }
            return
        }
        record(url)
    }
}

/// Reads the `"url"` value at the start of one of our JSON lines.
enum JSONStringReader {
    private static let prefix = Array(#"{"url":""#.utf8)

    /// The decoded string after `{"url":"`, or nil when the line does not start that way
    /// or the string is malformed.
    static func leadingURL(in line: [UInt8]) -> String? {
        guard line.starts(with: prefix) else { return nil }
        var scalars = String.UnicodeScalarView()
        var bytes: [UInt8] = []
        var index = prefix.count
        func flushBytes() {
            scalars.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
            bytes.removeAll(keepingCapacity: true)
        }
        while index < line.count {
            let byte = line[index]
            if byte == UInt8(ascii: "\"") {
                flushBytes()
                return String(scalars)
            }
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                index += 1
                continue
            }
            guard index + 1 < line.count else { return nil }
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
                if (0xD800..<0xDC00).contains(value), index + 6 <= line.count, line[index] == UInt8(ascii: "\\"),
                    line[index + 1] == UInt8(ascii: "u"), let low = hex4(line, at: index + 2), (0xDC00..<0xE000).contains(low)
                {
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                flushBytes()
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default:
                return nil
            }
        }
        return nil
    }

    private static func hex4(_ line: [UInt8], at index: Int) -> UInt32? {
        guard index + 4 <= line.count else { return nil }
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
