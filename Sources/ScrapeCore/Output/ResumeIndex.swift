import ScrapeBase
import Glibc

/// What an earlier run already wrote, for `--resume`: how many records each URL has.
///
/// Loading checks and repairs the file first, and changes nothing it does not own:
/// 1. every line from `offset` on must be a record of ours; a file with anything else
///    (plain text, random bytes, other JSON) is refused, untouched;
/// 2. a partial last line (a run killed mid-write) is cut off when it is the start of one
///    of our records, and reported; that URL was not recorded, so it is fetched again;
/// 3. with `--retry-failed`, records of transient failures are taken out by rewriting the
///    file crash-safely (``OutputFile/replaceContents(_:)``), so their URLs are fetched
///    again and the file still ends with one record per input line.
///
/// URLs are kept as hashes with counts, so a million recorded URLs cost tens of megabytes,
/// not hundreds; duplicates in the input each consume one recorded line.
public struct ResumeIndex: Sendable {
    private var counts: [Int: Int] = [:]
    /// Complete records kept.
    public private(set) var recordCount = 0
    /// Bytes of a partial last line that were cut off (0 when the file was whole).
    public private(set) var repairedBytes = 0
    /// Records of transient failures taken out for `--retry-failed`.
    public private(set) var retriedCount = 0
    /// Records no input line has consumed yet (after the whole input: records of URLs
    /// that are not in this input).
    public private(set) var unconsumedCount = 0

    /// An empty index: nothing recorded.
    public init() {}

    /// Reads `path` from byte `offset` on (see ``load(file:from:retrying:)``), locking it
    /// while it does. A missing file is an empty index.
    ///
    /// - Throws: ``OutputError``.
    public static func load(path: String, from offset: Int64 = 0, retrying: RetryableFailures? = nil) throws(OutputError) -> ResumeIndex {
        guard access(path, F_OK) == 0 else { return ResumeIndex() }
        return try load(file: OutputFile(path: path, mode: .resume), from: offset, retrying: retrying)
    }

    /// Reads the output's records from byte `offset` on, checking and repairing it.
    ///
    /// - Parameters:
    ///   - offset: where this run's records start: 0 for a whole file (`--resume`), the
    ///     file's size when the run began for a daemon job that appends run after run.
    ///   - retrying: which recorded failures to take out and fetch again; nil keeps all.
    /// - Throws: ``OutputError`` of kind `refused` when a line is not one of our records,
    ///   `write` when the file cannot be read, repaired or rewritten.
    public static func load(file: OutputFile, from offset: Int64 = 0, retrying: RetryableFailures? = nil) throws(OutputError) -> ResumeIndex {
        guard file.isRegularFile else { return ResumeIndex() }
        var index = ResumeIndex()
        var foreign: (first: Int, count: Int)?
        var lineNumber = 0
        let end = try forEachLine(of: file, from: offset) { line throws(OutputError) in
            lineNumber += 1
            if line.isEmpty { return }
            guard RecordLine.isRecord(line), let url = RecordLine.leadingURL(in: line) else {
                foreign = (foreign?.first ?? lineNumber, (foreign?.count ?? 0) + 1)
                return
            }
            if let retrying, let kind = RecordLine.errorKind(in: line), retrying.matches(kind: kind, status: RecordLine.status(in: line)) {
                index.retriedCount += 1
            } else {
                index.record(key: url.withUnsafeBytes(Self.key))
            }
        }
        if let partial = end.partial, !RecordLine.couldBeCutRecord(partial[...]) {
            foreign = (foreign?.first ?? lineNumber + 1, (foreign?.count ?? 0) + 1)
        }
        if let foreign {
            let which = offset == 0 ? "line \(foreign.first)" : "line \(foreign.first) after byte \(offset)"
            throw OutputError(
                path: file.path,
                reason: "\(which) is not a scrape record (\(foreign.count) such line\(foreign.count == 1 ? "" : "s")): resuming only continues a file scrape wrote; write to another file, or remove this one to start afresh",
                kind: .refused
            )
        }
        if let partial = end.partial {
            guard ftruncate(file.descriptor, off_t(end.wholeLines)) == 0 else {
                throw OutputError(path: file.path, reason: "cannot cut the partial last line: " + SystemCall.errorMessage())
            }
            index.repairedBytes = partial.count
        }
        if let retrying, index.retriedCount > 0 {
            try file.replaceContents { write throws(OutputError) in
                try copyPrefix(of: file, upTo: offset, into: write)
                _ = try forEachLine(of: file, from: offset) { line throws(OutputError) in
                    if let kind = RecordLine.errorKind(in: line), retrying.matches(kind: kind, status: RecordLine.status(in: line)) { return }
                    try write(Array(line) + [UInt8(ascii: "\n")])
                }
            }
        }
        return index
    }

    /// Whether `url` has a record left to match; consumes it when it does.
    public mutating func consume(_ url: String) -> Bool {
        consume(key: Self.key(url))
    }

    /// Whether the line `bytes` (one that is not UTF-8) has a record left; consumes it.
    public mutating func consume(bytes: [UInt8]) -> Bool {
        consume(key: bytes.withUnsafeBytes(Self.key))
    }

    private mutating func consume(key: Int) -> Bool {
        guard let count = counts[key] else { return false }
        if count == 1 { counts.removeValue(forKey: key) } else { counts[key] = count - 1 }
        unconsumedCount -= 1
        return true
    }

    /// Counts one recorded URL (used by ``load(file:from:retrying:)`` and by tests).
    mutating func record(_ url: String) {
        record(key: Self.key(url))
    }

    private mutating func record(key: Int) {
        counts[key, default: 0] += 1
        recordCount += 1
        unconsumedCount += 1
    }

    /// A URL's key: the hash of its bytes, so a line that is not UTF-8 (kept as bytes) and
    /// a valid one (kept as a String) are keyed alike.
    private static func key(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }

    private static func key(_ url: String) -> Int {
        var url = url
        return url.withUTF8 { key(UnsafeRawBufferPointer($0)) }
    }

    /// Calls `body` with each newline-terminated line from `offset` on (without its newline).
    private static func forEachLine(
        of file: OutputFile, from offset: Int64, _ body: (ArraySlice<UInt8>) throws(OutputError) -> Void
    ) throws(OutputError) -> LineReader.End {
        try LineReader.forEachLine(of: file.descriptor, path: file.path, from: offset) { line, _ throws(OutputError) in try body(line) }
    }

    /// Copies bytes `0..<end` unchanged (records of earlier daemon runs).
    private static func copyPrefix(of file: OutputFile, upTo end: Int64, into write: ([UInt8]) throws(OutputError) -> Void) throws(OutputError) {
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        var position: Int64 = 0
        while position < end {
            let count = try read(file, into: &chunk, at: position)
            guard count > 0 else { break }
            let wanted = Int(min(Int64(count), end - position))
            try write(Array(chunk[0..<wanted]))
            position += Int64(wanted)
        }
    }

    private static func read(_ file: OutputFile, into chunk: inout [UInt8], at position: Int64) throws(OutputError) -> Int {
        try LineReader.read(file.descriptor, path: file.path, into: &chunk, at: position)
    }
}
