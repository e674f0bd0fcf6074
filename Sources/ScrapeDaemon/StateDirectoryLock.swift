import Glibc
import ScrapeBase

/// One daemon per state directory: `state_dir/daemon.lock`, locked with `flock` for as
/// long as the daemon runs and holding its pid.
///
/// Two daemons on one state directory would append to each other's outputs, resume each
/// other's runs from `state.json`, and claim the same inbox files. The lock is taken
/// before anything in the directory is read or written (its folders are only made sure to
/// exist first), so a second daemon exits at once
/// naming the first one's pid; the kernel drops the lock when the holder's process ends,
/// however it ends, so a crash leaves nothing to clean up.
final class StateDirectoryLock: Sendable {
    /// The lock file's path.
    let path: String
    private let descriptor: Int32

    /// Takes the lock on `directory` (which must exist).
    ///
    /// - Throws: ``DaemonError/filesystem(path:reason:)`` naming the holder's pid when
    ///   another daemon has the directory, or the system's reason.
    init(directory: String) throws(DaemonError) {
        path = directory + "/daemon.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .filesystem(path: path, reason: SystemCall.errorMessage()) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let held = errno == EWOULDBLOCK
            let reason = SystemCall.errorMessage()
            let holder = Self.pid(in: descriptor)
            close(descriptor)
            guard held else { throw .filesystem(path: path, reason: "cannot lock: " + reason) }
            throw .filesystem(
                path: directory,
                reason: "another scrape daemon\(holder.map { " (pid \($0))" } ?? "") is using this state directory; stop it, or give this one another daemon.state_dir")
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 {
            _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// The pid the holder wrote, if it is there yet.
    private static func pid(in descriptor: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: bytes[0..<count], as: UTF8.self).trimmingCharacters(in: " \n"))
    }
}
