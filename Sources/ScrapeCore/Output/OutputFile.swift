import ScrapeBase
import Glibc

/// The file a run writes its records to, opened so that no user file is damaged.
///
/// Opening it is where every refusal happens, before a byte changes:
/// 1. the output must not be the input (same device and inode, so a symlink, a hard link
///    or a `/dev/fd/N` path to the input is caught too): `scrape urls.txt -o urls.txt`
///    would otherwise empty the list it is about to read;
/// 2. a regular file is locked with `flock(LOCK_EX | LOCK_NB)` for as long as the run
///    holds it, so a second run (`run`, `api` or a daemon job) on the same output is
///    refused instead of interleaving its lines with ours;
/// 3. only then is a fresh run's file emptied (`curl -o` and `wget -O` replace too).
///
/// ``replaceContents(_:)`` swaps in a rewritten file the crash-safe way (temp file,
/// fsync, rename, fsync of the folder): at every instant the path names either the old
/// file whole or the new one whole. The new file is locked before it takes the name, and
/// the old one stays locked until ``close()``, so no second writer slips in between.
public final class OutputFile {
    /// The path as given, or `-` for standard output; used in messages.
    public let path: String
    /// Where records are appended (`O_APPEND`), and read back from for `--resume`.
    private(set) var descriptor: Int32
    /// Whether the output is a regular file (not stdout, a pipe or a device).
    public let isRegularFile: Bool
    /// Earlier descriptors of a rewritten file, kept open (and locked) until close.
    private var retired: [Int32] = []
    private let ownsDescriptor: Bool
    /// False once ``close()`` gave the descriptor (and its lock) back.
    private var isOpen = true

    /// Opens `path` for appending (creating it), or standard output for `-`.
    ///
    /// - Parameters:
    ///   - truncate: empty the file once it is locked (a fresh run) instead of keeping it.
    ///   - inputs: the files the run reads (its URL list, `-` for stdin, its config file),
    ///     which the output must not be.
    /// - Throws: ``OutputError`` with kind `refused` for the input file or a locked
    ///   output, and kind `write` when the system says no.
    public init(path: String, truncate: Bool, inputs: [String] = []) throws(OutputError) {
        self.path = path
        if path == "-" {
            descriptor = 1
            ownsDescriptor = false
            var info = stat()
            isRegularFile = fstat(1, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
            if isRegularFile, let input = inputs.first(where: { Self.sameFile(info, $0) }) {
                throw OutputError(path: "standard output", reason: "it is the input \(input == "-" ? "(standard input)" : "file " + input); it would be overwritten while it is read", kind: .refused)
            }
            return
        }
        let file = try Self.openLocked(path: path, inputs: inputs)
        if truncate, file.isRegular, ftruncate(file.descriptor, 0) != 0 {
            let reason = SystemCall.errorMessage()
            Glibc.close(file.descriptor)
            throw OutputError(path: path, reason: "cannot empty it: " + reason)
        }
        descriptor = file.descriptor
        isRegularFile = file.isRegular
        ownsDescriptor = true
    }

    /// Opens `path`, checks it is none of `inputs`, and locks it when it is a regular file.
    private static func openLocked(path: String, inputs: [String]) throws(OutputError) -> (descriptor: Int32, isRegular: Bool) {
        var descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if descriptor < 0, errno == EACCES || errno == EISDIR || errno == ENXIO || errno == EINVAL {
            // Write-only devices and FIFOs (`-o /dev/stdout` on a pipe) may not open for reading.
            descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else {
            let reason = errno == EISDIR ? "is a directory" : SystemCall.errorMessage()
            throw OutputError(path: path, reason: reason, kind: errno == EISDIR ? .refused : .write)
        }
        func refuse(_ reason: String, kind: OutputError.Kind = .refused) -> OutputError {
            Glibc.close(descriptor)
            return OutputError(path: path, reason: reason, kind: kind)
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw refuse(SystemCall.errorMessage(), kind: .write) }
        if let input = inputs.first(where: { sameFile(info, $0) }) {
            throw refuse("it is the input \(input == "-" ? "(standard input)" : "file " + input); it would be emptied before it is read (choose another -o)")
        }
        let isRegular = info.st_mode & S_IFMT == S_IFREG
        if isRegular, flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            if errno == EWOULDBLOCK {
                throw refuse("another scrape run is writing it (the file is locked)")
            }
            throw refuse("cannot lock: " + SystemCall.errorMessage(), kind: .write)
        }
        return (descriptor, isRegular)
    }

    deinit {
        close()
    }

    /// Closes the file now, releasing its lock, rather than when the last reference goes:
    /// a daemon `ws:` job restarted by a reload reopens the same output at once.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        if ownsDescriptor { Glibc.close(descriptor) }
        retired.forEach { _ = Glibc.close($0) }
        retired = []
    }

