import Logging
import ScrapeCore
import ServiceLifecycle
import ScrapeBase

/// Runs the config file's jobs on their `every:` schedules, as a service.
///
/// The decisions (what is due, what is skipped, what a trigger or a reload does) are
/// ``JobTable``'s, a value kept under a lock; this service supplies the time and acts on
/// them. One loop starts the runs; each run is a child task of its task group, so shutdown
/// waits for runs in flight. A job never overlaps itself: when it falls due while its
/// last run is still going, that turn is skipped and counted. At start, a run left
/// unfinished by the last process is resumed at once, `at_start: true` jobs run at once,
/// and the others run `every` after their last start (or after `every` from now when
/// they never ran). Jobs without `every:` run only when asked (`POST /jobs/NAME/run`).
final class JobScheduler: Service, Sendable {
    /// A job as `/jobs` shows it (keys in snake_case: ``DaemonJSON``).
    struct JobInfo: Sendable, Codable {
        /// What the job reads: a URL list, a site to crawl, an API or a WebSocket stream.
        enum JobType: String, Sendable, Codable {
            case scrape
            case crawl
            case api
            case ws
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
        /// A `ws:` job's stream: connected since, messages, last close.
        var stream: StreamJobs.Info?
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

    private enum Event: Sendable {
        case wake
        case shutdown
    }

    typealias TriggerResult = JobTable<ContinuousClock.Instant>.TriggerResult

    private let table: Locked<JobTable<ContinuousClock.Instant>>
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
        let wallNow = JobRunner.unixSeconds
        let table = JobTable(jobs: jobs, saved: store.snapshot.jobs, now: ContinuousClock.now) { lastRun in
            .milliseconds(Int64((wallNow - lastRun.started) * 1000))
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
                    let running = table.withLock { $0.stop() }
                    if shuttingDown, running == 0 { break }
                    continue
                }
                let now = ContinuousClock.now
                if let instant = armed, instant <= now { armed = nil }
                let (starts, skips) = table.withLock { $0.takeDue(now: now) }
                if !skips.isEmpty { recordSkips(skips) }
                for start in starts {
                    group.addTask {
                        let ancestors = self.table.withLock { $0.ancestors(of: start.job) }
                        _ = await self.runner.run(
                            start.job, keyPath: start.keyPath, id: start.id, number: start.number, resuming: start.resume, ancestors: ancestors)
                        self.table.withLock { $0.finished(start.id) }
                        self.continuation.yield(.wake)
                    }
                }
                if let earliest = table.withLock({ $0.earliestDue }), armed.map({ earliest < $0 }) ?? true {
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
        let result = table.withLock { $0.trigger(name, draining: draining) }
        if case .started(let id) = result {
            runner.context.registry.queued(id: id, kind: .job, name: name)
            continuation.yield(.wake)
        }
        return result
    }

    /// Applies a reloaded `jobs:` list: new jobs are scheduled, removed ones stop being
    /// scheduled (a run in flight finishes), changed schedules count from the last start.
    func apply(_ jobs: [ScrapeConfiguration.Job]) {
        let saved = store.snapshot.jobs
        table.withLock { $0.apply(jobs, saved: saved, now: .now) }
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
                let type: JobInfo.JobType =
                    switch entry.job.source {
                    case .api: .api
                    case .scrape: .scrape
                    case .crawl: .crawl
                    case .stream: .ws
                    }
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
