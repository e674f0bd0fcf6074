import ScrapeBase
import Glibc

/// The file a command writes its records to, opened so that no user file is damaged.
///
/// Every command that writes records (`run`, `api`, `ws`, `frontier export`, daemon jobs
/// and inbox runs) opens its output here, and the same rules hold for all of them:
/// 1. **Nothing is replaced that is not ours to replace.** A symlink is written through to
///    its target, a device or a FIFO is written into; only a regular file is ever emptied
///    or renamed over, and a directory is refused.
/// 2. **The input is never the output** (same device and inode, so a symlink, a hard link
///    or a `/dev/fd/N` path to the input is caught too): `scrape urls.txt -o urls.txt`
///    would otherwise empty the list it is about to read.
/// 3. **One writer at a time.** A regular file is locked with `flock(LOCK_EX | LOCK_NB)`
///    for as long as the command holds it, so a second run on the same output is refused
///    instead of interleaving its lines with ours.
/// 4. **Whole lines only.** Appending starts on a line boundary (a partial last line left
///    by a crash or a full disk is cut first, ``Mode/append``), and a write that fails
///    part-way is cut back to where it began, so the file ends with its last whole record
///    (see ``write(_:)``); a pipe or device cannot be cut, and gets what was sent.
/// 5. Only then is a fresh run's file emptied (``Mode/replace``: `curl -o` and `wget -O`
///    replace too), or a new file written beside it and renamed over it at ``commit()``
///    (``Mode/replaceWhole``: whole or not at all).
///
/// ``replaceContents(_:)`` swaps in a rewritten file the crash-safe way (temp file,
/// fsync, rename, fsync of the folder): at every instant the path names either the old
/// file whole or the new one whole. The new file is locked before it takes the name, and
/// the old one stays locked until ``close()``, so no second writer slips in between.
public final class OutputFile {
    /// How the output's existing contents are treated.
    public enum Mode: Sendable, Equatable {
        /// Empty the file once it is locked: a fresh run.
        case replace
        /// Keep it, cut a partial last line, and add after it: incremental api jobs,
        /// `scrape ws --append`, daemon jobs that append run after run.
        case append
        /// Keep it exactly as it is: ``ResumeIndex`` reads it back, checks and repairs it.
        case resume
        /// Write a new file beside it and rename it over the old one at ``commit()``, so
        /// the path holds the old contents or the whole new ones (`frontier export`,
        /// state files). Devices and FIFOs are written directly.
        case replaceWhole
    }

    /// The path as given, or `-` for standard output; used in messages.
    public let path: String
    /// Where records are appended (`O_APPEND`), and read back from for `--resume`.
    private(set) var descriptor: Int32
    /// Whether the output is a regular file (not stdout, a pipe or a device).
    public let isRegularFile: Bool
    /// Bytes of a partial last line cut off when the file was opened to append.
    public private(set) var repairedBytes = 0
    /// With ``Mode/replaceWhole``: the file being written and the path it is renamed to.
    private var pending: (temporary: String, target: String)?
    /// Whether a whole-file replacement is under way (the old file stays until ``commit()``).
    var isReplacingWhole: Bool { pending != nil }
    /// Earlier descriptors of a rewritten file, kept open (and locked) until close.
    private var retired: [Int32] = []
    private let ownsDescriptor: Bool
    /// False once ``close()`` gave the descriptor (and its lock) back.
    private var isOpen = true

    /// Opens `path` (creating it), or standard output for `-`.
    ///
    /// - Parameters:
    ///   - mode: what happens to what the file holds (see ``Mode``).
    ///   - inputs: the files the command reads (its URL list, `-` for stdin, its config
    ///     file), which the output must not be.
    /// - Throws: ``OutputError`` with kind `refused` for the input file, a locked output
    ///   or a directory, and kind `write` when the system says no. Nothing was changed.
    public init(path: String, mode: Mode, inputs: [String] = []) throws(OutputError) {
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
        let target = mode == .replaceWhole ? Self.target(of: path) : path
        if mode == .replaceWhole, let target, !Self.isSpecialFile(target) {
            // Lock the old file (when there is one) so no second writer works on it, then
            // write the new one beside it.
            let existing = try Self.openLocked(path: target, create: false, inputs: inputs, messagePath: path)
            let temporary = target + ".scrape-tmp"
            let fresh: Int32
            do throws(OutputError) {
                fresh = try Self.openTemporary(temporary, like: existing?.descriptor, messagePath: path)
            } catch {
                if let existing { Glibc.close(existing.descriptor) }
                throw error
            }
            descriptor = fresh
            isRegularFile = true
            ownsDescriptor = true
            pending = (temporary, target)
            if let existing { retired.append(existing.descriptor) }
            return
        }
        guard let file = try Self.openLocked(path: path, create: true, inputs: inputs, messagePath: path) else {
            throw OutputError(path: path, reason: "it does not exist")  // unreachable: created
        }
        descriptor = file.descriptor
        isRegularFile = file.isRegular
        ownsDescriptor = true
        guard file.isRegular else { return }
        switch mode {
        case .replace, .replaceWhole:
            if ftruncate(descriptor, 0) != 0 {
                let reason = SystemCall.errorMessage()
                Glibc.close(descriptor)
                throw OutputError(path: path, reason: "cannot empty it: " + reason)
            }
        case .append:
            do {
                repairedBytes = try cutPartialLastLine()
            } catch {
                Glibc.close(descriptor)
                throw error
            }
        case .resume:
            break
        }
    }

