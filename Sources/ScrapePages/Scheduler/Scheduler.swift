import ScrapeBase
import Glibc
import ScrapeCore
public import ScrapeResilience

/// Runs jobs politely: at most `concurrency` in flight overall and `perHostConcurrency`
/// per host, rate-limited globally and per host, behind a per-origin circuit breaker, with
/// retries re-enqueued on their origin's queue. Built on a bounded task group: at most
/// `concurrency` job tasks (plus one timer task) at a time, refilled as each finishes;
/// no unstructured tasks.
///
/// The split follows Scrapy's slots and AsyncHTTPClient's state machines: `HostQueues`
/// and the policies in ScrapeResilience *decide*; this loop *acts*. A job waiting for a
/// token, a retry delay or a `Retry-After` pause holds no slot and stops no other host:
/// when nothing can start now, a timer task wakes the loop at the earliest instant
/// something can. Input is pulled lazily and only while at most ``Limits/maxQueued`` jobs
/// wait, so memory does not grow with the input.
///
/// Input is read in a child task of its own, one batch at a time, and admitted on the
/// calling task: a slow input (a pipe fed line by line, a FIFO held open) never holds up
/// the outputs of jobs that finished meanwhile. Outputs reach `emit` in completion order
/// on the calling task, so the emitter needs no locking, and `flush` follows at most
/// ``Limits/flushDelay`` after an output, so a reader of the output sees every record
/// while the input is still open.
///
/// Cancelling the calling task stops reading input (the read task must end when
/// cancelled), cancels the job tasks, drops waiting jobs, and still emits every output
/// that was produced. Closing the intake (the daemon's drain) is the gentle form: the
/// jobs in flight finish and are emitted, and nothing else starts, not even a retry.
public struct Scheduler<C: Clock>: Sendable where C.Duration == Duration {
    /// Bounds on the work in progress.
    public struct Limits: Sendable {
        public var concurrency: Int
        /// Requests in flight to one host; with ``adaptivePerHost``, ignored for its ceiling.
        public var perHostConcurrency: Int
        /// Set when each host's limit adapts to its answers (`per_host_concurrency: auto`).
        public var adaptivePerHost: AdaptiveLimitConfiguration?
        /// Jobs waiting in per-host queues before input reading pauses.
        public var maxQueued: Int
        /// Longest an emitted output waits for `flush`. Default 100 ms: `tail -f` and a
        /// pipe into `jq` see records as they complete, at ten writes a second at most
        /// when the run is idle.
        public var flushDelay: Duration
        /// Outputs made at once after their slots were freed (``run(read:admit:perform:complete:reject:emit:flush:intakeOpen:onEvent:)``);
        /// while that many are being made, no request starts. Default: one per core. Making
        /// an output (a crawl's parse) is CPU work: more at once than cores only queue up
        /// behind each other, each holding its response's body in memory until its turn,
        /// by which time the body has left the CPU's caches. Bounded here, fetching slows to
        /// the pace of parsing instead of running ahead of it.
        public var maxCompleting: Int

        public init(
            concurrency: Int, perHostConcurrency: Int, adaptivePerHost: AdaptiveLimitConfiguration? = nil, maxQueued: Int? = nil,
            flushDelay: Duration = .milliseconds(100), maxCompleting: Int? = nil
        ) {
            self.maxCompleting = max(1, maxCompleting ?? sysconf(Int32(_SC_NPROCESSORS_ONLN)))
            self.concurrency = max(1, concurrency)
            self.perHostConcurrency = max(1, perHostConcurrency)
            self.adaptivePerHost = adaptivePerHost
            self.maxQueued = maxQueued ?? max(1024, 16 * self.concurrency)
            self.flushDelay = flushDelay
        }
    }

    /// Rates, retries and the breaker. The default is none of them: one attempt per job.
    public struct Politeness: Sendable {
        /// Requests per second, all hosts together; nil is unlimited.
        public var globalRate: Double?
        /// Requests per second to one host; nil is unlimited.
        public var perHostRate: Double?
        /// Tokens a bucket holds after a quiet spell. Default 1: evenly spaced requests.
        public var burst: Int
        public var retry: RetryPolicy
        public var breaker: CircuitBreaker<C.Instant>.Configuration

