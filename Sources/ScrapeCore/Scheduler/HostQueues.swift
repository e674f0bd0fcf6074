import DequeModule
import ScrapeResilience

/// Per-host state for the scheduler, decided without tasks: slots in flight, fresh and
/// delayed (retry) jobs, the host's token bucket and circuit breaker, and a pause set by
/// `Retry-After`. A value type that decides; the scheduler acts.
///
/// Hosts with waiting jobs sit in a round-robin `ready` queue, so no host is starved and
/// one slow, paused or rate-limited host never holds the others up. A host is in `ready`
/// exactly when `isReady` is set; it leaves when it has nothing dispatchable for a reason
/// only an outcome can change (all slots busy, half-open probe out) and comes back in
/// ``finished(host:outcome:at:)``. Idle hosts whose policies hold nothing worth keeping are
/// forgotten, so memory stays bounded over millions of hosts. (This file is the
/// scheduler's state machine, hence over the usual size.)
struct HostQueues<Payload, Instant: InstantProtocol> where Instant.Duration == Duration {
    /// A unit of work and how many attempts it has had.
    struct Job {
        let payload: Payload
        let host: String
        var attemptsMade: Int
    }

    /// What the scheduler should do next.
    enum Step {
        /// Start this job now (its slot and tokens are taken).
        case start(Job, CircuitBreaker<Instant>.Transition?)
        /// Fail this job now: its host's breaker is open until then.
        case reject(Job, until: Instant)
        /// Nothing can happen now; something may at `wake` (nil: only an outcome can help).
        case idle(wake: Instant?)
    }

    private struct Host {
        var inFlight = 0
        var fresh = Deque<Job>()
        var delayed: [(due: Instant, job: Job)] = []
        var bucket: TokenBucket<Instant>?
        var breaker: CircuitBreaker<Instant>
        var pausedUntil: Instant?
        var isReady = false
        /// When the last request to this host was dispatched; a bucket created later (from a
        /// `Crawl-delay` learnt from that request) starts from it, not from empty.
        var lastDispatch: Instant?

        var waiting: Int { fresh.count + delayed.count }

        /// The index in `delayed` of the earliest retry due at `now`, else nil.
        func dueRetry(at now: Instant) -> Int? {
            var best: Int?
            for (index, entry) in delayed.enumerated() where entry.due <= now {
                if best == nil || entry.due < delayed[best!].due { best = index }
            }
            return best
        }

        var earliestRetry: Instant? { delayed.map(\.due).min() }

        mutating func popAny() -> Job? {
            if let job = fresh.popFirst() { return job }
            return delayed.isEmpty ? nil : delayed.removeFirst().job
        }

        /// Marks the host ready when it has waiting jobs and was not; true when it was just
        /// marked (the caller appends it to `ready`).
        mutating func markReadyIfWaiting() -> Bool {
            guard waiting > 0, !isReady else { return false }
            isReady = true
            return true
        }

        /// This host's part of ``HostQueues/next(at:)``: what it can do at `now`, with its own
        /// state already updated (slot and token taken, or `isReady` cleared).
        mutating func dispatch(at now: Instant, perHostLimit: Int) -> Dispatch {
            if waiting == 0 {
                isReady = false
                return .notReady
            }
            if case .open(let until, _) = breaker.state, now < until, let job = popAny() {
                return .reject(job, until: until, stillWaiting: keepReady())
            }
            if inFlight >= perHostLimit {
                isReady = false  // `finished` brings it back
                return .notReady
            }
            if let paused = pausedUntil, paused > now { return .later(paused) }
            let retryIndex = dueRetry(at: now)
            if retryIndex == nil, fresh.isEmpty { return .later(earliestRetry) }
            if let available = bucket?.nextAvailable(at: now) { return .later(available) }
            let (permission, transition) = breaker.permission(at: now)
            guard permission == .allowed else {
                isReady = false  // a probe is out; its outcome brings the host back
                return .notReady
            }
            let job = retryIndex.map { delayed.remove(at: $0).job } ?? fresh.removeFirst()
            inFlight += 1
            lastDispatch = now
            bucket?.take(at: now)
            return .start(job, transition, stillWaiting: keepReady())
        }

        /// After taking a job: whether the host stays in `ready` (it still has waiting jobs).
        private mutating func keepReady() -> Bool {
            if waiting == 0 { isReady = false }
            return waiting > 0
        }
    }

    /// What one host can do now (see `Host.dispatch`).
    private enum Dispatch {
        case start(Job, CircuitBreaker<Instant>.Transition?, stillWaiting: Bool)
        case reject(Job, until: Instant, stillWaiting: Bool)
        /// Not before this instant: a pause, a retry's due time or a token (nil if none is known).
        case later(Instant?)
        /// Out of `ready` until an outcome brings it back.
        case notReady
    }

    let perHostLimit: Int
    private let perHostRate: Double?
    private let burst: Int
    private let breakerConfiguration: CircuitBreaker<Instant>.Configuration
    private var globalBucket: TokenBucket<Instant>?
    private var hosts: [String: Host] = [:]
    private var ready = Deque<String>()
    private var finishedSinceSweep = 0
    /// Jobs waiting across all hosts (fresh and delayed).
    private(set) var waitingCount = 0
    /// Jobs started and not finished across all hosts.
    private(set) var inFlightCount = 0