    /// Writes all of `bytes` at the end of the file.
    ///
    /// - Throws: ``OutputError``: kind `closedPipe` when the reader of a pipe went away
    ///   (`scrape list | head -1`), `write` for anything else (disk full).
    func write(_ bytes: [UInt8]) throws(OutputError) {
        try Self.write(bytes, to: descriptor, path: path)
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(OutputError) {
        var offset = 0
        while offset < bytes.count {
            let written = SystemCall.retryingOnInterrupt { bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) } }
            if written < 0 {
                if errno == EPIPE { throw OutputError(path: path, reason: "the reader closed the pipe", kind: .closedPipe) }
                throw OutputError(path: path, reason: SystemCall.errorMessage())
            }
            offset += written
        }
    }

    /// fsyncs. A pipe or terminal cannot be synced; that is not an error.
    func sync() throws(OutputError) {
        if fsync(descriptor) != 0, errno != EINVAL, errno != EROFS, errno != ENOTSUP {
            throw OutputError(path: path, reason: "fsync: " + SystemCall.errorMessage())
        }
    }

    /// Replaces the file's contents with what `fill` writes, crash-safely (see the type's
    /// doc); later appends go to the new file.
    ///
    /// - Parameter fill: writes the new contents through the function it is given.
    /// - Throws: ``OutputError``; the old file is then untouched.
    func replaceContents(_ fill: ((_ bytes: [UInt8]) throws(OutputError) -> Void) throws(OutputError) -> Void) throws(OutputError) {
        precondition(isRegularFile, "only a regular file is rewritten")
        let temporary = path + ".scrape-rewrite"
        unlink(temporary)  // left by a run killed mid-rewrite: never the user's file
        let fresh = open(temporary, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
        guard fresh >= 0 else { throw OutputError(path: temporary, reason: SystemCall.errorMessage()) }
        func fail(_ reason: String) -> OutputError {
            Glibc.close(fresh)
            unlink(temporary)
            return OutputError(path: path, reason: reason)
        }
        guard flock(fresh, LOCK_EX | LOCK_NB) == 0 else { throw fail("cannot lock the rewritten file: " + SystemCall.errorMessage()) }
        do throws(OutputError) {
            try fill { bytes throws(OutputError) in try Self.write(bytes, to: fresh, path: temporary) }
        } catch {
            _ = fail("")
            throw error
        }
        guard fsync(fresh) == 0 else { throw fail("fsync of the rewritten file: " + SystemCall.errorMessage()) }
        guard rename(temporary, path) == 0 else { throw fail("rename: " + SystemCall.errorMessage()) }
        Self.syncDirectory(of: path)
        retired.append(descriptor)
        descriptor = fresh
    }

    /// fsyncs the folder that holds `path`, so a rename in it is durable.
    public static func syncDirectory(of path: String) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            Glibc.close(descriptor)
        }
    }

    /// Whether `input` (a path, or `-` for stdin) is the file `info` describes.
    private static func sameFile(_ info: stat, _ input: String) -> Bool {
        var other = stat()
        let found = input == "-" ? fstat(0, &other) == 0 : stat(input, &other) == 0
        return found && other.st_dev == info.st_dev && other.st_ino == info.st_ino
    }
}