        public init(
            globalRate: Double? = nil, perHostRate: Double? = nil, burst: Int = 1,
            retry: RetryPolicy = RetryPolicy(maxAttempts: 1),
            breaker: CircuitBreaker<C.Instant>.Configuration = .init(failureThreshold: Int.max)
        ) {
            self.globalRate = globalRate
            self.perHostRate = perHostRate
            self.burst = burst
            self.retry = retry
            self.breaker = breaker
        }
    }

    /// What the input yields next.
    public enum Input<Payload: Sendable, Output: Sendable>: Sendable {
        /// A work item for `host` (slots and rates) at `origin` (queue and breaker; default: the host).
        case work(Payload, host: String, origin: String? = nil)
        /// An output that needs no request (a line that is not a valid URL).
        case ready(Output)
        /// A line that needs nothing (already recorded by an earlier run).
        case skip
    }

    /// What one attempt produced: the output to emit if it is final, what it means to the
    /// policies, a robots.txt `Crawl-delay` to apply to its host, and the time to its
    /// answer's first byte (for an adaptive per-host limit; nil when no request was sent).
    public struct Attempt<Output: Sendable>: Sendable {
        public var output: Output
        public var outcome: AttemptOutcome
        public var crawlDelay: Duration?
        public var latency: Duration?
        /// Not an attempt: the job waits until then and runs again with the same attempt
        /// number, holding no slot (a proxy pool with no usable proxy for the host, `ProxyRotator`).
        public var waitUntil: C.Instant?

        public init(output: Output, outcome: AttemptOutcome, crawlDelay: Duration? = nil, latency: Duration? = nil) {
            self.output = output
            self.outcome = outcome
            self.crawlDelay = crawlDelay
            self.latency = latency
        }
    }

    /// Policy events, for logging with the origin, and a host's adaptive limit when it
    /// changes (for the summary and the daemon's gauge).
    public enum Event: Sendable, Equatable {
        case circuitOpened(origin: String, cooldown: Duration)
        case circuitHalfOpened(origin: String)
        case circuitClosed(origin: String)
        case concurrencyLimit(host: String, limit: Int)
    }

    /// How a run ended.
    public struct Outcome: Sendable, Equatable {
        public var emitted = 0
        public var cancelled = false
        /// Whether the intake closed before the input ended (``run(read:admit:perform:reject:emit:flush:intakeOpen:onEvent:)``).
        public var drained = false
        /// Jobs in flight or waiting when cancelled or drained, which produced no output.
        public var dropped = 0
        /// Attempts re-enqueued after a transient failure.
        public var retries = 0

        public init(emitted: Int = 0, cancelled: Bool = false, dropped: Int = 0, retries: Int = 0) {
            self.emitted = emitted
            self.cancelled = cancelled
            self.dropped = dropped
            self.retries = retries
        }
    }

    public let limits: Limits
    public let politeness: Politeness
    public let clock: C
    /// The daemon's host table, shared with its other runs (``HostTable``); nil for a run
    /// whose hosts are its own.
    public var hosts: HostTable<C.Instant>?

    public init(limits: Limits, politeness: Politeness = Politeness(), clock: C) {
        self.limits = limits
        self.politeness = politeness
        self.clock = clock
    }

    /// A job as the queues hold it: the caller's payload and the output of its last
    /// attempt, which a job failed by an open breaker keeps as its record.
    private struct Pending<Payload: Sendable, Output: Sendable>: Sendable {
        var payload: Payload
        var lastOutput: Output?
    }

    private enum ChildResult<Item: Sendable, Payload: Sendable, Answer: Sendable, Output: Sendable>: Sendable {
        case attempt(HostQueues<Pending<Payload, Output>, C.Instant>.Item, Attempt<Answer>?)
        /// An output made after its attempt freed the host's slot (``Completion/afterRelease(_:)``),
        /// and what the attempt's outcome decided for it.
        case completed(HostQueues<Pending<Payload, Output>, C.Instant>.Item, Output, Fate)
        case timer(C.Instant)
        /// A batch of input; nil at its end.
        case input([Item]?)
        /// Time to flush what was emitted.
        case flush
        /// The intake closed (the watcher saw it): decide again, even with nothing in flight.
        case intakeClosed
        /// The host table handed this run a slot (or woke it to ask again).
        case hostTurn
    }

