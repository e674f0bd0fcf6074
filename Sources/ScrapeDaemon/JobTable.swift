import ScrapeCore

/// The job scheduler's decisions, as a value: which jobs are due, which turns are skipped,
/// what `POST /jobs/NAME/run` does, how a reload changes the schedule.
///
/// No clock, no I/O, no lock: ``JobScheduler`` keeps one under a lock, passes in the time
/// and acts on what comes back (starts runs, counts skips), as the scraper's scheduler
/// does with `HostQueues`. Tests drive it with `MockClock` instants.
struct JobTable<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// One configured job and where it stands.
    struct Entry: Sendable {
        var job: ScrapeConfiguration.Job
        /// `jobs[N]` in the config file, for error messages.
        var keyPath: String
        /// When it is due next; nil when it runs only when asked.
        var next: Instant?
        var lastStart: Instant?
        /// The id of the run going now, or about to start.
        var running: String?
        /// A run was decided (due or triggered) and not yet handed out by ``takeDue(now:)``.
        var startRequested = false
        /// The unfinished run of an earlier process, resumed by the next start.
        var resume: DaemonState.Unfinished?
        /// Runs started, ever; ids are numbered from it. (Skipped turns are counted in the
        /// state file only.)
        var runs: Int
    }

    /// A run to start now.
    struct Start: Sendable {
        var job: ScrapeConfiguration.Job
        var keyPath: String
        var id: String
        var number: Int
        var resume: DaemonState.Unfinished?
    }

    /// What ``trigger(_:draining:)`` decided.
    enum TriggerResult: Sendable, Equatable {
        case started(id: String)
        case alreadyRunning(id: String)
        case unknownJob
        case shuttingDown
    }

    private(set) var entries: [Entry] = []
    /// Set by ``stop()``: nothing starts any more.
    private(set) var stopping = false

    var runningCount: Int { entries.count(where: { $0.running != nil }) }

    /// The earliest instant any job is due.
    var earliestDue: Instant? { entries.compactMap(\.next).min() }

    /// The schedule at start: an unfinished run resumes at once, `at_start` jobs run at
    /// once, the others `every` after their last start (`sinceLastStart` of it, measured on
    /// the wall clock across restarts), or `every` from now when they never ran.
    init(jobs: [ScrapeConfiguration.Job], saved: [String: DaemonState.Job], now: Instant, sinceLastStart: (DaemonState.Run) -> Duration) {
        for (index, job) in jobs.enumerated() {
            let history = saved[job.name] ?? .init()
            var entry = Entry(job: job, keyPath: "jobs[\(index)]", runs: history.runs)
            if let unfinished = history.unfinished {
                entry.next = now
                entry.resume = unfinished
            } else if job.atStart {
                entry.next = now
            } else if let every = job.every {
                let since = history.lastRun.map(sinceLastStart) ?? .zero
                entry.next = now.advanced(by: max(.zero, every - since))
            }
            entries.append(entry)
        }
    }

    /// Takes the runs to start now, and the names of the jobs whose turn came while their
    /// last run was still going (that turn is skipped: a job never overlaps itself).
    mutating func takeDue(now: Instant) -> (starts: [Start], skipped: [String]) {
        guard !stopping else { return ([], []) }
        var starts: [Start] = []
        var skipped: [String] = []
        for index in entries.indices {
            var entry = entries[index]
            if let next = entry.next, next <= now {
                if entry.running != nil {
                    skipped.append(entry.job.name)
                    // Skip every turn that has passed, then wait for the next one.
                    if let every = entry.job.every {
                        while let due = entry.next, due <= now { entry.next = due.advanced(by: every) }
                    } else {
                        entry.next = nil
                    }
                } else {
                    entry.runs += 1
                    entry.running = entry.resume?.id ?? "\(entry.job.name)-\(entry.runs)"
                    entry.startRequested = true
                    entry.next = entry.job.every.map { now.advanced(by: $0) }
                }
            }
            if entry.startRequested, let id = entry.running {
                entry.startRequested = false
                entry.lastStart = now
                starts.append(Start(job: entry.job, keyPath: entry.keyPath, id: id, number: entry.runs, resume: entry.resume))
                entry.resume = nil
            }
            entries[index] = entry
        }
        return (starts, skipped)
    }

    /// Asks for a run of `name` now (`POST /jobs/NAME/run`); ``takeDue(now:)`` hands it out.
    mutating func trigger(_ name: String, draining: Bool) -> TriggerResult {
        guard !stopping, !draining else { return .shuttingDown }
        guard let index = entries.firstIndex(where: { $0.job.name == name }) else { return .unknownJob }
        if let id = entries[index].running { return .alreadyRunning(id: id) }
        entries[index].runs += 1
        let id = "\(name)-\(entries[index].runs)"
        entries[index].running = id
        entries[index].startRequested = true
        return .started(id: id)
    }

    /// The jobs `job` takes its `resolve:` values from: its parent, the parent's parent and
    /// so on (``JobLineage`` walks the chain), with their key paths.
    func ancestors(of job: ScrapeConfiguration.Job) -> [(job: ScrapeConfiguration.Job, keyPath: String)] {
        // `job` as the run took it (a reload since may have changed its entry), then the table.
        JobLineage([job] + entries.map(\.job)).ancestors(of: 0).map { (entries[$0 - 1].job, entries[$0 - 1].keyPath) }
    }

    /// Run `id` ended; its job may start again.
    mutating func finished(_ id: String) {
        if let index = entries.firstIndex(where: { $0.running == id }) { entries[index].running = nil }
    }

    /// Stops starting runs; returns how many are still going.
    mutating func stop() -> Int {
        stopping = true
        return runningCount
    }

    /// Applies a reloaded `jobs:` list: new jobs are scheduled, removed ones stop being
    /// scheduled (a run in flight keeps its entry, unscheduled, until it ends), changed
    /// schedules count from the last start.
    mutating func apply(_ jobs: [ScrapeConfiguration.Job], saved: [String: DaemonState.Job], now: Instant) {
        var updated: [Entry] = []
        for (index, job) in jobs.enumerated() {
            if var entry = entries.first(where: { $0.job.name == job.name }) {
                if entry.job.every != job.every {
                    entry.next = job.every.map { (entry.lastStart ?? now).advanced(by: $0) }
                    if let next = entry.next, next < now { entry.next = now }
                }
                entry.job = job
                entry.keyPath = "jobs[\(index)]"
                updated.append(entry)
            } else {
                var entry = Entry(job: job, keyPath: "jobs[\(index)]", runs: saved[job.name]?.runs ?? 0)
                entry.next = job.atStart ? now : job.every.map { now.advanced(by: $0) }
                updated.append(entry)
            }
        }
        for var entry in entries where entry.running != nil && !jobs.contains(where: { $0.name == entry.job.name }) {
            entry.next = nil
            updated.append(entry)
        }
        entries = updated
    }
}
