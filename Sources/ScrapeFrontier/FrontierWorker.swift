public import Logging
import PostgresNIO
import DequeModule
import ScrapeBase
public import ScrapeCore
public import ScrapeHTTP
import ScrapeResilience
import ScrapePages
import ScrapeCrawl

/// A fleet member: claims URLs of its jobs from the frontier in batches, fetches them with
/// the engine `scrape run` uses (``PagePipeline``: robots.txt, fetch, title, the same
/// records), and completes them in batches, each record in the transaction that marks
/// its URL done (docs/frontier.md, "How a worker works").
///
/// Its parts: a claim loop keeps URLs in hand a little ahead of the fetch slots and waits
/// for news (a NOTIFY, a freed slot, or the idle poll that also picks up due retries);
/// slot tasks fetch; a writer writes finished attempts on a connection of its own; a
/// lease loop renews the leases of URLs in hand and puts other workers' expired leases
/// back in the queue; a listener waits for NOTIFY on a third connection. The database
/// going away pauses the loops (``FrontierDatabase``); fetches in hand go on, and their
/// results wait to be written. Where the run is (working, stopping, draining, finished)
/// is decided by a value, ``StateMachine``; the loops act on what it returns.
public final class FrontierWorker: Sendable {
    /// What a worker works and how: from its ``ScrapeConfiguration/Frontier`` settings,
    /// whose defaults are the ones (``init(workerID:)``), and the pacing of its loops.
    public struct Options: Sendable {
        /// Who this worker is in `status` and in the records' `"worker"`.
        public var workerID: String
        /// The jobs to work; empty: every job in the frontier (looked up again when idle).
        public var jobs: [String]
        /// Fetches in flight.
        public var concurrency: Int
        /// Lease of a claimed URL; renewed every third of it while the fetch runs.
        public var lease: Duration
        /// Exit when no URL of the jobs is queued or leased anywhere.
        public var untilEmpty = false
        /// Client settings (timeouts, user agent, body limit, backoff, breaker). The job's
        /// stored settings decide per-host rate, per-host concurrency, retries and robots.txt.
        public var http = ScrapeConfiguration.HTTP()
        /// The worker's `login:` (its `--config` file's): each job it works logs in with it,
        /// in a session of its own in this worker, before its first page and again when a
        /// page shows the session ended. Nil: no login.
        public var login: ScrapeConfiguration.Login?
        /// How often an idle worker looks for retries come due and expired leases (new URLs
        /// wake it at once through NOTIFY).
        public var idlePoll: Duration = .seconds(2)
        /// How far ahead a host's request slot may be for its URL to be claimed now.
        public var horizon: Duration = .seconds(1)
        /// Longest a finished attempt waits to be written with others.
        public var flushInterval: Duration = .milliseconds(100)

        /// The defaults of ``ScrapeConfiguration/Frontier``, as `workerID`.
        public init(workerID: String) {
            let defaults = ScrapeConfiguration.Frontier()
            self.workerID = workerID
            jobs = defaults.jobs
            concurrency = defaults.concurrency
            lease = defaults.lease
        }

        /// A worker with `settings` (`daemon.frontier`, or `scrape frontier work`'s flags)
        /// and the client settings of `http`; without a `worker_id`, `HOSTNAME-PID`.
        public init(settings: ScrapeConfiguration.Frontier, http: ScrapeConfiguration.HTTP = .init()) {
            self.init(workerID: settings.workerID ?? FrontierWorker.defaultWorkerID())
            jobs = settings.jobs
            concurrency = settings.concurrency
            lease = settings.lease
            self.http = http
        }
    }

    /// What a worker did, for its exit line and the daemon's metrics.
    public struct Summary: Sendable, Equatable {
        public var claimed = 0
        /// Records written.
        public var completed = 0
        /// Records with an error.
        public var failed = 0
        /// Attempts put back in the queue with their backoff.
        public var retried = 0
        /// Completions discarded because the lease had been lost.
        public var leaseLosses = 0
        /// Expired leases (of any worker) this one put back in the queue.
        public var reclaimed = 0
    }

    /// Progress, as it happens.
    public enum Event: Sendable {
        case claimed(Int)
        case finished(completed: Int, failed: Int, retried: Int, leaseLosses: Int)
        case reclaimed(Int)
        case databaseLost(String)
        case databaseBack(String)
    }

    public let options: Options
    let store: FrontierStore
    private let logger: Logger
    private let onEvent: (@Sendable (Event) -> Void)?
    private let client: HTTPClient?
    private let doorbell = Doorbell()
    private let flushBell = Doorbell()
    private let state = Locked(WorkerState())