    /// Opens `path`, checks it is none of `inputs`, and locks it when it is a regular file.
    /// Returns nil when `create` is false and there is no such file.
    private static func openLocked(
        path: String, create: Bool, inputs: [String], messagePath: String
    ) throws(OutputError) -> (descriptor: Int32, isRegular: Bool)? {
        let creating = create ? O_CREAT : 0
        var descriptor = open(path, O_RDWR | creating | O_APPEND | O_CLOEXEC, 0o644)
        if descriptor < 0, errno == EACCES || errno == EISDIR || errno == ENXIO || errno == EINVAL {
            // Write-only devices and FIFOs (`-o /dev/stdout` on a pipe) may not open for reading.
            descriptor = open(path, O_WRONLY | creating | O_APPEND | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else {
            if !create, errno == ENOENT { return nil }
            let reason = errno == EISDIR ? "is a directory" : SystemCall.errorMessage()
            throw OutputError(path: messagePath, reason: reason, kind: errno == EISDIR ? .refused : .write)
        }
        func refuse(_ reason: String, kind: OutputError.Kind = .refused) -> OutputError {
            Glibc.close(descriptor)
            return OutputError(path: messagePath, reason: reason, kind: kind)
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

    /// Opens (creating, or reusing one a killed run left) the temp file a replacement is
    /// written to, locked and empty, with the mode and owner of the file it replaces.
    ///
    /// - Throws: ``OutputError`` of kind `refused` when `temporary` is a symlink or not a
    ///   regular file (never written through), or another run holds it.
    private static func openTemporary(_ temporary: String, like original: Int32?, messagePath: String) throws(OutputError) -> Int32 {
        let descriptor = open(temporary, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            let refused = errno == ELOOP
            let reason = refused ? "\(temporary) exists and is a symlink; remove it" : "\(temporary): " + SystemCall.errorMessage()
            throw OutputError(path: messagePath, reason: reason, kind: refused ? .refused : .write)
        }
        func fail(_ reason: String, kind: OutputError.Kind = .write) -> OutputError {
            Glibc.close(descriptor)
            return OutputError(path: messagePath, reason: reason, kind: kind)
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw fail(SystemCall.errorMessage()) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw fail("\(temporary) exists and is not a regular file; remove it", kind: .refused) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw errno == EWOULDBLOCK ? fail("another scrape run is writing it (\(temporary) is locked)", kind: .refused) : fail("cannot lock \(temporary): " + SystemCall.errorMessage())
        }
        guard ftruncate(descriptor, 0) == 0 else { throw fail("cannot empty \(temporary): " + SystemCall.errorMessage()) }
        var old = stat()
        if let original, fstat(original, &old) == 0 {
            // A 0600 file stays 0600 (and keeps its owner where we may set it).
            _ = fchmod(descriptor, old.st_mode & 0o7777)
            _ = fchown(descriptor, old.st_uid, old.st_gid)
        }
        return descriptor
    }

    /// The path a whole-file replacement renames onto: `path` itself, or the file its
    /// symlinks lead to (so the link stays a link). Nil for a dangling link, which is then
    /// written through like any output.
    private static func target(of path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return path }
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether `path` exists and is neither a regular file nor a directory (a device, a
    /// FIFO, a socket): written into, never renamed over.
    private static func isSpecialFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type != S_IFREG && type != S_IFDIR
    }

    deinit {
        close()
    }

    /// Closes the file now, releasing its lock, rather than when the last reference goes:
    /// a daemon `ws:` job restarted by a reload reopens the same output at once. A
    /// whole-file replacement not committed is abandoned (its temp file removed).
    public func close() {
        guard isOpen else { return }
        isOpen = false
        if let pending { unlink(pending.temporary) }
        pending = nil
        if ownsDescriptor { Glibc.close(descriptor) }
        retired.forEach { _ = Glibc.close($0) }
        retired = []
    }

    /// Writes all of `bytes` at the end of the file.
    ///
    /// A write that fails part-way (a full disk) is cut back to where it began, so a file
    /// that held whole lines still does; `bytes` must therefore be whole lines.
    ///
    /// - Throws: ``OutputError``: kind `closedPipe` when the reader of a pipe went away
    ///   (`scrape list | head -1`), `write` for anything else (disk full).
    func write(_ bytes: [UInt8]) throws(OutputError) {
        let start = isRegularFile ? lseek(descriptor, 0, SEEK_END) : -1
        do {
            try Self.write(bytes, to: descriptor, path: path)
        } catch {
            guard start >= 0 else { throw error }
            if ftruncate(descriptor, start) != 0 {
                throw OutputError(path: path, reason: error.reason + "; cutting the partial line failed: " + SystemCall.errorMessage())
            }
            throw error
        }
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

    /// With ``Mode/replaceWhole``: renames the new file (synced by the caller) over the
    /// old one and makes the rename durable. Does nothing in the other modes.
    ///
    /// - Throws: ``OutputError`` when the rename fails; the old file is then untouched.
    func commit() throws(OutputError) {
        guard let pending else { return }
        guard rename(pending.temporary, pending.target) == 0 else {
            throw OutputError(path: path, reason: "cannot rename \(pending.temporary) over it: " + SystemCall.errorMessage())
        }
        self.pending = nil
        Self.syncDirectory(of: pending.target)
    }

    /// Cuts a partial last line (left by a crash or a full disk mid-write); returns how
    /// many bytes it cut.
    private func cutPartialLastLine() throws(OutputError) -> Int {
        let size = Int64(lseek(descriptor, 0, SEEK_END))
        guard size >= 0 else { throw OutputError(path: path, reason: SystemCall.errorMessage()) }
        var end = size
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while end > 0 {
            let start = max(0, end - Int64(chunk.count))
            let length = Int(end - start)
            let count = SystemCall.retryingOnInterrupt { chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, off_t(start)) } }
            if count < 0 { throw OutputError(path: path, reason: SystemCall.errorMessage()) }
            if let last = chunk[0..<count].lastIndex(of: UInt8(ascii: "\n")) {
                end = start + Int64(last) + 1
                break
            }
            end = start
        }
        if end != size, ftruncate(descriptor, off_t(end)) != 0 {
            throw OutputError(path: path, reason: "cannot cut the partial last line: " + SystemCall.errorMessage())
        }
        return Int(size - end)
    }

    /// The file's size: where the records written from now on start (0 for a pipe or a
    /// device).
    public func size() throws(OutputError) -> Int64 {
        guard isRegularFile else { return 0 }
        let end = Int64(lseek(descriptor, 0, SEEK_END))
        guard end >= 0 else { throw OutputError(path: path, reason: SystemCall.errorMessage()) }
        return end
    }

    /// Cuts a partial last line off the file at `path` (``Mode/append``'s repair, with the
    /// lock held while it does) and returns the size after that: where the next run's
    /// records start. A missing file is size 0 and is not created.
    ///
    /// - Throws: ``OutputError`` when the file exists but cannot be opened, locked or cut.
    public static func repairTail(path: String) throws(OutputError) -> Int64 {
        guard access(path, F_OK) == 0 else { return 0 }
        let file = try OutputFile(path: path, mode: .append)
        defer { file.close() }
        return try file.size()
    }

    /// Replaces the file's contents with what `fill` writes, crash-safely (see the type's
    /// doc); later appends go to the new file.
    ///
    /// - Parameter fill: writes the new contents through the function it is given.
    /// - Throws: ``OutputError``; the old file is then untouched.
    func replaceContents(_ fill: ((_ bytes: [UInt8]) throws(OutputError) -> Void) throws(OutputError) -> Void) throws(OutputError) {
        precondition(isRegularFile && pending == nil, "only a regular file is rewritten")
        // Through a symlink the new file goes beside its target, so the link stays a link.
        let target = Self.target(of: path) ?? path
        let temporary = target + ".scrape-rewrite"
        let fresh = try Self.openTemporary(temporary, like: descriptor, messagePath: path)
        func fail(_ reason: String) -> OutputError {
            Glibc.close(fresh)
            unlink(temporary)
            return OutputError(path: path, reason: reason)
        }
        do throws(OutputError) {
            try fill { bytes throws(OutputError) in try Self.write(bytes, to: fresh, path: temporary) }
        } catch {
            _ = fail("")
            throw error
        }
        guard fsync(fresh) == 0 else { throw fail("fsync of the rewritten file: " + SystemCall.errorMessage()) }
        guard rename(temporary, target) == 0 else { throw fail("rename: " + SystemCall.errorMessage()) }
        Self.syncDirectory(of: target)
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
