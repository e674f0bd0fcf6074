import Dispatch
import Glibc

/// The input list, read lazily: one URL per line, blank lines and `#` comments skipped.
///
/// Memory does not grow with the list: the file is read in 64 KiB chunks as lines are
/// taken. Reads are blocking system calls, so they run on a dispatch queue of their own,
/// never on Swift's cooperative pool (stdin may be a pipe that blocks for minutes).
public final class URLSource {
    /// One input line that carries a URL.
    public struct Line: Sendable {
        /// 1-based line number in the input.
        public let number: Int
        /// The line without surrounding whitespace (and without its CR, for CRLF files).
        public let text: String
    }

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let queue = DispatchQueue(label: "scrape.url-source")
    private var buffer: [UInt8] = []
    private var position = 0
    private var lineNumber = 0
    private var atEnd = false
    /// Longest line kept; longer lines are cut here (they become `invalid_url` records).
    static let maxLineBytes = 1024 * 1024
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
            guard descriptor >= 0 else { throw InputError(path: path, reason: String(cString: strerror(errno))) }
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

    /// The next line with a URL, or nil at the end of the input.
    ///
    /// - Throws: ``InputError`` when reading fails.
    public func next() async throws(InputError) -> Line? {
        while true {
            guard let raw = try await nextRawLine() else { return nil }
            lineNumber += 1
            guard let text = Self.urlText(raw) else { continue }
            return Line(number: lineNumber, text: String(decoding: text, as: UTF8.self))
        }
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

    private func nextRawLine() async throws(InputError) -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[position..<newline]
                position = newline + 1
                return line.prefix(Self.maxLineBytes)
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                let line = buffer[position...]
                position = buffer.count
                return line.prefix(Self.maxLineBytes)
            }
            if buffer.count - position > Self.maxLineBytes {
                // An enormous line: keep its head, drop the rest as it streams past.
                let head = Array(buffer[position..<(position + Self.maxLineBytes)])
                buffer = head + (try await skipToNewline())
                position = 0
                continue
            }
            buffer.removeSubrange(0..<position)
            position = 0
            let chunk = try await readChunk()
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    /// Discards bytes up to the next newline; returns what follows it, starting with the newline.
    private func skipToNewline() async throws(InputError) -> [UInt8] {
        while true {
            let chunk = try await readChunk()
            if chunk.isEmpty {
                atEnd = true
                return []
            }
            if let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) { return Array(chunk[newline...]) }
        }
    }

    private func readChunk() async throws(InputError) -> [UInt8] {
        let descriptor = self.descriptor
        let result: Result<[UInt8], InputError> = await withCheckedContinuation { continuation in
            queue.async {
                var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
                while true {
                    let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count >= 0 {
                        chunk.removeSubrange(count...)
                        continuation.resume(returning: .success(chunk))
                        return
                    }
                    if errno != EINTR {
                        let reason = String(cString: strerror(errno))
                        continuation.resume(returning: .failure(InputError(path: "input", reason: reason)))
                        return
                    }
                }
            }
        }
        return try result.get()
    }

    private static func trim(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }
        guard let start = line.firstIndex(where: { !isSpace($0) }) else { return [] }
        let end = line.lastIndex(where: { !isSpace($0) })!
        return line[start...end]
    }
}

/// The input list cannot be read.
public struct InputError: Error, Sendable, CustomStringConvertible {
    /// The path given (`-` for stdin).
    public let path: String
    /// The system's reason.
    public let reason: String
    public var description: String { "cannot read \(path): \(reason)" }
}