    /// - Parameters:
    ///   - client: the HTTP client to share (the daemon's); nil makes one for the run.
    public init(
        options: Options, store: FrontierStore, client: HTTPClient? = nil, logger: Logger = Logger(label: "scrape.frontier.worker"),
        onEvent: (@Sendable (Event) -> Void)? = nil
    ) {
        self.options = options
        self.store = store
        self.client = client
        self.logger = logger
        self.onEvent = onEvent
    }

    /// `HOSTNAME-PID`: a worker's name when none is given.
    public static func defaultWorkerID() -> String {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "worker"
        return "\(host)-\(getpid())"
    }

    /// Stops claiming; fetches in hand finish and are written, then ``run()`` returns.
    public func stop() {
        perform(state.withLock { $0.machine.stop() })
    }

    private func perform(_ action: StateMachine.StopAction) {
        switch action {
        case .wakeClaimLoop: doorbell.ring()
        case .none: break
        }
    }

    /// Works until stopped (or, with ``Options/untilEmpty``, until the jobs are done).
    ///
    /// Cancelling the task that runs it (the daemon's drain deadline) cancels the fetches
    /// in hand: they go unrecorded, their leases expire, and it returns the summary.
    ///
    /// - Throws: ``FrontierError``: the database stayed unreachable, refused a statement,
    ///   or a named job does not exist.
    public func run() async throws(FrontierError) -> Summary {
        try await store.requireCurrentSchema()
        let jobs = try await resolveJobs()
        state.withLock { $0.jobs = jobs }
        try await store.register(worker: options.workerID)
        let client: HTTPClient
        if let shared = self.client {
            client = shared
        } else {
            var http = options.http
            // Slots bound the transfers; the client's total is the connection cache, large
            // enough to keep connections to the hosts claims rotate through (at the slot
            // count, connections to one host were closed to open others: one TCP handshake
            // per request in `make bench-fleet`).
            http.concurrency = options.concurrency * 4
            // Claims keep each job's per-host limit for the fleet, so this worker never has
            // more to one host than the largest of them: connections per host to match.
            http.perHostConcurrency = min(options.concurrency, jobs.map(\.job.perHostConcurrency).max() ?? options.concurrency)
            do throws(HTTPClientError) {
                client = try HTTPClient(configuration: http.clientConfiguration)
            } catch {
                throw .client("\(error)")
            }
        }
        let robots = RobotsCache(client: client, userAgent: options.http.userAgent, store: FleetRobotsStore(store: store))
        let fetchers = Fetchers(client: client, robots: robots, http: options.http, login: options.login)

        // Leases and notifications beside the work; a failure there (the database gone
        // for good) stops the worker and is thrown at the end.
        let background = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.leaseLoop() }
                group.addTask { await self.listenLoop() }
            }
        }
        var thrown: FrontierError?
        do {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await self.writeLoop() }
                try await self.claimLoop(fetchers: fetchers, group: &group)
                switch self.state.withLock({ $0.machine.claimLoopEnded() }) {
                case .flushLastBatch: self.flushBell.ring()
                }
            }
        } catch let error as FrontierError {
            thrown = error
        } catch {
            thrown = .database("\(error)")
        }
        background.cancel()
        await background.value
        if self.client == nil { await client.shutdown() }
        let cancelled = Task.isCancelled
        switch state.withLock({ $0.machine.end(thrown: thrown, cancelled: cancelled) }) {
        case .throwError(let error):
            throw error
        case .markExitedAndReturn:
            // Gone in status at once; when this fails the heartbeat lapses instead.
            try? await store.markExited(worker: options.workerID)
            return state.withLock { $0.summary }
        }
    }

    // MARK: Claiming

    /// Keeps up to one and a half times ``Options/concurrency`` URLs in hand: the fetching
    /// ones and half as many claimed ahead, so a slot that frees takes the next URL at once
    /// instead of waiting for a claim's round trip. (Claimed-ahead URLs are leased, so they
    /// count against the job's fleet-wide per-host concurrency: more would starve slots.)
    private func claimLoop(fetchers: Fetchers, group: inout ThrowingDiscardingTaskGroup<any Error>) async throws {
        var fetchers = fetchers
        var jobs = state.withLock { $0.jobs }
        var next = 0  // round-robin over the jobs
        var lastReclaim = ContinuousClock.now - .seconds(1)
        let refill = max(1, options.concurrency / 4)
        while !Task.isCancelled {
            let (step, room, idle) = state.withLock { state in
                let idle = state.isIdle
                return (state.machine.claimStep(idle: idle), options.concurrency + options.concurrency / 2 - state.slots - state.ready.count, idle)
            }
            switch step {
            case .claim: break
            case .endClaiming: return
            case .waitForFetchesInHand:
                await doorbell.wait(upTo: options.idlePoll)
                continue
            }
            var claimed = 0
            let attempted = room >= refill || (idle && room > 0)
            if attempted {
                var budget = room
                for offset in 0..<jobs.count where budget > 0 {
                    let stored = jobs[(next + offset) % jobs.count]
                    // Compiled before claiming: a job whose stored fields this worker cannot
                    // use stops it with nothing leased, instead of holding URLs until their
                    // leases expire.
                    let fetcher = try fetchers.fetcher(for: stored)
                    // A job whose login failed stops the worker: its pages cannot be fetched.
                    if let login = fetcher.pipeline.login, let failure = await login.failure {
                        throw FrontierError.login(job: stored.job.name, message: failure.description)
                    }
                    let claims = try await store.claim(.init(
                        jobID: stored.id, worker: options.workerID, limit: budget, lease: options.lease,
                        horizon: options.horizon, giveUpAfter: options.http.circuitBreaker.giveUpAfter))
                    guard !claims.isEmpty else { continue }
                    budget -= claims.count
                    claimed += claims.count
                    let starting = state.withLock { state in
                        state.summary.claimed += claims.count
                        for claim in claims {
                            state.held[claim.id] = claim
                            state.ready.append(Assignment(claim: claim, job: stored, fetcher: fetcher))
                        }
                        let starting = min(options.concurrency - state.slots, state.ready.count)
                        state.slots += starting
                        return starting
                    }
                    onEvent?(.claimed(claims.count))
                    for _ in 0..<starting {
                        group.addTask { await self.slot() }
                    }
                }
                next = jobs.isEmpty ? 0 : (next + 1) % jobs.count
            }
            if claimed > 0 { continue }
            // Nothing to claim: leases other workers let expire may be what is left (looked
            // for at most once a second: a busy worker is woken by every fetch it finishes).
            if attempted, ContinuousClock.now - lastReclaim >= .seconds(1) {
                lastReclaim = .now
                var reclaimed = 0
                for job in jobs { reclaimed += try await store.reclaimExpired(jobID: job.id) }
                if reclaimed > 0 {
                    state.withLock { $0.summary.reclaimed += reclaimed }
                    onEvent?(.reclaimed(reclaimed))
                    continue
                }
            }
            if idle && options.untilEmpty, try await store.isFinished(jobIDs: jobs.map(\.id)) {
                return
            }
            await doorbell.wait(upTo: options.idlePoll)
            if options.jobs.isEmpty && idle {
                jobs = try await store.jobs()
                state.withLock { [jobs] in $0.jobs = jobs }
            }
        }
    }

    private func resolveJobs() async throws(FrontierError) -> [FrontierStore.StoredJob] {
        let all = try await store.jobs()
        guard !options.jobs.isEmpty else { return all }
        return try options.jobs.map { name throws(FrontierError) in
            guard let job = all.first(where: { $0.job.name == name }) else { throw FrontierError.unknownJob(name) }
            return job
        }
    }

    // MARK: One URL

    /// One fetch slot: takes claimed URLs in order until none is waiting; for each, waits
    /// for its request slot, fetches it, and hands the outcome to the writer.
    private func slot() async {
        while let assignment = state.withLock({ state -> Assignment? in
            if let next = state.ready.popFirst() { return next }
            state.slots -= 1
            return nil
        }) {
            let claim = assignment.claim
            let completion = await attempt(claim, job: assignment.job, fetcher: assignment.fetcher)
            let full = state.withLock { state in
                if let (completion, outcome, crawlDelay) = completion {
                    state.pending.append(completion)
                    if let outcome { state.record(outcome, crawlDelay: crawlDelay, jobID: assignment.job.id, host: claim.host) }
                } else {
                    state.held[claim.id] = nil  // cancelled: the lease expires and another worker takes it
                }
                return state.pending.count >= max(1, options.concurrency / 2)
            }
            if full { flushBell.ring() }
            doorbell.ring()
        }
        doorbell.ring()
    }

    /// The completion for one claim, what it says of the host's health, and the host's
    /// robots.txt `Crawl-delay`; nil when the worker is cancelled mid-fetch.
    private func attempt(
        _ claim: FrontierStore.Claim, job: FrontierStore.StoredJob, fetcher: JobFetcher
    ) async -> (FrontierStore.Completion, AttemptOutcome?, Duration?)? {
        let extraction = fetcher.extraction
        let prepared: FetchRequest.Prepared
        do throws(HTTPClientError) {
            prepared = try FetchRequest.Prepared(FetchRequest(url: claim.url), maxURLLength: options.http.clientConfiguration.limits.maxURLLength)
        } catch {
            // A URL added before version 3, which decides this at add (or a crawl's link
            // whose request cannot be made, recorded as `scrape crawl` records it).
            let record = Self.crawlRecord(ScrapeRecord.rejected(claim.url, because: error), at: claim.crawl)
            return (Self.completion(claim, record.keyed(for: extraction)), nil, nil)
        }
        if claim.giveUp {
            let record = Self.crawlRecord(ScrapeRecord.circuitOpen(prepared, attempts: claim.attempt - 1), at: claim.crawl)
            return (Self.completion(claim, record.keyed(for: extraction)), nil, nil)
        }
        if claim.delay > .zero {
            do { try await Task.sleep(for: claim.delay) } catch { return nil }
        }
        let result: Scheduler<ContinuousClock>.Attempt<ScrapeRecord>
        var links: SortedLinks?
        if let crawl = fetcher.crawl, let position = claim.crawl {
            guard let crawled = await Self.crawlAttempt(prepared, claim: claim, position: position, crawl: crawl, pipeline: fetcher.pipeline)
            else { return nil }
            result = crawled.attempt
            links = crawled.links
        } else {
            guard let fetched = await fetcher.pipeline.attempt(prepared, number: claim.attempt) else { return nil }
            result = fetched
        }
        let record = Self.crawlRecord(result.output, at: claim.crawl).keyed(for: extraction)
        let policy = RetryPolicy(maxAttempts: job.job.retries + 1, backoff: options.http.backoff, maxRetryAfter: options.http.maxRetryAfter)
        var generator = SystemRandomNumberGenerator()
        if case .retry(let after) = policy.decision(for: result.outcome, attempt: claim.attempt, using: &generator) {
            return (FrontierStore.Completion(claim: claim, record: nil, failed: false, retryDelay: after), result.outcome, result.crawlDelay)
        }
        let found = links.map { Self.frontierLinks($0, maxURLLength: options.http.clientConfiguration.limits.maxURLLength) } ?? []
        return (Self.completion(claim, record, links: found), result.outcome, result.crawlDelay)
    }

    /// The completion that writes `record`, whose `url` is the input line's as `scrape run`
    /// writes it (its bytes, for a line that is not UTF-8).
    private static func completion(
        _ claim: FrontierStore.Claim, _ record: ScrapeRecord, links: [FrontierStore.CrawlLink] = []
    ) -> FrontierStore.Completion {
        var line = JSONLineEncoder.line(for: record.keepingURL(bytes: claim.line))
        line.removeLast()  // the newline: export writes its own
        return FrontierStore.Completion(claim: claim, record: line, failed: record.error != nil, links: links)
    }

    // MARK: Writing

    /// Writes finished attempts in batches: when half the slots' worth are waiting, or
    /// after ``Options/flushInterval``; on a connection of its own, so a batch being
    /// written never holds up a claim.
    private func writeLoop() async throws {
        let writer = store.sibling()
        defer { Task { await writer.database.close() } }
        while true {
            await flushBell.wait(upTo: options.flushInterval)
            let (batch, hosts) = state.withLock { state in
                let batch = state.pending
                state.pending.removeAll(keepingCapacity: true)
                let hosts = Array(state.hosts.values)
                state.hosts.removeAll(keepingCapacity: true)
                return (batch, hosts)
            }
            if !batch.isEmpty || !hosts.isEmpty {
                let accepted = try await writer.finish(batch, hosts: hosts, worker: options.workerID, breaker: options.http.circuitBreaker)
                let retried = accepted.completions - accepted.records
                // Failed records are counted as sent: a lost lease among them is rare, and
                // the job's own counters (status) are exact.
                let failed = batch.count { $0.record != nil && $0.failed }
                let lost = batch.count - accepted.completions
                state.withLock { state in
                    for completion in batch { state.held[completion.claim.id] = nil }
                    state.summary.completed += accepted.records
                    state.summary.failed += failed
                    state.summary.retried += retried
                    state.summary.leaseLosses += lost
                }
                if lost > 0 { logger.warning("completions discarded: their leases had expired and been taken", metadata: ["count": "\(lost)"]) }
                onEvent?(.finished(completed: accepted.records, failed: failed, retried: retried, leaseLosses: lost))
                doorbell.ring()  // retries to claim, or the worker may be idle now (--until-empty)
            }
            if state.withLock({ $0.machine.writerEnds(pendingEmpty: $0.pending.isEmpty) }) { return }
            // Cancelled (the claim loop threw, or the daemon's drain deadline passed) with
            // nothing left to write: the state machine never hears that the claim loop
            // ended, and the bell no longer waits, so without this the loop spun forever.
            if Task.isCancelled, state.withLock({ $0.pending.isEmpty }) { return }
        }
    }

    // MARK: Leases

    /// Renews the leases of URLs in hand every third of the lease, and returns other
    /// workers' expired leases to the queue.
    private func leaseLoop() async {
        let period = options.lease / 3
        do {
            while true {
                try await Task.sleep(for: period)
                let held = state.withLock { Array($0.held.values) }
                _ = try await store.renew(held, lease: options.lease, worker: options.workerID)  // also the heartbeat
                for job in state.withLock({ $0.jobs }) {
                    let back = try await store.reclaimExpired(jobID: job.id)
                    if back > 0 {
                        state.withLock { $0.summary.reclaimed += back }
                        onEvent?(.reclaimed(back))
                        doorbell.ring()
                    }
                }
            }
        } catch let error as FrontierError where !Task.isCancelled {
            perform(state.withLock { $0.machine.leaseLoopFailed(error) })
        } catch {
            return  // cancelled: the worker is done
        }
    }

    // MARK: Notifications

    /// LISTEN on its own connection: `add` wakes idle workers at once. Reconnects after a
    /// failure; the idle poll covers the gap.
    private func listenLoop() async {
        while !Task.isCancelled {
            do {
                let connection = try await store.database.openDedicatedConnection()
                defer { Task { try? await connection.close() } }
                try await connection.listen(on: "scrape_frontier") { notifications in
                    // Listening now: a NOTIFY sent before (while this connection opened) was
                    // missed, so look for work once.
                    doorbell.ring()
                    for try await _ in notifications { doorbell.ring() }
                }
            } catch {
                if Task.isCancelled { return }
            }
            try? await Task.sleep(for: options.idlePoll)
        }
    }
}

