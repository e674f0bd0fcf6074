import ScrapeCore
import ScrapeBase
import ScrapePages

/// Runs of this process, by id, for `GET /runs/{id}` and `GET /runs`: queued, running
/// (with live counts) and the most recent finished ones. Inbox runs of earlier processes
/// are answered from the inbox folders instead (``Inbox/status(of:)``). A queued job run's
/// place in the queue changes with time, so ``Entry/position`` is filled in by the control
/// server when it answers, from the job table.
final class RunRegistry: Sendable {
    /// What `/runs/{id}` shows.
    struct Entry: Sendable, Codable, Equatable {
        var id: String
        var kind: RunKind
        /// The job's name or the inbox file's.
        var name: String
        var state: RunState
        var started: String?
        var finished: String?
        var records = 0
        var errors = 0
        var skipped = 0
        var message: String?
        /// A queued job run's place in the run queue: 1 starts at the next free slot.
        var position: Int?
        /// With a job's revisit: records of a 304, and records whose content changed (or
        /// whose URL is new); absent for runs that compare with nothing.
        var notModified: Int?
        var changed: Int?
    }

    private struct Storage {
        var entries: [String: Entry] = [:]
        var finishedOrder: [String] = []
    }

    private let storage = Locked(Storage())
    /// Finished runs kept; older ones are forgotten (their output stays on disk).
    private let keepFinished = 1000
    /// Told a one-line summary whenever a run starts or ends (systemd's `STATUS=`).
    private let onChange: @Sendable (String) -> Void

    init(onChange: @escaping @Sendable (String) -> Void = { _ in }) {
        self.onChange = onChange
    }

    /// `running pages-3, list-...; 2 queued; last: pages-2 succeeded, 20 records`.
    private static func statusLine(_ storage: Storage) -> String {
        let running = storage.entries.values.filter { $0.state == .running }.map(\.id).sorted()
        var line = running.isEmpty ? "idle" : "running \(running.joined(separator: ", "))"
        let queued = storage.entries.values.count { $0.state == .queued }
        if queued > 0 { line += "; \(queued) queued" }
        if let last = storage.finishedOrder.last.flatMap({ storage.entries[$0] }) {
            line += "; last: \(last.id) \(last.state.rawValue), \(last.records) records"
        }
        return line
    }

    /// A run now waits. Said after the decision, outside its lock: when the run has started
    /// in between, its entry is left as it is.
    func queued(id: String, kind: RunKind, name: String) {
        storage.withLock { storage in
            guard storage.entries[id]?.state != .running else { return }
            storage.entries[id] = Entry(id: id, kind: kind, name: name, state: .queued)
        }
    }

    func started(id: String, kind: RunKind, name: String) {
        let line = storage.withLock { storage in
            storage.entries[id] = Entry(id: id, kind: kind, name: name, state: .running, started: Timestamp.now.description)
            return Self.statusLine(storage)
        }
        onChange(line)
    }

    /// Live counts from a run's progress callback.
    func progress(id: String, _ summary: RunSummary) {
        storage.withLock { storage in
            storage.entries[id]?.records = summary.records
            storage.entries[id]?.errors = summary.errors
            storage.entries[id]?.skipped = summary.skipped
            storage.entries[id]?.notModified = summary.since?.notModified
            storage.entries[id]?.changed = summary.since?.changed
        }
    }

    func finished(id: String, state: RunState, records: Int, errors: Int, skipped: Int, message: String?) {
        let line = storage.withLock { storage -> String? in
            guard var entry = storage.entries[id] else { return nil }
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
            return Self.statusLine(storage)
        }
        if let line { onChange(line) }
    }

    /// A queued run that will never start (the daemon stops, or its job was removed): it
    /// ends as ``RunState/cancelled`` with `reason`.
    func cancelled(id: String, reason: String) {
        finished(id: id, state: .cancelled, records: 0, errors: 0, skipped: 0, message: reason)
    }

    subscript(id: String) -> Entry? { storage.withLock { $0.entries[id] } }

    /// The runs queued or running now, in no particular order.
    var active: [Entry] {
        storage.withLock { $0.entries.values.filter { $0.state == .queued || $0.state == .running } }
    }
}