    init(
        perHostLimit: Int,
        globalRate: Double? = nil,
        perHostRate: Double? = nil,
        burst: Int = 1,
        breaker: CircuitBreaker<Instant>.Configuration = .init()
    ) {
        self.perHostLimit = max(1, perHostLimit)
        self.perHostRate = perHostRate
        self.burst = burst
        self.breakerConfiguration = breaker
        self.globalBucket = globalRate.map { TokenBucket(rate: $0, burst: burst) }
    }

    /// Hosts currently tracked (for tests of eviction).
    var trackedHosts: Int { hosts.count }

    /// Queues a new job at the back of its host's queue.
    mutating func add(_ payload: Payload, host: String) {
        update(host) { $0.fresh.append(Job(payload: payload, host: host, attemptsMade: 0)) }
        waitingCount += 1
    }

    /// Queues a retry that may start at `due`; it does not wait behind fresh jobs.
    mutating func retry(_ job: Job, at due: Instant) {
        update(job.host) { $0.delayed.append((due, job)) }
        waitingCount += 1
    }

    /// Pauses a host's queue until `until` (a `Retry-After` on 429).
    mutating func pause(_ host: String, until: Instant) {
        update(host) { state in state.pausedUntil = max(state.pausedUntil ?? until, until) }
    }

    /// Slows a host to one request per `interval` at most (robots.txt `Crawl-delay`).
    mutating func limit(_ host: String, toInterval interval: Duration) {
        guard interval > .zero else { return }
        update(host) { state in
            if state.bucket == nil {
                var bucket = TokenBucket<Instant>(rate: 1 / interval.inSeconds)
                if let lastDispatch = state.lastDispatch { bucket.take(at: lastDispatch) }
                state.bucket = bucket
            }
            state.bucket?.limit(toInterval: interval)
        }
    }

    /// The next thing to do at `now`; call while there are free slots.
    ///
    /// Hosts are changed in place in `hosts` (through `Dictionary.Values`), never copied out
    /// and back: a copy shares the host's queue storage, so the next removal from it copied
    /// the whole queue (up to ``Scheduler/Limits/maxQueued`` jobs) once per request
    /// whenever jobs waited behind a per-host limit.
    mutating func next(at now: Instant) -> Step {
        if let global = globalBucket?.nextAvailable(at: now) { return .idle(wake: global) }
        var wake: Instant?
        for _ in 0..<ready.count {
            guard let name = ready.popFirst(), let index = hosts.index(forKey: name) else { continue }
            switch hosts.values[index].dispatch(at: now, perHostLimit: perHostLimit) {
            case .notReady:
                continue
            case .later(let instant):
                if let instant { wake = wake.map { min($0, instant) } ?? instant }
                ready.append(name)
            case .reject(let job, let until, let stillWaiting):
                waitingCount -= 1
                if stillWaiting { ready.append(name) }
                return .reject(job, until: until)
            case .start(let job, let transition, let stillWaiting):
                globalBucket?.take(at: now)
                inFlightCount += 1
                waitingCount -= 1
                if stillWaiting { ready.append(name) }
                return .start(job, transition)
            }
        }
        return .idle(wake: wake)
    }

    /// Records a finished attempt: frees its slot and feeds the breaker.
    mutating func finished(host name: String, outcome: AttemptOutcome, at now: Instant) -> CircuitBreaker<Instant>.Transition? {
        guard let index = hosts.index(forKey: name) else { return nil }
        inFlightCount -= 1
        hosts.values[index].inFlight -= 1
        let transition = hosts.values[index].breaker.record(outcome, at: now)
        if hosts.values[index].markReadyIfWaiting() { ready.append(name) }
        finishedSinceSweep += 1
        if finishedSinceSweep >= 1024 {
            finishedSinceSweep = 0
            sweep(at: now)
        } else if Self.isForgettable(hosts.values[index], at: now) {
            hosts.remove(at: index)
        }
        return transition
    }

    /// Empties every queue (on cancellation); returns how many jobs were waiting.
    mutating func drainWaiting() -> Int {
        let drained = waitingCount
        for name in Array(hosts.keys) {
            hosts[name]?.fresh.removeAll()
            hosts[name]?.delayed.removeAll()
            hosts[name]?.isReady = false
        }
        ready.removeAll()
        waitingCount = 0
        return drained
    }

    // MARK: Helpers

    /// Changes a host in place, tracking it first when it is new.
    private mutating func update(_ name: String, _ change: (inout Host) -> Void) {
        let index = hosts.index(forKey: name) ?? track(name)
        change(&hosts.values[index])
        if hosts.values[index].markReadyIfWaiting() { ready.append(name) }
    }

    /// Starts tracking a host with fresh policies; returns where it is.
    private mutating func track(_ name: String) -> Dictionary<String, Host>.Index {
        hosts[name] = Host(bucket: perHostRate.map { TokenBucket(rate: $0, burst: burst) }, breaker: CircuitBreaker(configuration: breakerConfiguration))
        return hosts.index(forKey: name)!
    }

    private mutating func sweep(at now: Instant) {
        for (name, host) in hosts where Self.isForgettable(host, at: now) {
            hosts.removeValue(forKey: name)
        }
    }

    /// Nothing in flight or waiting, and no policy state that would change a later decision.
    private static func isForgettable(_ host: Host, at now: Instant) -> Bool {
        host.inFlight == 0 && host.waiting == 0 && host.breaker.isPristine
            && (host.bucket?.isFull(at: now) ?? true) && (host.pausedUntil.map { $0 <= now } ?? true)
    }
}

extension HostQueues.Job: Sendable where Payload: Sendable {}
