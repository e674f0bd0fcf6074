/// Replaces a small file so that a crash or power cut leaves either the old contents or
/// the new, never a torn mix (state files, cursors, inbox files): an ``OutputFile`` in
/// ``OutputFile/Mode/replaceWhole`` mode, which writes a temp file beside it, fsyncs,
/// renames it over the old one and fsyncs the directory (so the rename is durable).
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    ///
    /// - Throws: ``OutputError`` naming the path; the old file is then as it was.
    public static func write(_ bytes: [UInt8], to path: String) throws(OutputError) {
        let writer = try RecordWriter(path: path, mode: .replaceWhole)
        try writer.append(line: bytes)
        try writer.finish()
    }
}
