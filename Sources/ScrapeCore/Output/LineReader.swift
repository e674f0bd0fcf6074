import ScrapeBase
import Glibc

/// Reads a records file line by line with `pread`, in 256 KiB chunks: the one reader of
/// `--resume` (``ResumeIndex``) and `--since` (``PreviousRecords``), so both see the same
/// lines, the same partial last line, and the same offsets.
enum LineReader {
    /// Where a pass over the file ended: the offset after its last newline, and the bytes
    /// of an unterminated last line.
    struct End {
        var wholeLines: Int64
        var partial: [UInt8]?
    }

    /// Calls `body` with each newline-terminated line from `offset` on (without its
    /// newline) and the offset where that line starts.
    ///
    /// - Throws: ``OutputError`` naming `path` when the file cannot be read, or what `body` throws.
    static func forEachLine(
        of descriptor: Int32, path: String, from offset: Int64, _ body: (ArraySlice<UInt8>, Int64) throws(OutputError) -> Void
    ) throws(OutputError) -> End {
        var pending: [UInt8] = []
        var position = offset
        var wholeLines = offset
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count = try read(descriptor, path: path, into: &chunk, at: position)
            if count == 0 { break }
            position += Int64(count)
            var start = 0
            while let newline = chunk[start..<count].firstIndex(of: UInt8(ascii: "\n")) {
                if pending.isEmpty {
                    try body(chunk[start..<newline], wholeLines)
                } else {
                    pending.append(contentsOf: chunk[start..<newline])
                    try body(pending[...], wholeLines)
                    pending.removeAll(keepingCapacity: true)
                }
                wholeLines = position - Int64(count - newline - 1)
                start = newline + 1
            }
            pending.append(contentsOf: chunk[start..<count])
        }
        return End(wholeLines: wholeLines, partial: pending.isEmpty ? nil : pending)
    }

    /// The line that starts at `offset`, without its newline; nil when the file cannot be
    /// read there or no newline ends it.
    static func line(of descriptor: Int32, at offset: Int64) -> [UInt8]? {
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var position = offset
        while true {
            let count = SystemCall.retryingOnInterrupt { chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(position)) } }
            guard count > 0 else { return nil }
            if let newline = chunk[0..<count].firstIndex(of: UInt8(ascii: "\n")) {
                line.append(contentsOf: chunk[0..<newline])
                return line
            }
            line.append(contentsOf: chunk[0..<count])
            position += Int64(count)
            if chunk.count < 1 << 20 { chunk = [UInt8](repeating: 0, count: chunk.count * 4) }
        }
    }

    /// Reads up to `chunk.count` bytes at `position`.
    static func read(_ descriptor: Int32, path: String, into chunk: inout [UInt8], at position: Int64) throws(OutputError) -> Int {
        let count = SystemCall.retryingOnInterrupt { chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(position)) } }
        guard count >= 0 else { throw OutputError(path: path, reason: SystemCall.errorMessage()) }
        return count
    }
}
