import ScrapeCore
import Synchronization

/// Runs of this process, by id, for `GET /runs/{id}`: queued, running (with live
/// counts) and the most recent finished ones. Inbox runs of earlier processes are
/// answered from the inbox folders instead (``Inbox/status(of:)``).
final class RunRegistry: Sendable {
    /// What `/runs/{id}` shows.
    struct Entry: Sendable, Codable, Equatable {
        var id: String
        /// `job` or `inbox`.
        var kind: String
        /// The job's name or the inbox file's.
        var name: String
        /// `queued`, `running`, `succeeded`, `failed` or `interrupted`.
        var state: String
        var started: String?
        var finished: String?
        var records = 0
        var errors = 0
        var skipped = 0
        var message: String?
    }

    private struct Storage {
        var entries: [String: Entry] = [:]
        var finishedOrder: [String] = []
    }

    private let storage = Mutex(Storage())
    /// Finished runs kept; older ones are forgotten (their output stays on disk).
    private let keepFinished = 1000

    func queued(id: String, kind: String, name: String) {
        storage.withLock { $0.entries[id] = Entry(id: id, kind: kind, name: name, state: "queued") }
    }

    func started(id: String, kind: String, name: String) {
        storage.withLock { $0.entries[id] = Entry(id: id, kind: kind, name: name, state: "running", started: Timestamp.now.description) }
    }

    /// Live counts from a run's progress callback.
    func progress(id: String, _ summary: RunSummary) {
        storage.withLock { storage in
            storage.entries[id]?.records = summary.records
            storage.entries[id]?.errors = summary.errors
            storage.entries[id]?.skipped = summary.skipped
        }
    }

    func finished(id: String, state: String, records: Int, errors: Int, skipped: Int, message: String?) {
        storage.withLock { storage in
            guard var entry = storage.entries[id] else { return }
            entry.state = state
            entry.finished = Timestamp.now.description
            entry.records = records
            entry.errors = errors
            entry.skipped = skipped
            entry.message = message
            storage.entries[id] = entry
            storage.finishedOrder.append(id)
            if storage.finishedOrder.count > keepFinished {
                storage.entries.removeValue(forKey: storage.finishedOrder.removeFirst())
            }
        }
    }

    subscript(id: String) -> Entry? { storage.withLock { $0.entries[id] } }
}
