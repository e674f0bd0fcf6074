import ScrapeBase
import Glibc

/// Replaces a small file so that a crash or power cut leaves either the old contents or
/// the new, never a torn mix: write a temp file beside it, fsync, rename over the old
/// one, fsync the directory (so the rename itself is durable).
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    ///
    /// - Throws: ``OutputError`` naming the path.
    public static func write(_ bytes: [UInt8], to path: String) throws(OutputError) {
        let temporary = path + ".tmp"
        let writer = try RecordWriter(path: temporary, truncate: true)
        try writer.append(line: bytes)
        try writer.close()
        guard rename(temporary, path) == 0 else {
            throw OutputError(path: path, reason: "rename: " + SystemCall.errorMessage())
        }
        OutputFile.syncDirectory(of: path)
    }
}
