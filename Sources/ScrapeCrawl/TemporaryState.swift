import Glibc

/// A state file in a fresh temporary folder, for a crawl whose output is stdout and that
/// names no `--state`: it cannot be resumed, so the file goes when the crawl ends.
struct TemporaryState {
    let folder: String
    var path: String { folder + "/crawl.state" }

    init?() {
        var template = Array("/tmp/scrape-crawl-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }) else { return nil }
        folder = String(cString: made)
    }

    /// Removes the state, its WAL files and the folder.
    func remove() {
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        rmdir(folder)
    }
}
