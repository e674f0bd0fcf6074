import Foundation
import ScrapeCore
import ScrapeBase
import Synchronization

/// What the daemon remembers across restarts, kept in `state_dir/state.json`.
///
/// Jobs' last runs (for `/jobs` and to schedule the next run after a restart) and runs
/// that started but did not finish, which the next start resumes. Inbox progress is not
/// here: a claimed inbox file sits in `inbox/claimed/` until it is done, and its output
/// is the record of which URLs are finished, so the two cannot disagree.
struct DaemonState: Codable, Sendable, Equatable {
    /// One job's history.
    struct Job: Codable, Sendable, Equatable {
        /// Runs started, ever; the next run's id is `NAME-(runs+1)`.
        var runs = 0
        /// Due runs skipped because the previous one was still going.
        var skipped = 0
        var lastRun: Run?
        /// Unix seconds of the last run that completed without failing.
        var lastSuccess: Double?
        /// A run that started and has not finished: resumed on the next start.
        var unfinished: Unfinished?
    }

    /// A run as `/jobs` and `/runs/{id}` show it.
    struct Run: Codable, Sendable, Equatable {
        var id: String
        var started: Double
        var finished: Double?
        var outcome: RunState
        var records = 0
        var errors = 0
        var skipped = 0
        var message: String?
    }

    /// Where an unfinished run's records begin in its output.
    struct Unfinished: Codable, Sendable, Equatable {
        var id: String
        var outputOffset: Int64
    }

    var version = 1
    var jobs: [String: Job] = [:]
}

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
