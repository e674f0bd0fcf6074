import Glibc

/// Owns the output: writes whole lines only, flushes, and fsyncs on close.
///
/// Lines are buffered and written when 64 KiB have gathered, when 100 ms have passed
/// since the last write, or when the caller flushes (a run's scheduler does so at most
/// 100 ms after each record, so a reader tailing the file or the pipe sees records as they
/// complete); a crash loses at most that much, and whatever is lost was never recorded,
/// so `--resume` fetches it again. A write cut by a crash leaves at most one partial last
/// line, which ``ResumeIndex`` repairs. The file itself is an ``OutputFile``: opening it
/// refuses the input file and a second writer.
public final class RecordWriter {
    /// The file written to.
    public let file: OutputFile
    /// The path, or `-` for standard output; used in messages.
    public var path: String { file.path }
    private var buffer: [UInt8] = []
    private var lastFlush = ContinuousClock.now
    private static let flushBytes = 64 * 1024
    private static let flushInterval = Duration.milliseconds(100)

    /// Opens `path` for appending (creating it), or standard output for `-`.
    ///
    /// - Parameters:
    ///   - truncate: start the file empty (a fresh run) instead of appending (`--resume`).
    ///   - inputs: the files the run reads, which the output must not be.
    /// - Throws: ``OutputError`` naming the path (see ``OutputFile/init(path:truncate:inputs:)``).
    public convenience init(path: String, truncate: Bool, inputs: [String] = []) throws(OutputError) {
        self.init(file: try OutputFile(path: path, truncate: truncate, inputs: inputs))
    }

    /// Writes to a file already opened (and perhaps read back for `--resume`).
    public init(file: OutputFile) {
        self.file = file
        buffer.reserveCapacity(Self.flushBytes * 2)
    }

    /// Adds one complete line (ending in a newline); writes when the buffer is due.
    ///
    /// - Throws: ``OutputError`` when the write fails (disk full, closed pipe).
    public func append(line: [UInt8]) throws(OutputError) {
        buffer.append(contentsOf: line)
        if buffer.count >= Self.flushBytes || ContinuousClock.now - lastFlush >= Self.flushInterval {
            try flush()
        }
    }

    /// Adds one line that `build` appends to the buffer in place (it must end it with a
    /// newline): the path for many small records, with no array per line.
    public func appendLine(_ build: (inout [UInt8]) -> Void) throws(OutputError) {
        build(&buffer)
        if buffer.count >= Self.flushBytes {
            try flush()
        }
    }

    /// Whether a flush is due by time (100 ms since the last write), for callers that
    /// flush at their own quiet moments.
    public var isFlushDue: Bool { !buffer.isEmpty && ContinuousClock.now - lastFlush >= Self.flushInterval }

    /// Writes everything buffered.
    public func flush() throws(OutputError) {
        lastFlush = .now
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try file.write(buffer)
    }

    /// Flushes and fsyncs. A pipe or terminal cannot be synced; that is not an error.
    public func close() throws(OutputError) {
        try flush()
        try file.sync()
    }

    /// ``close()``, then closes the file itself, releasing its lock.
    public func finish() throws(OutputError) {
        defer { file.close() }
        try close()
    }
}

/// The output cannot be written, or may not be.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, for the exit status.
    public enum Kind: Sendable, Equatable {
        /// The system refused a write, a read-back or a sync (exit 1).
        case write
        /// Writing would damage a file or mix two runs: the input as output, a locked
        /// output, `--resume` on a file that is not ours (exit 2, nothing was changed).
        case refused
        /// The reader of the output pipe went away: the normal end of `scrape | head`.
        case closedPipe
    }

    /// The output path (`-` for stdout).
    public let path: String
    /// The system's reason, or ours.
    public let reason: String
    public let kind: Kind

    public init(path: String, reason: String, kind: Kind = .write) {
        self.path = path
        self.reason = reason
        self.kind = kind
    }

    public var description: String {
        kind == .refused ? "refusing to write \(path): \(reason)" : "cannot write \(path): \(reason)"
    }
}
