import Logging
import ScrapeCore
import ServiceLifecycle
import ScrapeBase

/// Runs the config file's jobs on their `every:` schedules, as a service.
///
/// The decisions (what is due, what is skipped, what waits in the run queue and what
/// starts, what a trigger or a reload does) are ``JobTable``'s, a value kept under a lock;
/// this service supplies the time and acts on them. One loop starts the runs; each run is
/// a child task of its task group, so shutdown waits for runs in flight. At most
/// `daemon.max_concurrent_runs` runs go at once; the others wait, higher `priority` first
/// (`JobTable+Queue.swift`). A job never overlaps itself: when it falls due while its last
/// run is still going, that turn is skipped and counted (`overlap: skip`) or run once
/// after it (`overlap: queue`). At start, a run left unfinished by the last process is
/// resumed first, `at_start: true` jobs run at once, and the others run `every` after
/// their last start (or after `every` from now when they never ran). Jobs without `every:`
/// run only when asked (`POST /jobs/NAME/run`). A run still queued when the drain begins
/// never starts (``RunState/cancelled``).
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

        /// Whether one of the job's runs is going or waiting for a slot.
        enum Activity: String, Sendable, Codable {
            case idle
            /// A run of it waits in the run queue.
            case queued
            case running
        }

        var name: String
        var type: JobType
        var every: String?
        var atStart: Bool
        /// `priority` and `overlap`; nil for a `ws:` job, which has no runs.
        var priority: Int?
        var overlap: String?
        var state: Activity
        var runningRun: String?
        /// The run waiting in the queue (under `overlap: queue`, maybe behind `running_run`).
        var queuedRun: String?
        /// Its place in the run queue: 1 starts at the next free slot.
        var position: Int?
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

    init(
        jobs: [ScrapeConfiguration.Job], maxConcurrentRuns: Int = ScrapeConfiguration.Daemon().maxConcurrentRuns, runner: JobRunner,
        store: StateStore, logger: Logger
    ) {
        self.runner = runner
        self.store = store
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let wallNow = JobRunner.unixSeconds
        let table = JobTable(jobs: jobs, saved: store.snapshot.jobs, now: ContinuousClock.now, maxConcurrentRuns: maxConcurrentRuns) { lastRun in
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
                    let (running, dropped) = table.withLock { $0.stop() }
                    cancel(dropped, reason: "not started: the daemon began to stop first (a scheduled job's turn comes again after the restart)")
                    if shuttingDown, running == 0 { break }
                    continue
                }
                let now = ContinuousClock.now
                if let instant = armed, instant <= now { armed = nil }
                let due = table.withLock { $0.takeDue(now: now) }
                if !due.skipped.isEmpty { recordSkips(due.skipped) }
                for run in due.queued { queued(run.id, job: run.job) }
                for start in due.starts {
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
            logger.warning("job turn skipped: a run of it is still going or queued", metadata: ["job": "\(name)"])
        }
        do {
            try store.update { state in
                for name in names { state.jobs[name, default: .init()].skipped += 1 }
            }
        } catch {
            logger.error("cannot save the daemon state", metadata: ["error": "\(error)"])
        }
    }

    /// A run now waits in the queue: `/runs/ID` shows it, the log says where.
    private func queued(_ id: String, job: String) {
        runner.context.registry.queued(id: id, kind: .job, name: job)
        let position = table.withLock { $0.queue(now: .now).first { $0.id == id }?.position }
        logger.info("job run queued", metadata: ["job": "\(job)", "run": "\(id)", "position": "\(position.map(String.init) ?? "-")"])
    }

    /// Queued runs that will never start.
    private func cancel(_ ids: [String], reason: String) {
        for id in ids {
            runner.context.registry.cancelled(id: id, reason: reason)
            logger.info("queued job run cancelled", metadata: ["run": "\(id)", "reason": "\(reason)"])
        }
    }

    /// Queues a run of `name` (`POST /jobs/NAME/run`) unless `overlap:` refuses it.
    func trigger(_ name: String) -> TriggerResult {
        let draining = runner.context.drain.isDraining
        let result = table.withLock { $0.trigger(name, draining: draining, now: .now) }
        if case .queued(let id) = result {
            runner.context.registry.queued(id: id, kind: .job, name: name)
            continuation.yield(.wake)
        }
        return result
    }

    /// Applies a reloaded `jobs:` list and `daemon.max_concurrent_runs`: new jobs are
    /// scheduled, removed ones stop being scheduled (a run in flight finishes, a queued one
    /// is cancelled), changed schedules count from the last start.
    func apply(_ jobs: [ScrapeConfiguration.Job], maxConcurrentRuns: Int? = nil) {
        let saved = store.snapshot.jobs
        let dropped = table.withLock { $0.apply(jobs, saved: saved, now: .now, maxConcurrentRuns: maxConcurrentRuns) }
        cancel(dropped, reason: "not started: its job was removed from the config (or became a ws: stream)")
        continuation.yield(.wake)
    }

    /// The queued job runs in the order they would start (`position` 1 first).
    func queue() -> [(id: String, job: String, position: Int)] {
        table.withLock { $0.queue(now: .now) }.map { ($0.id, $0.job, $0.position) }
    }

    /// The jobs as `/jobs` shows them.
    func snapshot() -> [JobInfo] {
        let now = ContinuousClock.now
        let wallNow = Timestamp.now
        let state = store.snapshot
        return table.withLock { table in
            let positions = Dictionary(uniqueKeysWithValues: table.queue(now: now).map { ($0.id, $0.position) })
            return table.entries.map { entry in
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
                let state: JobInfo.Activity = entry.running != nil ? .running : entry.queued != nil ? .queued : .idle
                let queued = entry.queued?.id
                return JobInfo(
                    name: entry.job.name, type: type, every: entry.job.every?.configDescription, atStart: entry.job.atStart,
                    priority: entry.isStream ? nil : entry.job.priority, overlap: entry.isStream ? nil : entry.job.overlap.rawValue,
                    state: state, runningRun: entry.running, queuedRun: queued, position: queued.flatMap { positions[$0] }, nextRun: next,
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
