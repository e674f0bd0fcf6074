import Logging
import ScrapeCore
import ServiceLifecycle
import ScrapeBase

/// Runs the config file's jobs on their `every:` schedules, as a service.
///
/// One loop owns the decisions; each run is a child task of its task group, so shutdown
/// waits for runs in flight. A job never overlaps itself: when it falls due while its
/// last run is still going, that turn is skipped and counted. At start, a run left
/// unfinished by the last process is resumed at once, `at_start: true` jobs run at once,
/// and the others run `every` after their last start (or after `every` from now when
/// they never ran). Jobs without `every:` run only when asked (`POST /jobs/NAME/run`).
final class JobScheduler: Service, Sendable {
    /// What the control server gets back from ``trigger(_:)``.
    enum TriggerResult: Sendable, Equatable {
        case started(id: String)
        case alreadyRunning(id: String)
        case unknownJob
        case shuttingDown
    }

    /// A job as `/jobs` shows it (keys in snake_case: ``DaemonJSON``).
    struct JobInfo: Sendable, Codable {
        /// What the job reads: a URL list or an API.
        enum JobType: String, Sendable, Codable {
            case scrape
            case api
        }

        /// Whether one of the job's runs is going.
        enum Activity: String, Sendable, Codable {
            case idle
            case running
        }

        var name: String
        var type: JobType
        var every: String?
        var atStart: Bool
        var state: Activity
        var runningRun: String?
        var nextRun: String?
        var runs: Int
        var skipped: Int
        var lastRun: LastRun?
        var lastSuccess: String?
    }

    struct LastRun: Sendable, Codable {
        var id: String
        var outcome: RunState
        var started: String
        var finished: String?
        var records: Int
        var errors: Int
        var skipped: Int
        var message: String?
    }

    private struct Entry {
        var job: ScrapeConfiguration.Job
        var keyPath: String
        var next: ContinuousClock.Instant?
        var lastStart: ContinuousClock.Instant?
        /// The id of the run going now, or about to start.
        var running: String?
        var startRequested = false
        var resume: DaemonState.Unfinished?
        /// Runs started, ever; ids are numbered from it before the runner persists them.
        /// (Skipped turns are counted in the state file only.)
        var runs: Int
    }

    private struct Table {
        var entries: [Entry] = []
        var stopping = false

        var runningCount: Int { entries.count(where: { $0.running != nil }) }
    }

    private enum Event: Sendable {
        case wake
        case shutdown
    }

    private let table: Locked<Table>
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let runner: JobRunner
    private let store: StateStore
    private let logger: Logger