    /// Runs every job of the input.
    ///
    /// - Parameters:
    ///   - read: the next batch of input items (at least one), nil at the end; called in a
    ///     child task, one call at a time, and must return (nil, or throw) when cancelled.
    ///   - admit: what an item is to the scheduler; called on this task, in input order.
    ///   - perform: one attempt of a job (1-based `attempt`) in a child task; nil means
    ///     "cancelled, nothing to emit".
    ///   - reject: the output for a job never attempted and refused because its origin's
    ///     breaker stayed open past `giveUpAfter` (a job that was attempted keeps its last
    ///     attempt's output instead: a record carries its own outcome).
    ///   - emit: receives each output and the number of jobs still in flight.
    ///   - flush: called at most ``Limits/flushDelay`` after an output was emitted.
    ///   - intakeOpen: nil for a run that only ends with its input; otherwise asked before
    ///     anything starts, and watched every 50 ms by a child task (a run whose only work
    ///     waits for a backoff or a cooldown has nothing else to wake it). Once false, no
    ///     input is read, no waiting job or retry starts (they are dropped, with no output),
    ///     and the run ends when the jobs in flight have.
    ///   - onEvent: breaker transitions, for logging, and adaptive per-host limits as they change.
    /// - Throws: what `read`, `emit` or `flush` throws; the children are cancelled first.
    public func run<Item: Sendable, Payload: Sendable, Output: Sendable>(
        read: @escaping @Sendable () async throws -> [Item]?,
        admit: (Item) -> Input<Payload, Output>,
        perform: @escaping @Sendable (Payload, _ attempt: Int) async -> Attempt<Output>?,
        reject: (Payload, _ attempts: Int) -> Output,
        emit: (Output, _ inFlight: Int) throws -> Void,
        flush: () throws -> Void = {},
        intakeOpen: (@Sendable () -> Bool)? = nil,
        onEvent: (Event) -> Void = { _ in }
    ) async throws -> Outcome {
        try await drive(
            read: read, admit: admit, perform: perform, completion: .inline { _, output in output }, reject: reject, emit: emit, flush: flush,
            intakeOpen: intakeOpen, onEvent: onEvent)
    }

