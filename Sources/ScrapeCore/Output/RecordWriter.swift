import Glibc

/// Owns the output: writes whole lines only, flushes, and fsyncs on close.
///
/// Lines are buffered and written when 64 KiB have gathered or 250 ms have passed, so a
/// reader tailing the file sees progress and a crash loses at most that much; whatever
/// is lost was never recorded, so `--resume` fetches it again. A write cut by a crash
/// leaves at most one partial last line, which ``ResumeIndex`` repairs.
public final class RecordWriter {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// The path, or `-` for standard output; used in messages.
    public let path: String
    private var buffer: [UInt8] = []
    private var lastFlush = ContinuousClock.now
    private static let flushBytes = 64 * 1024
    private static let flushInterval = Duration.milliseconds(250)

    /// Opens `path` for appending (creating it), or standard output for `-`.
    ///
    /// - Parameter truncate: start the file empty (a fresh run) instead of appending (`--resume`).
    /// - Throws: ``OutputError`` naming the path.
    public init(path: String, truncate: Bool) throws(OutputError) {
        self.path = path
        if path == "-" {
            descriptor = 1
            ownsDescriptor = false
        } else {
            let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND)
            descriptor = open(path, flags, 0o644)
            guard descriptor >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
            ownsDescriptor = true
        }
        buffer.reserveCapacity(Self.flushBytes * 2)
    }

    deinit {
        if ownsDescriptor { Glibc.close(descriptor) }
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

    /// Writes everything buffered.
    public func flush() throws(OutputError) {
        lastFlush = .now
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { bytes in
                write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and fsyncs. A pipe or terminal cannot be synced; that is not an error.
    public func close() throws(OutputError) {
        try flush()
        if fsync(descriptor) != 0, errno != EINVAL, errno != EROFS, errno != ENOTSUP {
            throw OutputError(path: path, reason: "fsync: " + String(cString: strerror(errno)))
        }
    }
}

/// The output cannot be written.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    /// The output path (`-` for stdout).
    public let path: String
    /// The system's reason.
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}
