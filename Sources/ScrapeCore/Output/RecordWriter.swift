import Glibc

/// Owns the output: writes whole lines only, counts what reached the file, flushes, and
/// fsyncs on close. Every command that writes records writes through one.
///
/// Lines are buffered and written when 64 KiB have gathered, when 100 ms have passed
/// since the last write, or when the caller flushes (a run's scheduler does so at most
/// 100 ms after each record, so a reader tailing the file or the pipe sees records as they
/// complete); a crash loses at most that much, and whatever is lost was never recorded,
/// so `--resume` fetches it again. A write cut by a crash leaves at most one partial last
/// line, which ``ResumeIndex`` and ``OutputFile/Mode/append`` repair; a write that fails
/// (a full disk) is cut back to the last whole line at once (``OutputFile/write(_:)``).
///
/// A failure is final: every later call throws the same error, so a failed flush in the
/// middle of a run cannot be followed by a close that reports success (the last write
/// counts). ``recordsWritten`` is what the file holds, for summaries and error messages.
public final class RecordWriter {
    /// The file written to.
    public let file: OutputFile
    /// The path, or `-` for standard output; used in messages.
    public var path: String { file.path }
    /// Records that reached the file (or pipe): what a summary may count.
    public private(set) var recordsWritten = 0
    private var buffer: [UInt8] = []
    /// Lines in `buffer`.
    private var bufferedLines = 0
    /// The first write failure, thrown again by every later call.
    private var failure: OutputError?
    private var lastFlush = ContinuousClock.now
    private static let flushBytes = 64 * 1024
    private static let flushInterval = Duration.milliseconds(100)

    /// Opens `path` (creating it), or standard output for `-`.
    ///
    /// - Parameters:
    ///   - mode: what happens to what the file already holds (``OutputFile/Mode``).
    ///   - inputs: the files the command reads, which the output must not be.
    /// - Throws: ``OutputError`` naming the path (see ``OutputFile/init(path:mode:inputs:)``).
    public convenience init(path: String, mode: OutputFile.Mode, inputs: [String] = []) throws(OutputError) {
        self.init(file: try OutputFile(path: path, mode: mode, inputs: inputs))
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
        if let failure { throw failure }
        buffer.append(contentsOf: line)
        bufferedLines += 1
        if buffer.count >= Self.flushBytes || ContinuousClock.now - lastFlush >= Self.flushInterval {
            try flush()
        }
    }

    /// Adds one line that `build` appends to the buffer in place (it must end it with a
    /// newline): the path for many small records, with no array per line.
    public func appendLine(_ build: (inout [UInt8]) -> Void) throws(OutputError) {
        if let failure { throw failure }
        build(&buffer)
        bufferedLines += 1
        if buffer.count >= Self.flushBytes {
            try flush()
        }
    }

    /// Whether a flush is due by time (100 ms since the last write), for callers that
    /// flush at their own quiet moments.
    public var isFlushDue: Bool { !buffer.isEmpty && ContinuousClock.now - lastFlush >= Self.flushInterval }

    /// Writes everything buffered.
    ///
    /// - Throws: ``OutputError``; the records buffered are then lost (the file ends with
    ///   the last whole one written before), and the error says how many were written.
    public func flush() throws(OutputError) {
        if let failure { throw failure }
        lastFlush = .now
        guard !buffer.isEmpty else { return }
        defer {
            buffer.removeAll(keepingCapacity: true)
            bufferedLines = 0
        }
        do {
            try file.write(buffer)
        } catch {
            throw fail(error)
        }
        recordsWritten += bufferedLines
    }

    /// Flushes and fsyncs. A pipe or terminal cannot be synced; that is not an error.
    public func close() throws(OutputError) {
        try flush()
        do {
            try file.sync()
        } catch {
            throw fail(error)
        }
    }

    /// ``close()``, then gives the file its final name (``OutputFile/Mode/replaceWhole``)
    /// and closes it, releasing its lock. After a failure the file is closed too, and a
    /// whole-file replacement leaves the old file as it was.
    public func finish() throws(OutputError) {
        defer { file.close() }
        try close()
        do {
            try file.commit()
        } catch {
            throw fail(error)
        }
    }

    /// Keeps `error` as the writer's failure, saying how many records reached the file.
    private func fail(_ error: OutputError) -> OutputError {
        guard error.kind == .write else {
            failure = error
            return error
        }
        let count = "\(recordsWritten) record\(recordsWritten == 1 ? "" : "s") written"
        let kept = file.isReplacingWhole
            ? "; the file was left as it was"
            : file.isRegularFile ? "; the file ends with the last whole record (\(count))" : " (\(count))"
        let final = OutputError(path: error.path, reason: error.reason + kept, kind: error.kind)
        failure = final
        return final
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