extension FrontierWorker {
    /// Each job's ``JobFetcher``, made when the claim loop first meets the job (jobs
    /// appear while a worker runs) and kept while the job's stored settings stay the same:
    /// its fields are compiled once per worker, again after an `add --update`.
    ///
    /// Each job also gets its session here, once per worker: the worker's `http.headers`,
    /// and with `http.cookies` a cookie jar of the job's own in this worker's memory (a
    /// fleet job's cookies are per worker; no file is read or written).
    struct Fetchers {
        let client: HTTPClient
        let robots: RobotsCache
        let http: ScrapeConfiguration.HTTP
        let login: ScrapeConfiguration.Login?
        private var byJob: [Int64: (job: FrontierJob, fetcher: JobFetcher)] = [:]

        init(client: HTTPClient, robots: RobotsCache, http: ScrapeConfiguration.HTTP, login: ScrapeConfiguration.Login? = nil) {
            self.client = client
            self.robots = robots
            self.login = login
            var inMemory = http
            inMemory.cookies = http.usesCookies || login != nil
            inMemory.cookieJar = nil
            self.http = inMemory
        }

        /// - Throws: ``FrontierError/invalidFields(job:message:)``.
        mutating func fetcher(for stored: FrontierStore.StoredJob) throws(FrontierError) -> JobFetcher {
            if let known = byJob[stored.id], known.job == stored.job { return known.fetcher }
            let session: RunSession
            do throws(RunSession.Failure) {
                session = try RunSession.open(http)
            } catch {
                throw .client("\(error)")
            }
            let loginSession: LoginSession?
            do throws(ConfigurationError) {
                let (client, defaults) = (self.client, session.defaults)
                loginSession = try login.map { login throws(ConfigurationError) in
                    // Logged in by the job's first page (``LoginSession/ready()``).
                    try LoginSession(login, key: "login") { request in try await client.execute(defaults.applied(to: request)) }
                }
            } catch {
                throw .login(job: stored.job.name, message: error.description)
            }
            let made = try JobFetcher(job: stored.job, client: client, robots: robots, session: session.defaults, login: loginSession)
            byJob[stored.id] = (stored.job, made)
            return made
        }
    }
}
