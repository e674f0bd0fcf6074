import ScrapeBase
import Glibc

/// Whole-file reads for small files (config files, saved pages), without Foundation.
public enum FileContents {
    /// The file's text (invalid UTF-8 replaced), or nil when it cannot be read.
    public static func read(_ path: String, limit: Int = 16 * 1024 * 1024) -> String? {
        bytes(path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The file's bytes (at most `limit`), or nil when it cannot be opened or read; then
    /// `SystemCall.errorMessage()` says why (`No such file or directory`, `Is a directory`).
    public static func bytes(_ path: String, limit: Int = 16 * 1024 * 1024) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count < limit {
            let count = SystemCall.retryingOnInterrupt { chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) } }
            if count < 0 { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }
}
