import ScrapeCore

/// The job scheduler's decisions, as a value: which jobs are due, which turns are skipped,
/// which queued runs start, what `POST /jobs/NAME/run` does, how a reload changes the
/// schedule.
///
/// Every run, scheduled, asked for or resumed, is first a ``QueuedRun``; it starts when
/// fewer than `daemon.max_concurrent_runs` runs are going and it comes first in the
/// queue's order (priority, aged by waiting, then due time: `JobTable+Queue.swift`). A job
/// has at most one run going and one queued, and never runs twice at once: a turn that
/// falls due while it runs is skipped (`overlap: skip`) or queued behind the running run
/// (`overlap: queue`); a turn that falls due while a run of it is queued joins that run
/// and is counted as skipped. `ws:` jobs are streams: they are never queued.
///
/// No clock, no I/O, no lock: ``JobScheduler`` keeps one under a lock, passes in the time
/// and acts on what comes back (starts runs, shows queued ones, counts skips), as the
/// scraper's scheduler does with `HostQueues`. Tests drive it with `MockClock` instants.
struct JobTable<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// One configured job and where it stands.
    struct Entry: Sendable {
        var job: ScrapeConfiguration.Job
        /// `jobs[N]` in the config file, for error messages.
        var keyPath: String
        /// When it is due next; nil when it runs only when asked.
        var next: Instant?
        var lastStart: Instant?
        /// The id of the run going now.
        var running: String?
        /// The run waiting for a slot (under `overlap: queue`, maybe for ``running`` to end).
        var queued: QueuedRun?
        /// The unfinished run of an earlier process, resumed by the next run queued.
        var resume: DaemonState.Unfinished?
        /// Runs decided, ever; ids are numbered from it. (Skipped turns are counted in the
        /// state file only.)
        var runs: Int

        var isStream: Bool {
            if case .stream = job.source { true } else { false }
        }

        /// Queues the job's next run, due at `due`; the caller has checked there is none.
        mutating func enqueue(due: Instant) -> QueuedRun {
            runs += 1
            let run = QueuedRun(id: resume?.id ?? "\(job.name)-\(runs)", number: runs, due: due, resume: resume)
            resume = nil
            queued = run
            return run
        }
    }

    /// A run decided and not started.
    struct QueuedRun: Sendable, Equatable {
        var id: String
        var number: Int
        /// When it became due: its turn, or the moment it was asked for. Ties of priority go
        /// to the earlier, and waiting ages its priority from here.
        var due: Instant
        var resume: DaemonState.Unfinished?
    }

    /// A run to start now.
    struct Start: Sendable {
        var job: ScrapeConfiguration.Job
        var keyPath: String
        var id: String
        var number: Int
        var resume: DaemonState.Unfinished?
    }

    /// What ``takeDue(now:)`` decided.
    struct Due: Sendable {
        /// Runs to start now, in the queue's order.
        var starts: [Start] = []
        /// Runs that became due and must wait for a slot (or for their job's running run).
        var queued: [(id: String, job: String)] = []
        /// Jobs whose turn came while a run of theirs was going (`overlap: skip`) or queued.
        var skipped: [String] = []
    }

    /// What ``trigger(_:draining:now:)`` decided.
    enum TriggerResult: Sendable, Equatable {
        /// A new run is queued; it starts at once when a slot is free (202).
        case queued(id: String)
        /// `overlap: queue`: a run of the job waits already; the request is served by it (202).
        case joined(id: String)
        /// `overlap: skip`: a run of the job waits already (409).
        case alreadyQueued(id: String)
        /// `overlap: skip`: the job is running (409).
        case alreadyRunning(id: String)
        /// A `ws:` job: a stream, with no runs to start (409).
        case stream
        case unknownJob
        case shuttingDown
    }

    private(set) var entries: [Entry] = []
    /// Set by ``stop()``: nothing starts or queues any more.
    private(set) var stopping = false
    /// `daemon.max_concurrent_runs`: runs going at once, at most.
    private(set) var maxConcurrentRuns: Int

    var runningCount: Int { entries.count(where: { $0.running != nil }) }

    /// The earliest instant any job is due.
    var earliestDue: Instant? { entries.compactMap(\.next).min() }

    /// The schedule at start: an unfinished run resumes at once, `at_start` jobs run at
    /// once, the others `every` after their last start (`sinceLastStart` of it, measured on
    /// the wall clock across restarts), or `every` from now when they never ran.
    init(
        jobs: [ScrapeConfiguration.Job], saved: [String: DaemonState.Job], now: Instant,
        maxConcurrentRuns: Int = ScrapeConfiguration.Daemon().maxConcurrentRuns, sinceLastStart: (DaemonState.Run) -> Duration
    ) {
        self.maxConcurrentRuns = max(1, maxConcurrentRuns)
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

    /// Queues the runs whose turn has come, counts the turns that find a run of their job
    /// going or queued, and takes the queued runs that may start now.
    mutating func takeDue(now: Instant) -> Due {
        guard !stopping else { return Due() }
        var due = Due()
        for index in entries.indices {
            guard let turn = entries[index].next, turn <= now, !entries[index].isStream else { continue }
            var entry = entries[index]
            if entry.queued != nil || (entry.running != nil && entry.job.overlap == .skip) {
                due.skipped.append(entry.job.name)
                // Skip every turn that has passed, then wait for the next one.
                if let every = entry.job.every {
                    while let next = entry.next, next <= now { entry.next = next.advanced(by: every) }
                } else {
                    entry.next = nil
                }
            } else {
                let run = entry.enqueue(due: turn)
                due.queued.append((run.id, entry.job.name))
                entry.next = entry.job.every.map { now.advanced(by: $0) }
            }
            entries[index] = entry
        }
        due.starts = startQueued(now: now)
        let started = Set(due.starts.map(\.id))
        due.queued.removeAll { started.contains($0.id) }
        return due
    }

    /// Starts queued runs, first in the queue's order first, while slots are free; a run
    /// whose job is still running waits (a job never overlaps itself).
    private mutating func startQueued(now: Instant) -> [Start] {
        var free = maxConcurrentRuns - runningCount
        var starts: [Start] = []
        for index in queueOrder(now: now) {
            guard free > 0 else { break }
            guard entries[index].running == nil, let run = entries[index].queued else { continue }
            entries[index].queued = nil
            entries[index].running = run.id
            entries[index].lastStart = now
            let entry = entries[index]
            starts.append(Start(job: entry.job, keyPath: entry.keyPath, id: run.id, number: run.number, resume: run.resume))
            free -= 1
        }
        return starts
    }

    /// Asks for a run of `name` (`POST /jobs/NAME/run`); ``takeDue(now:)`` starts it when
    /// its turn in the queue comes.
    mutating func trigger(_ name: String, draining: Bool, now: Instant) -> TriggerResult {
        guard !stopping, !draining else { return .shuttingDown }
        guard let index = entries.firstIndex(where: { $0.job.name == name }) else { return .unknownJob }
        let entry = entries[index]
        guard !entry.isStream else { return .stream }
        if let waiting = entry.queued {
            return entry.job.overlap == .queue ? .joined(id: waiting.id) : .alreadyQueued(id: waiting.id)
        }
        if let running = entry.running, entry.job.overlap == .skip { return .alreadyRunning(id: running) }
        return .queued(id: entries[index].enqueue(due: now).id)
    }

    /// The jobs `job` takes its `resolve:` values from: its parent, the parent's parent and
    /// so on (``JobLineage`` walks the chain), with their key paths.
    func ancestors(of job: ScrapeConfiguration.Job) -> [(job: ScrapeConfiguration.Job, keyPath: String)] {
        // `job` as the run took it (a reload since may have changed its entry), then the table.
        JobLineage([job] + entries.map(\.job)).ancestors(of: 0).map { (entries[$0 - 1].job, entries[$0 - 1].keyPath) }
    }

    /// Run `id` ended; its job may start again (its queued run first, under `overlap: queue`).
    mutating func finished(_ id: String) {
        if let index = entries.firstIndex(where: { $0.running == id }) { entries[index].running = nil }
    }

    /// Stops starting and queueing runs, and empties the queue: a queued run never started,
    /// so it has nothing to resume. Returns how many runs are still going and the ids of the
    /// queued runs dropped (empty on later calls).
    mutating func stop() -> (running: Int, dropped: [String]) {
        stopping = true
        var dropped: [String] = []
        for index in entries.indices {
            if let run = entries[index].queued { dropped.append(run.id) }
            entries[index].queued = nil
        }
        return (runningCount, dropped)
    }

    /// Applies a reloaded `jobs:` list (and `daemon.max_concurrent_runs`, when given): new
    /// jobs are scheduled, removed ones stop being scheduled (a run in flight keeps its
    /// entry, unscheduled, until it ends), changed schedules count from the last start, and
    /// new priorities apply to runs already queued. Returns the ids of queued runs dropped
    /// because their job is gone (or is now a `ws:` stream).
    @discardableResult
    mutating func apply(
        _ jobs: [ScrapeConfiguration.Job], saved: [String: DaemonState.Job], now: Instant, maxConcurrentRuns: Int? = nil
    ) -> [String] {
        if let maxConcurrentRuns { self.maxConcurrentRuns = max(1, maxConcurrentRuns) }
        var updated: [Entry] = []
        var dropped: [String] = []
        for (index, job) in jobs.enumerated() {
            if var entry = entries.first(where: { $0.job.name == job.name }) {
                if entry.job.every != job.every {
                    entry.next = job.every.map { (entry.lastStart ?? now).advanced(by: $0) }
                    if let next = entry.next, next < now { entry.next = now }
                }
                entry.job = job
                entry.keyPath = "jobs[\(index)]"
                if entry.isStream, let run = entry.queued {
                    dropped.append(run.id)
                    entry.queued = nil
                }
                updated.append(entry)
            } else {
                var entry = Entry(job: job, keyPath: "jobs[\(index)]", runs: saved[job.name]?.runs ?? 0)
                entry.next = job.atStart ? now : job.every.map { now.advanced(by: $0) }
                updated.append(entry)
            }
        }
        for var entry in entries where !jobs.contains(where: { $0.name == entry.job.name }) {
            if let run = entry.queued { dropped.append(run.id) }
            entry.queued = nil
            entry.next = nil
            if entry.running != nil { updated.append(entry) }
        }
        entries = updated
        return dropped
    }
}
