import Foundation
import ScrapeBase
import ScrapeCore

/// Owns ``DaemonState`` and writes it atomically (temp file, fsync, rename, fsync of the
/// folder) after every change, so a power cut leaves the old state or the new, never a
/// torn file.
final class StateStore: Sendable {
    let path: String
    private let state: Locked<DaemonState>
    /// Serialises writes so a slow older write never lands after a newer one.
    private let writeLock = Locked(())

    /// Loads `path`; a missing file is an empty state.
    ///
    /// - Throws: ``DaemonError`` when the file exists but cannot be read or is not ours.
    init(path: String) throws(DaemonError) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                throw .filesystem(path: path, reason: "cannot read the daemon state")
            }
            state = Locked(DaemonState())
            return
        }
        do {
            state = Locked(try DaemonJSON.decoder().decode(DaemonState.self, from: data))
        } catch {
            throw .filesystem(path: path, reason: "not a daemon state file (\(error)); move it aside to start afresh")
        }
    }

    /// A copy of the whole state.
    var snapshot: DaemonState { state.withLock { $0 } }

    /// One job's state.
    func job(_ name: String) -> DaemonState.Job { state.withLock { $0.jobs[name] ?? .init() } }

    /// Changes the state, then persists it.
    ///
    /// - Throws: ``DaemonError`` when it cannot be written (the change stays in memory).
    @discardableResult
    func update<Result>(_ change: (inout DaemonState) -> Result) throws(DaemonError) -> Result {
        try writeLock.withLock { _ throws(DaemonError) -> Result in
            let (result, copy) = state.withLock { state in (change(&state), state) }
            try persist(copy)
            return result
        }
    }

    private func persist(_ copy: DaemonState) throws(DaemonError) {
        do {
            var bytes = [UInt8](try DaemonJSON.encoder(pretty: true).encode(copy))
            bytes.append(UInt8(ascii: "\n"))
            try AtomicFile.write(bytes, to: path)
        } catch let error as OutputError {
            throw .filesystem(path: path, reason: error.reason)
        } catch {
            throw .filesystem(path: path, reason: "\(error)")
        }
    }
}
