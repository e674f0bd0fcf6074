import Glibc
import ScrapeBase
public import ScrapeHTTP

/// The file a run's cookie jar is kept in (`--cookie-jar FILE`, `http.cookie_jar`): a
/// Netscape cookie file, as `curl -b/-c`, wget and Python's `MozillaCookieJar` read it.
///
/// It is a user's file, so it gets the rules every output gets (``OutputFile``, whose code
/// does the work):
/// 1. **Locked while the run uses it** (`flock`, exclusive, not waiting): a second run on
///    the same jar is refused (exit 2) instead of both saving over each other.
/// 2. **Never replaced when it is not a cookie file**: every line must be a comment, a
///    blank or a cookie line (``NetscapeCookieLine``), or the run is refused before
///    anything is fetched, and the file stays as it was (an output given by mistake).
///    Not a regular file (a FIFO, a device) is refused too: a jar is replaced whole.
/// 3. **Saved whole or not at all**: a temp file beside it, fsync, rename over it, fsync of
///    the folder (``OutputFile``'s rewrite); the new file is locked before it takes the
///    name. The file is mode 0600 (it holds sessions): created so, and narrowed to it when
///    it was wider.
///
/// What is saved is curl's choice, as `curl -c` saves: every cookie of the jar, session
/// cookies (expiry 0) included, so a login's session survives to the next run; expired
/// cookies are left out; HttpOnly ones are written with curl's `#HttpOnly_` prefix.
public final class CookieJarFile {
    /// The path as given.
    public let path: String
    private let file: OutputFile
    /// The cookie lines the file held when it was opened.
    public let lines: [String]

    /// The largest file read: a cookie file of this size is not a cookie file.
    static let maxBytes = 16 * 1024 * 1024

    /// Opens the jar file (creating it, mode 0600, when missing), locks it, and reads and
    /// checks its cookie lines.
    ///
    /// - Parameter inputs: files the run reads, and its output, which the jar must not be.
    /// - Throws: ``OutputError``: kind `refused` for a locked file, one that is not a cookie
    ///   file, not a regular file, or one of `inputs`; kind `write` when the system says no.
    public init(path: String, inputs: [String] = []) throws(OutputError) {
        self.path = path
        let named = "cookie jar \(path)"
        let created = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if created >= 0 { Glibc.close(created) }
        let file: OutputFile
        do throws(OutputError) {
            file = try OutputFile(path: path, mode: .resume, inputs: inputs)
        } catch {
            throw OutputError(path: named, reason: error.reason, kind: error.kind)
        }
        guard file.isRegularFile else {
            file.close()
            throw OutputError(path: named, reason: "not a regular file; a cookie jar is replaced whole each time it is saved", kind: .refused)
        }
        let bytes: [UInt8]
        do throws(OutputError) {
            bytes = try Self.readAll(file.descriptor, named: named)
        } catch {
            file.close()
            throw error
        }
        var cookies: [String] = []
        for (index, line) in String(decoding: bytes, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            do throws(NetscapeCookieLine.FormatError) {
                if case .cookie(let cookie) = try NetscapeCookieLine.classify(String(line), number: index + 1) { cookies.append(cookie.text) }
            } catch {
                file.close()
                throw OutputError(path: named, reason: "not a Netscape cookie file (\(error)); it is left as it is", kind: .refused)
            }
        }
        // Only a file found to be a cookie file is narrowed: a refused one is left as it was.
        var info = stat()
        if fstat(file.descriptor, &info) == 0, info.st_mode & 0o077 != 0 { _ = fchmod(file.descriptor, 0o600) }
        self.file = file
        self.lines = cookies
    }

    /// Replaces the file with `jar`'s cookies, crash-safely (see the type's doc).
    ///
    /// - Throws: ``OutputError`` of kind `write`; the file then holds what it held before.
    public func save(_ jar: CookieJar) throws(OutputError) {
        var text = NetscapeCookieLine.fileHeader + "\n# Written by scrape (curl's format); edit at your own risk.\n\n"
        for line in jar.netscapeLines() { text += line + "\n" }
        let bytes = Array(text.utf8)
        do throws(OutputError) {
            try file.replaceContents { write throws(OutputError) in try write(bytes) }
        } catch {
            throw OutputError(path: "cookie jar \(path)", reason: error.reason, kind: error.kind)
        }
    }

    /// Releases the lock (the run is over); idempotent.
    public func close() {
        file.close()
    }

    private static func readAll(_ descriptor: Int32, named: String) throws(OutputError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var offset: off_t = 0
        while true {
            let count = SystemCall.retryingOnInterrupt { chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) } }
            if count < 0 { throw OutputError(path: named, reason: "cannot read it: " + SystemCall.errorMessage()) }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
            offset += off_t(count)
            if bytes.count > maxBytes {
                throw OutputError(path: named, reason: "larger than \(maxBytes / 1024 / 1024) MiB: not a cookie file; it is left as it is", kind: .refused)
            }
        }
    }
}
