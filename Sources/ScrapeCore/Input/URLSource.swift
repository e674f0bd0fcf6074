import ScrapeBase
import Dispatch
import Glibc

/// The input list, read lazily: one URL per line, blank lines and `#` comments skipped.
///
/// Memory does not grow with the list: the file is read in 64 KiB chunks as lines are
/// taken, and a line longer than ``maxLineBytes`` keeps only its head while the rest
/// streams past (an endless line such as `/dev/zero` costs 1 MiB, not all memory). Reads
/// are blocking system calls, so they run on a dispatch queue of their own, never on
/// Swift's cooperative pool, and they wait in `poll` slices of 100 ms so that cancelling
/// the reading task ends a read from a pipe or FIFO that has nothing to say.
///
/// - Important: one call at a time. The type is `Sendable` so that a scheduler can read
///   it from a child task while it handles results, but it keeps no lock: callers must
///   not overlap calls (the ``Scheduler`` has at most one read outstanding).
public final class URLSource: @unchecked Sendable {
    /// One input line that carries a URL.
    public struct Line: Sendable {
        /// 1-based line number in the input.
        public let number: Int
        /// The line without surrounding whitespace (and without its CR, for CRLF files),
        /// cut to ``URLSource/maxLineBytes`` when longer.
        public let text: String
        /// The length of the whole line in bytes, before trimming and cutting.
        public let byteCount: Int
        /// The line's bytes, when they are not valid UTF-8 (``text`` then has U+FFFD where
        /// they were invalid); nil for a valid line, which ``text`` holds exactly.
        public let invalidBytes: [UInt8]?

        /// Whether ``text`` is only the head of a longer line.
        public var isCut: Bool { byteCount > URLSource.maxLineBytes }

        /// The URL to request: the line, with the bytes of a line that is not UTF-8
        /// percent-encoded as curl and browsers send them (`/caf\xE9` is `/caf%E9`).
        public var requestURL: String {
            guard let invalidBytes else { return text }
            return Self.requestURL(ofInvalidBytes: invalidBytes)
        }