    init(jobs: [ScrapeConfiguration.Job], runner: JobRunner, store: StateStore, logger: Logger) {
        self.runner = runner
        self.store = store
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let now = ContinuousClock.now
        let wallNow = JobRunner.unixSeconds
        var table = Table()
        for (index, job) in jobs.enumerated() {
            let saved = store.job(job.name)
            var entry = Entry(job: job, keyPath: "jobs[\(index)]", runs: saved.runs)
            if let unfinished = saved.unfinished {
                entry.next = now
                entry.resume = unfinished
            } else if job.atStart {
                entry.next = now
            } else if let every = job.every {
                let sinceLast = saved.lastRun.map { Duration.milliseconds(Int64((wallNow - $0.started) * 1000)) }
                entry.next = now + max(.zero, every - (sinceLast ?? .zero))
            }
            table.entries.append(entry)
        }
        self.table = Locked(table)
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            self.continuation.yield(.shutdown)
        }
    }

    private func loop() async {
        await withDiscardingTaskGroup { group in
            var armed: ContinuousClock.Instant?
            continuation.yield(.wake)
            var shuttingDown = false
            for await event in events {
                if case .shutdown = event { shuttingDown = true }
                // The drain starts at the signal, before the group reaches this service: start
                // nothing new from then on, but return only when the group asks (returning
                // early would end the group while the inbox still drains).
                if shuttingDown || runner.context.drain.isDraining {
                    let running = table.withLock { table in
                        table.stopping = true
                        return table.runningCount
                    }
                    if shuttingDown, running == 0 { break }
                    continue
                }
                let now = ContinuousClock.now
                if let instant = armed, instant <= now { armed = nil }
                let (starts, skips) = takeDue(now: now)
                if !skips.isEmpty { recordSkips(skips) }
                for start in starts {
                    group.addTask {
                        _ = await self.runner.run(start.job, keyPath: start.keyPath, id: start.id, number: start.number, resuming: start.resume)
                        self.table.withLock { table in
                            if let index = table.entries.firstIndex(where: { $0.running == start.id }) { table.entries[index].running = nil }
                        }
                        self.continuation.yield(.wake)
                    }
                }
                if let earliest = table.withLock({ $0.entries.compactMap(\.next).min() }), armed.map({ earliest < $0 }) ?? true {
                    armed = earliest
                    let continuation = self.continuation
                    group.addTask {
                        try? await Task.sleep(until: earliest, clock: .continuous)
                        continuation.yield(.wake)
                    }
                }
            }
            group.cancelAll()  // only sleeping timers are left
        }
        logger.debug("job scheduler stopped")
    }

    private struct Start: Sendable {
        var job: ScrapeConfiguration.Job
        var keyPath: String
        var id: String
        var number: Int
        var resume: DaemonState.Unfinished?
    }

    /// Takes the runs to start now, and the jobs whose turn is skipped because they are running.
    private func takeDue(now: ContinuousClock.Instant) -> ([Start], [String]) {
        table.withLock { table in
            var starts: [Start] = []
            var skips: [String] = []
            for index in table.entries.indices {
                var entry = table.entries[index]
                if let next = entry.next, next <= now {
                    if entry.running != nil {
                        skips.append(entry.job.name)
                        // Skip every turn that has passed, then wait for the next one.
                        if let every = entry.job.every {
                            while let due = entry.next, due <= now { entry.next = due + every }
                        } else {
                            entry.next = nil
                        }
                    } else {
                        entry.runs += 1
                        entry.running = entry.resume?.id ?? "\(entry.job.name)-\(entry.runs)"
                        entry.startRequested = true
                        entry.next = entry.job.every.map { now + $0 }
                    }
                }
                if entry.startRequested, let id = entry.running {
                    entry.startRequested = false
                    entry.lastStart = now
                    starts.append(Start(job: entry.job, keyPath: entry.keyPath, id: id, number: entry.runs, resume: entry.resume))
                    entry.resume = nil
                }
                table.entries[index] = entry
            }
            return (starts, skips)
        }
    }

    private func recordSkips(_ names: [String]) {
        for name in names {
            logger.warning("job run skipped: the previous run is still going", metadata: ["job": "\(name)"])
        }
        do {
            try store.update { state in
                for name in names { state.jobs[name, default: .init()].skipped += 1 }
            }
        } catch {
            logger.error("cannot save the daemon state", metadata: ["error": "\(error)"])
        }
    }

    /// Starts `name` now unless it is running (`POST /jobs/NAME/run`).
    func trigger(_ name: String) -> TriggerResult {
        let draining = runner.context.drain.isDraining
        let result = table.withLock { table -> TriggerResult in
            guard !table.stopping, !draining else { return .shuttingDown }
            guard let index = table.entries.firstIndex(where: { $0.job.name == name }) else { return .unknownJob }
            if let id = table.entries[index].running { return .alreadyRunning(id: id) }
            table.entries[index].runs += 1
            let id = "\(name)-\(table.entries[index].runs)"
            table.entries[index].running = id
            table.entries[index].startRequested = true
            return .started(id: id)
        }
        if case .started(let id) = result {
            runner.context.registry.queued(id: id, kind: .job, name: name)
            continuation.yield(.wake)
        }
        return result
    }

    /// Applies a reloaded `jobs:` list: new jobs are scheduled, removed ones stop being
    /// scheduled (a run in flight finishes), changed schedules count from the last start.
    func apply(_ jobs: [ScrapeConfiguration.Job]) {
        let now = ContinuousClock.now
        table.withLock { table in
            var entries: [Entry] = []
            for (index, job) in jobs.enumerated() {
                if var entry = table.entries.first(where: { $0.job.name == job.name }) {
                    if entry.job.every != job.every {
                        entry.next = job.every.map { (entry.lastStart ?? now) + $0 }
                        if let next = entry.next, next < now { entry.next = now }
                    }
                    entry.job = job
                    entry.keyPath = "jobs[\(index)]"
                    entries.append(entry)
                } else {
                    let saved = store.job(job.name)
                    var entry = Entry(job: job, keyPath: "jobs[\(index)]", runs: saved.runs)
                    entry.next = job.atStart ? now : job.every.map { now + $0 }
                    entries.append(entry)
                }
            }
            // A removed job's run in flight keeps its entry, unscheduled, until it ends.
            for var entry in table.entries where entry.running != nil && !jobs.contains(where: { $0.name == entry.job.name }) {
                entry.next = nil
                entries.append(entry)
            }
            table.entries = entries
        }
        continuation.yield(.wake)
    }

    /// The jobs as `/jobs` shows them.
    func snapshot() -> [JobInfo] {
        let now = ContinuousClock.now
        let wallNow = Timestamp.now
        let state = store.snapshot
        return table.withLock { table in
            table.entries.map { entry in
                let saved = state.jobs[entry.job.name] ?? .init()
                let next = entry.next.map { instant -> String in
                    Timestamp(millisecondsSinceEpoch: wallNow.millisecondsSinceEpoch + max(0, (instant - now).inMilliseconds)).description
                }
                let type: JobInfo.JobType = if case .api = entry.job.source { .api } else { .scrape }
                return JobInfo(
                    name: entry.job.name, type: type, every: entry.job.every?.configDescription, atStart: entry.job.atStart,
                    state: entry.running == nil ? .idle : .running, runningRun: entry.running, nextRun: next,
                    runs: entry.runs, skipped: saved.skipped,
                    lastRun: saved.lastRun.map(Self.lastRun), lastSuccess: saved.lastSuccess.map(Self.timestamp)
                )
            }
        }
    }

    /// A past or present job run by id (`/runs/{id}` for job runs of earlier processes).
    func savedRun(_ id: String) -> DaemonState.Run? {
        store.snapshot.jobs.values.compactMap(\.lastRun).first { $0.id == id }
    }

    static func lastRun(_ run: DaemonState.Run) -> LastRun {
        LastRun(
            id: run.id, outcome: run.outcome, started: timestamp(run.started), finished: run.finished.map(timestamp),
            records: run.records, errors: run.errors, skipped: run.skipped, message: run.message
        )
    }

    static func timestamp(_ seconds: Double) -> String {
        Timestamp(millisecondsSinceEpoch: Int64(seconds * 1000)).description
    }
}