    /// ``run(read:admit:perform:reject:emit:flush:intakeOpen:onEvent:)`` with the attempt's
    /// output made by `completion` from its answer (this loop is the scheduler's one).
    func drive<Item: Sendable, Payload: Sendable, Answer: Sendable, Output: Sendable>(
        read: @escaping @Sendable () async throws -> [Item]?,
        admit: (Item) -> Input<Payload, Output>,
        perform: @escaping @Sendable (Payload, _ attempt: Int) async -> Attempt<Answer>?,
        completion: Completion<Payload, Answer, Output>,
        reject: (Payload, _ attempts: Int) -> Output,
        emit: (Output, _ inFlight: Int) throws -> Void,
        flush: () throws -> Void,
        intakeOpen: (@Sendable () -> Bool)?,
        onEvent: (Event) -> Void
    ) async throws -> Outcome {
        let member = hosts?.join()
        defer { if let hosts, let member { hosts.leave(member, at: clock.now) } }
        var queues = HostQueues<Pending<Payload, Output>, C.Instant>(
            perHostLimit: limits.perHostConcurrency, globalRate: politeness.globalRate,
            perHostRate: politeness.perHostRate, burst: politeness.burst, breaker: politeness.breaker, adaptive: limits.adaptivePerHost,
            shared: hosts.flatMap { hosts in member.map { .init(table: hosts, member: $0) } }
        )
        var outcome = Outcome()
        var inputDone = false
        var reading = false
        var batch: [Item] = []
        var batchPosition = 0
        var timer: C.Instant?
        var flushPending = false
        /// Outputs being made after their attempts freed their slots (``Completion/afterRelease(_:)``):
        /// they count against ``Limits/concurrency`` with the attempts in flight, so the pages
        /// held in memory stay bounded by it.
        var completing = 0
        var random = SystemRandomNumberGenerator()
        let clock = self.clock
        let flushDelay = limits.flushDelay

        func report(_ transition: CircuitBreaker<C.Instant>.Transition?, _ origin: String) {
            switch transition {
            case .opened(let cooldown): onEvent(.circuitOpened(origin: origin, cooldown: cooldown))
            case .halfOpened: onEvent(.circuitHalfOpened(origin: origin))
            case .closed: onEvent(.circuitClosed(origin: origin))
            case nil: break
            }
        }

        return try await withThrowingTaskGroup(of: ChildResult<Item, Payload, Answer, Output>.self) { group in
            if let intakeOpen {
                group.addTask {
                    while intakeOpen() {
                        do { try await clock.sleep(until: clock.now.advanced(by: .milliseconds(50)), tolerance: nil) } catch { break }
                    }
                    return .intakeClosed
                }
            }
            // Another run's freed slot or token wakes this one (it asks again in `next`).
            func listenForHostTurns() {
                guard let doorbell = member?.doorbell else { return }
                group.addTask {
                    await doorbell.wait(upTo: .seconds(1))
                    return .hostTurn
                }
            }
            listenForHostTurns()
            func deliver(_ output: Output, inFlight: Int) throws {
                try emit(output, inFlight)
                outcome.emitted += 1
                if !flushPending {
                    flushPending = true
                    group.addTask {
                        try? await clock.sleep(until: clock.now.advanced(by: flushDelay), tolerance: nil)
                        return .flush
                    }
                }
            }

            /// An attempt's output as its outcome decided: emitted, or kept by its job for the
            /// breaker's give-up and re-queued (the retry's due time counts from the answer).
            func settle(_ job: HostQueues<Pending<Payload, Output>, C.Instant>.Item, _ output: Output, _ fate: Fate, inFlight: Int) throws {
                switch fate {
                case .deliver:
                    try deliver(output, inFlight: inFlight)
                case .retry(let due):
                    var job = job
                    job.payload.lastOutput = output
                    queues.retry(job, at: due)
                    outcome.retries += 1
                }
            }
            /// Frees the attempt's slot and feeds its outcome to the breaker and the host's limit.
            func release(_ job: HostQueues<Pending<Payload, Output>, C.Instant>.Item, _ attempt: Attempt<Answer>, at now: C.Instant) {
                let finish = queues.finished(host: job.host, origin: job.origin, outcome: attempt.outcome, latency: attempt.latency, at: now)
                report(finish.transition, job.origin)
                if let limit = finish.limit { onEvent(.concurrencyLimit(host: job.host, limit: limit)) }
            }

            while true {
                let workLeft = queues.waitingCount > 0 || !(inputDone && batchPosition == batch.count)
                if !outcome.drained, !outcome.cancelled, workLeft, let intakeOpen, !intakeOpen() {
                    outcome.drained = true
                    outcome.dropped += queues.drainWaiting()
                }
                fill: while !Task.isCancelled, !outcome.drained, queues.inFlightCount + completing < limits.concurrency,
                    completing < limits.maxCompleting {
                    switch queues.next(at: clock.now) {
                    case .start(let job, let transition):
                        report(transition, job.origin)
                        group.addTask { .attempt(job, await perform(job.payload.payload, job.attemptsMade + 1)) }
                        continue fill
                    case .reject(let job):
                        try deliver(job.payload.lastOutput ?? reject(job.payload.payload, job.attemptsMade), inFlight: queues.inFlightCount)
                        continue fill
                    case .idle(let wake):
                        if let wake, timer.map({ wake < $0 }) ?? true {
                            timer = wake
                            group.addTask {
                                try? await clock.sleep(until: wake, tolerance: nil)
                                return .timer(wake)
                            }
                        }
                    }
                    if queues.waitingCount >= limits.maxQueued { break fill }
                    guard batchPosition < batch.count else {
                        if !inputDone, !reading {
                            reading = true
                            group.addTask { .input(try await read()) }
                        }
                        break fill
                    }
                    let item = batch[batchPosition]
                    batchPosition += 1
                    switch admit(item) {
                    case .skip: continue fill
                    case .ready(let output): try deliver(output, inFlight: queues.inFlightCount)
                    case .work(let payload, let host, let origin): queues.add(Pending(payload: payload), host: host, origin: origin)
                    }
                }
                if Task.isCancelled, !outcome.cancelled {
                    outcome.cancelled = true
                    outcome.dropped += queues.drainWaiting()
                }
                let inputFinished = inputDone && batchPosition == batch.count
                let finished = (inputFinished || outcome.cancelled || outcome.drained) && queues.waitingCount == 0 && queues.inFlightCount == 0
                    && completing == 0
                if finished {
                    group.cancelAll()  // an outstanding timer, flush or read
                    if flushPending { try flush() }
                    break
                }
                guard let result = try await group.next() else { break }
                switch result {
                case .timer(let deadline):
                    if timer == deadline { timer = nil }
                case .intakeClosed:
                    break  // the loop's top sees it
                case .hostTurn:
                    listenForHostTurns()
                case .flush:
                    flushPending = false
                    try flush()
                case .input(let items):
                    reading = false
                    if let items {
                        batch = items
                        batchPosition = 0
                    } else {
                        inputDone = true
                    }
                case .attempt(var job, nil):
                    outcome.dropped += 1
                    job.attemptsMade += 1
                    _ = queues.finished(host: job.host, origin: job.origin, outcome: .neutral, at: clock.now)
                case .attempt(var job, let attempt?) where attempt.waitUntil != nil && !outcome.cancelled && !outcome.drained:
                    // Written if the origin's breaker gives up first (no response: nothing to parse).
                    job.payload.lastOutput = await completion.output(job.payload.payload, attempt.output)
                    queues.retry(job, at: attempt.waitUntil!)
                    _ = queues.finished(host: job.host, origin: job.origin, outcome: .neutral, at: clock.now)
                case .attempt(var job, let attempt?):
                    let now = clock.now
                    job.attemptsMade += 1
                    if let delay = attempt.crawlDelay { queues.limit(job.host, toInterval: delay) }
                    let decision = outcome.cancelled
                        ? .giveUp(.notRetryable)
                        : politeness.retry.decision(for: attempt.outcome, attempt: job.attemptsMade, using: &random)
                    var fate: Fate? = .deliver
                    if case .retry = decision, outcome.drained {
                        outcome.dropped += 1  // a retry would start something: redone on the next start instead
                        fate = nil
                    } else if case .retry(let delay) = decision {
                        fate = .retry(at: now.advanced(by: delay))
                        if case .throttled(let retryAfter?) = attempt.outcome {
                            queues.pause(job.host, until: now.advanced(by: retryAfter))
                        }
                    }
                    switch completion {
                    case .inline(let make):
                        if let fate { try settle(job, make(job.payload.payload, attempt.output), fate, inFlight: queues.inFlightCount - 1) }
                        release(job, attempt, at: now)
                    case .afterRelease(let make):
                        // The slot is free before the output is made: the host's next request
                        // need not wait for this page's parse.
                        release(job, attempt, at: now)
                        guard let fate else { break }
                        completing += 1
                        let (payload, answer) = (job.payload.payload, attempt.output)
                        group.addTask { .completed(job, await make(payload, answer), fate) }
                    }
                case .completed(let job, let output, var fate):
                    completing -= 1
                    if case .retry = fate {
                        // Stopping: a cancelled run gives up (the attempt's output is its record,
                        // as for an attempt that ends after the cancellation); a drained one
                        // starts nothing, not even a retry.
                        if outcome.drained {
                            outcome.dropped += 1
                            continue
                        }
                        if outcome.cancelled { fate = .deliver }
                    }
                    try settle(job, output, fate, inFlight: queues.inFlightCount + completing)
                }
            }
            return outcome
        }
    }
}

extension Scheduler where C == ContinuousClock {
    /// A scheduler on the real clock.
    public init(limits: Limits, politeness: Politeness = Politeness()) {
        self.init(limits: limits, politeness: politeness, clock: ContinuousClock())
    }
}