        /// The URL requested for a line of these bytes, which are not UTF-8: every byte
        /// above 0x7F percent-encoded. `--since` keys a record whose `url` is such a line
        /// by this form too, so the line finds its record again.
        public static func requestURL(ofInvalidBytes bytes: [UInt8]) -> String {
            var encoded: [UInt8] = []
            let hex = Array("0123456789ABCDEF".utf8)
            for byte in bytes {
                if byte < 0x80 { encoded.append(byte) } else { encoded += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]] }
            }
            return String(decoding: encoded, as: UTF8.self)
        }
    }

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let queue = DispatchQueue(label: "scrape.url-source")
    private var buffer: [UInt8] = []
    private var position = 0
    private var lineNumber = 0
    private var atEnd = false
    private var atStart = true
    /// Longest line kept; longer lines are cut here (they become `invalid_url` records).
    public static let maxLineBytes = 1024 * 1024
    private static let chunkSize = 64 * 1024

    /// Opens `path`, or standard input for `-`.
    ///
    /// - Throws: ``InputError`` naming the path and the system's reason.
    public init(path: String) throws(InputError) {
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
        } else {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                var reason = SystemCall.errorMessage()
                if errno == ENOENT, path.contains("://") {
                    reason += " (scrape reads a file of URLs; to scrape one URL: echo '\(path)' | scrape -)"
                }
                throw InputError(path: path, reason: reason)
            }
            var info = stat()
            if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                close(descriptor)
                throw InputError(path: path, reason: "is a directory")
            }
            ownsDescriptor = true
        }
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// The next line with a URL, or nil at the end of the input (or when the calling task
    /// is cancelled).
    ///
    /// - Throws: ``InputError`` when reading fails.
    public func next() async throws(InputError) -> Line? {
        try await nextBatch(maxLines: 1)?.first
    }

    /// The next lines with URLs: at least one, and then as many more (up to `maxLines`) as
    /// are already read, so the caller neither waits for a slow input to fill a batch nor
    /// pays a hop per line of a fast one. nil at the end of the input, or when the calling
    /// task is cancelled.
    ///
    /// - Throws: ``InputError`` when reading fails.
    public func nextBatch(maxLines: Int = 256) async throws(InputError) -> [Line]? {
        var lines: [Line] = []
        while lines.count < maxLines {
            let raw: (bytes: ArraySlice<UInt8>, count: Int)?
            if lines.isEmpty {
                raw = try await nextRawLine()
            } else {
                raw = bufferedLine()
            }
            guard let raw else { break }
            lineNumber += 1
            guard let text = Self.urlText(raw.bytes) else { continue }
            lines.append(Line(number: lineNumber, bytes: text, byteCount: raw.count))
        }
        return lines.isEmpty ? nil : lines
    }

    /// How many lines of `bytes` a run would take as URLs (for `POST /scrape`'s answer).
    public static func urlLineCount(in bytes: [UInt8]) -> Int {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).count { urlText($0) != nil }
    }

    /// The line's URL text, trimmed; nil for a blank line or a `#` comment.
    private static func urlText(_ raw: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let text = trim(raw)
        return text.isEmpty || text.first == UInt8(ascii: "#") ? nil : text
    }

    /// A whole line already in the buffer (or the last one, at the end), without reading.
    private func bufferedLine() -> (bytes: ArraySlice<UInt8>, count: Int)? {
        if atStart {
            // A UTF-8 byte order mark is not part of the first URL; decide once 3 bytes,
            // a newline or the end are there.
            let available = buffer.count - position
            guard available >= 3 || atEnd || buffer[position...].contains(UInt8(ascii: "\n")) else { return nil }
            atStart = false
            if available >= 3, buffer[position] == 0xEF, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF {
                position += 3
            }
        }
        if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = buffer[position..<newline]
            position = newline + 1
            return (line, line.count)
        }
        if atEnd, position < buffer.count {
            let line = buffer[position...]
            position = buffer.count
            return (line, line.count)
        }
        return nil
    }

    /// The next raw line, cut to ``maxLineBytes``, with its whole length; nil at the end.
    private func nextRawLine() async throws(InputError) -> (bytes: ArraySlice<UInt8>, count: Int)? {
        while true {
            if let line = bufferedLine() { return line }
            if atEnd { return nil }
            if buffer.count - position > Self.maxLineBytes {
                // An enormous line: keep its head, count and drop the rest as it streams past.
                let head = Array(buffer[position..<(position + Self.maxLineBytes)])
                var length = buffer.count - position
                guard let rest = try await skipToNewline(counting: &length) else { return nil }
                buffer = rest
                position = 0
                return (head[...], length)
            }
            buffer.removeSubrange(0..<position)
            position = 0
            guard let chunk = try await readChunk() else { return nil }
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    /// Discards bytes up to the next newline, adding them to `length`; returns what follows
    /// the newline (empty at the end of the input), or nil when the task was cancelled.
    private func skipToNewline(counting length: inout Int) async throws(InputError) -> [UInt8]? {
        while true {
            guard let chunk = try await readChunk() else { return nil }
            if chunk.isEmpty {
                atEnd = true
                return []
            }
            if let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) {
                length += newline
                return Array(chunk[(newline + 1)...])
            }
            length += chunk.count
        }
    }

    /// Up to 64 KiB of input (empty at its end), or nil when the calling task was
    /// cancelled while waiting.
    private func readChunk() async throws(InputError) -> [UInt8]? {
        if Task.isCancelled { return nil }
        let descriptor = self.descriptor
        let cancelled = AtomicFlag()
        let result: Result<[UInt8]?, InputError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.async { continuation.resume(returning: Self.blockingRead(descriptor, unless: cancelled)) }
            }
        } onCancel: {
            cancelled.set()
        }
        return try result.get()
    }

    /// Waits for input in 100 ms `poll` slices, checking `cancelled` between them, then reads.
    private static func blockingRead(_ descriptor: Int32, unless cancelled: AtomicFlag) -> Result<[UInt8]?, InputError> {
        var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            if cancelled.isSet { return .success(nil) }
            let ready = poll(&waiting, 1, 100)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            break  // readable, hung up, or poll cannot wait on this descriptor: read tells which
        }
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        let count = SystemCall.retryingOnInterrupt { chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) } }
        guard count >= 0 else { return .failure(InputError(path: "input", reason: SystemCall.errorMessage())) }
        chunk.removeSubrange(count...)
        return .success(chunk)
    }

    /// Drops spaces, tabs, CR, VT and FF from both ends of a line.
    private static func trim(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.trimming { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }
    }
}

extension URLSource.Line {
    /// The line whose URL text (trimmed, cut) is `bytes`: line `number` of its input,
    /// `byteCount` bytes long in all. `scrape frontier add` makes lines of strings with it.
    public init(number: Int, bytes: some Collection<UInt8>, byteCount: Int) {
        let decoded = String(decoding: bytes, as: UTF8.self)
        let exact = decoded.utf8.count == bytes.count && decoded.utf8.elementsEqual(bytes)
        self.init(number: number, text: decoded, byteCount: byteCount, invalidBytes: exact ? nil : Array(bytes))
    }
}

/// The input list cannot be read.
public struct InputError: Error, Sendable, CustomStringConvertible {
    /// The path given (`-` for stdin).
    public let path: String
    /// The system's reason.
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot read \(path): \(reason)" }
}
