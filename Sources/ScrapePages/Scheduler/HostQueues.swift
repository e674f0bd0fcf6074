import ScrapeCore
import ScrapeBase
import DequeModule
import ScrapeResilience

/// Per-origin queues and per-host slots for the scheduler, decided without tasks. A value
/// type that decides; the scheduler acts.
///
/// Two units, as browsers and Scrapy draw them:
/// - an **origin** (scheme, host, port) has the queue of jobs and the circuit breaker: a
///   refused port says nothing about another port of the same host, so it never holds up
///   that port's URLs;
/// - a **host** (the name) is the polite unit: its slots (`perHostLimit` in flight, or
///   its ``AdaptiveLimit`` under `per_host_concurrency: auto`), its token bucket (`perHostRate`, robots.txt `Crawl-delay`) and its `Retry-After` pause are
///   shared by every origin on it.
///
/// While an origin's breaker is open its jobs wait (holding no slot, like a `Retry-After`
/// pause) and the origin is asked again when the cooldown ends; only when it has stayed
/// broken for the breaker's `giveUpAfter` are its waiting jobs rejected, one per call. A
/// run at the daemon's ``HostTable`` uses the table's breakers (``BreakerTable``) instead
/// of its own, so what one run learnt about an origin holds for all.
///
/// Origins with waiting jobs sit in a round-robin `ready` queue, so none is starved and
/// one slow, paused or rate-limited origin never holds the others up. An origin is in
/// `ready` exactly when `isReady` is set; it leaves when it has nothing dispatchable for
/// a reason only an outcome can change (its host's slots all busy: then it is parked on
/// the host and comes back when a slot frees; a half-open probe out) and comes back in
/// ``finished(host:origin:outcome:at:)``. Idle origins and hosts whose policies hold
/// nothing worth keeping are forgotten, so memory stays bounded over millions of them.
/// (This file is the scheduler's state machine, hence over the usual size.)
struct HostQueues<Payload, Instant: InstantProtocol> where Instant.Duration == Duration {
    /// A work item (the scheduler's unit: a page's URL, an API page) and how many attempts
    /// it has had.
    struct Item {
        var payload: Payload
        /// The host name: slots, rates and pauses.
        let host: String
        /// The origin: queue and breaker.
        let origin: String
        var attemptsMade: Int
    }

    /// What the scheduler should do next.
    enum Step {
        /// Start this job now (its slot and tokens are taken).
        case start(Item, CircuitBreaker<Instant>.Transition?)
        /// Fail this job now: its origin stayed broken past the breaker's `giveUpAfter`.
        case reject(Item)
        /// Nothing can happen now; something may at `wake` (nil: only an outcome can help).
        case idle(wake: Instant?)
    }

    /// One origin: its queue and breaker.
    private struct Origin {
        let name: String
        let host: String
        var fresh = Deque<Item>()
        var delayed: [(due: Instant, job: Item)] = []
        var breaker: CircuitBreaker<Instant>
        var inFlight = 0
        var isReady = false

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

        mutating func popAny() -> Item? {
            if let job = fresh.popFirst() { return job }
            return delayed.isEmpty ? nil : delayed.removeFirst().job
        }

        /// Marks the origin ready when it has waiting jobs and was not; true when it was just
        /// marked (the caller appends it to `ready`).
        mutating func markReadyIfWaiting() -> Bool {
            guard waiting > 0, !isReady else { return false }
            isReady = true
            return true
        }

        /// After taking a job: whether the origin stays in `ready` (it still has waiting jobs).
        mutating func keepReady() -> Bool {
            if waiting == 0 { isReady = false }
            return waiting > 0
        }
    }

    /// One host name: what its origins share.
    private struct Host {
        var inFlight = 0
        /// Its own limit, when limits adapt (nil: the fixed `perHostLimit`).
        var adaptive: AdaptiveLimit<Instant>?
        var bucket: TokenBucket<Instant>?
        var pausedUntil: Instant?
        /// When the last request to this host was dispatched; a bucket created later (from a
        /// `Crawl-delay` learnt from that request) starts from it, not from empty.
        var lastDispatch: Instant?
        /// Origins that left `ready` because every slot was busy; a freed slot wakes them.
        var parked: [String] = []
    }

    /// What one origin can do now (see ``dispatch(_:host:at:)``).
    private enum Dispatch {
        case start(Item, CircuitBreaker<Instant>.Transition?, stillWaiting: Bool)
        case reject(Item, stillWaiting: Bool)
        /// Not before this instant: a cooldown, a pause, a retry's due time or a token (nil if none is known).
        case later(Instant?)
        /// Out of `ready` until an outcome brings it back.
        case notReady
    }

    /// Requests in flight to one host: the fixed limit, or the ceiling of adaptive ones.
    let perHostLimit: Int
    /// Set when each host's limit adapts (``AdaptiveLimit``).
    private let adaptive: AdaptiveLimit<Instant>.Configuration?
    /// The daemon's host table and this run's place at it: slots, rates and pauses every
    /// run shares (nil for a run on its own).
    private let shared: Shared?

    /// A run's share of a ``HostTable``.
    struct Shared {
        let table: HostTable<Instant>
        let member: HostTable<Instant>.Member
    }
    private let perHostRate: Double?
    private let burst: Int
    private let breakerConfiguration: CircuitBreaker<Instant>.Configuration
    private var globalBucket: TokenBucket<Instant>?
    private var origins: [String: Origin] = [:]
    private var hosts: [String: Host] = [:]
    private var ready = Deque<String>()
    private var finishedSinceSweep = 0
    /// Jobs waiting across all origins (fresh and delayed).
    private(set) var waitingCount = 0
    /// Jobs started and not finished across all hosts.
    private(set) var inFlightCount = 0

    init(
        perHostLimit: Int,
        globalRate: Double? = nil,
        perHostRate: Double? = nil,
        burst: Int = 1,
        breaker: CircuitBreaker<Instant>.Configuration = .init(),
        adaptive: AdaptiveLimit<Instant>.Configuration? = nil,
        shared: Shared? = nil
    ) {
        self.shared = shared
        self.perHostLimit = max(1, adaptive?.ceiling ?? perHostLimit)
        self.adaptive = adaptive
        self.perHostRate = perHostRate
        self.burst = burst
        self.breakerConfiguration = breaker
        self.globalBucket = globalRate.map { TokenBucket(rate: $0, burst: burst) }
    }

    /// Hosts and origins currently tracked (for tests of eviction).
    var trackedHosts: Int { hosts.count + origins.count }

    /// Queues a new job at the back of its origin's queue; `origin` defaults to the host.
    mutating func add(_ payload: Payload, host: String, origin: String? = nil) {
        let origin = origin ?? host
        updateOrigin(origin, host: host) { $0.fresh.append(Item(payload: payload, host: host, origin: origin, attemptsMade: 0)) }
        waitingCount += 1
    }

    /// Queues a retry that may start at `due`; it does not wait behind fresh jobs.
    mutating func retry(_ job: Item, at due: Instant) {
        updateOrigin(job.origin, host: job.host) { $0.delayed.append((due, job)) }
        waitingCount += 1
    }

    /// Pauses a host's origins until `until` (a `Retry-After` on 429).
    mutating func pause(_ host: String, until: Instant) {
        updateHost(host) { state in state.pausedUntil = max(state.pausedUntil ?? until, until) }
        shared?.table.pause(host, until: until)
    }

    /// Slows a host to one request per `interval` at most (robots.txt `Crawl-delay`).
    mutating func limit(_ host: String, toInterval interval: Duration) {
        guard interval > .zero else { return }
        updateHost(host) { state in
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
    /// Origins and hosts are changed in place (through `Dictionary.Values`), never copied
    /// out and back: a copy shares the queue storage, so the next removal from it copied
    /// the whole queue (up to ``Scheduler/Limits/maxQueued`` jobs) once per request
    /// whenever jobs waited behind a per-host limit.
    mutating func next(at now: Instant) -> Step {
        if let global = globalBucket?.nextAvailable(at: now) { return .idle(wake: global) }
        var wake: Instant?
        for _ in 0..<ready.count {
            guard let name = ready.popFirst(), let index = origins.index(forKey: name) else { continue }
            let hostIndex = hosts.index(forKey: origins.values[index].host) ?? trackHost(origins.values[index].host)
            switch Self.dispatch(&origins.values[index], host: &hosts.values[hostIndex], at: now, fixedLimit: perHostLimit, shared: shared) {
            case .notReady:
                continue
            case .later(let instant):
                if let instant { wake = wake.map { min($0, instant) } ?? instant }
                ready.append(name)
            case .reject(let job, let stillWaiting):
                waitingCount -= 1
                if stillWaiting { ready.append(name) }
                return .reject(job)
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

    /// One origin's part of ``next(at:)``: what it can do at `now`, with its and its host's
    /// state already updated (slot and token taken, or `isReady` cleared and parked).
    private static func dispatch(_ origin: inout Origin, host: inout Host, at now: Instant, fixedLimit: Int, shared: Shared?) -> Dispatch {
        if origin.waiting == 0 {
            origin.isReady = false
            return .notReady
        }
        // The daemon's breaker of the origin when the run shares a host table, else its own.
        let breaker = shared?.table.breakers.breaker(for: origin.name) ?? origin.breaker
        if case .open(let until, _) = breaker.state, now < until {
            if breaker.shouldGiveUp(at: now), let job = origin.popAny() {
                return .reject(job, stillWaiting: origin.keepReady())
            }
            // Wait for the cooldown's end (a probe), or for the give-up instant if sooner.
            return .later(min(until, breaker.giveUpInstant ?? until))
        }
        if host.inFlight >= host.adaptive?.limit ?? fixedLimit {
            origin.isReady = false
            host.parked.append(origin.name)
            return .notReady
        }
        if let paused = host.pausedUntil, paused > now { return .later(paused) }
        let retryIndex = origin.dueRetry(at: now)
        if retryIndex == nil, origin.fresh.isEmpty { return .later(origin.earliestRetry) }
        if let available = host.bucket?.nextAvailable(at: now) { return .later(available) }
        // The daemon's share of the host last: what it grants is taken at once.
        if let shared, case .later(let instant) = shared.table.acquire(origin.host, for: shared.member, at: now) { return .later(instant) }
        if let shared {
            let (permission, transition) = shared.table.breakers.permission(origin.name, at: now)
            switch permission {
            case .allowed:
                return start(&origin, host: &host, retryIndex: retryIndex, transition: transition, at: now)
            case .rejected(let until):
                // Another run's failure opened it since the look above.
                shared.table.release(origin.host, for: shared.member, at: now)
                return .later(until)
            case .wait:
                // A probe is out, maybe another run's, whose outcome this run would not see.
                shared.table.release(origin.host, for: shared.member, at: now)
                return .later(now.advanced(by: BreakerTable<Instant>.probeWait))
            }
        }
        let (permission, transition) = origin.breaker.permission(at: now)
        guard permission == .allowed else {
            origin.isReady = false  // a probe is out; its outcome brings the origin back
            return .notReady
        }
        return start(&origin, host: &host, retryIndex: retryIndex, transition: transition, at: now)
    }

    /// Takes the origin's next job (the due retry first) and its host's slot and token.
    private static func start(
        _ origin: inout Origin, host: inout Host, retryIndex: Int?, transition: CircuitBreaker<Instant>.Transition?, at now: Instant
    ) -> Dispatch {
        let job = retryIndex.map { origin.delayed.remove(at: $0).job } ?? origin.fresh.removeFirst()
        origin.inFlight += 1
        host.inFlight += 1
        host.lastDispatch = now
        host.bucket?.take(at: now)
        return .start(job, transition, stillWaiting: origin.keepReady())
    }

    /// What finishing an attempt changed, for the caller to report.
    struct Finish: Equatable {
        /// The origin's breaker's transition.
        var transition: CircuitBreaker<Instant>.Transition?
        /// The host's new limit, when it adapts and changed.
        var limit: Int?
    }

    /// Records a finished attempt: frees its slot, feeds the origin's breaker and the
    /// host's adaptive limit (with `latency`, the time to the answer's first byte; nil
    /// when no request was sent), and brings back the origins that waited for a slot of
    /// this host.
    @discardableResult
    mutating func finished(host name: String, origin: String? = nil, outcome: AttemptOutcome, latency: Duration? = nil, at now: Instant) -> Finish {
        let originName = origin ?? name
        guard let index = origins.index(forKey: originName), let hostIndex = hosts.index(forKey: name) else { return Finish() }
        inFlightCount -= 1
        origins.values[index].inFlight -= 1
        hosts.values[hostIndex].inFlight -= 1
        if let shared { shared.table.release(name, for: shared.member, at: now) }
        var finish = Finish(
            transition: shared.map { $0.table.breakers.record(outcome, for: originName, at: now) } ?? origins.values[index].breaker.record(outcome, at: now))
        if let signal = AdaptiveLimit<Instant>.Signal(outcome, latency: latency) {
            // Work waited for a slot of this host: the limit, not the input, held it back.
            let saturated = !hosts.values[hostIndex].parked.isEmpty
            if hosts.values[hostIndex].adaptive?.record(signal, saturated: saturated, at: now) == true {
                finish.limit = hosts.values[hostIndex].adaptive?.limit
            }
        }
        if origins.values[index].markReadyIfWaiting() { ready.append(originName) }
        let parked = hosts.values[hostIndex].parked
        hosts.values[hostIndex].parked.removeAll()
        for other in parked {
            if let otherIndex = origins.index(forKey: other), origins.values[otherIndex].markReadyIfWaiting() { ready.append(other) }
        }
        finishedSinceSweep += 1
        if finishedSinceSweep >= 1024 {
            finishedSinceSweep = 0
            sweep(at: now)
        } else {
            if Self.isForgettable(origins.values[index]) { origins.remove(at: index) }
            if let hostIndex = hosts.index(forKey: name), Self.isForgettable(hosts.values[hostIndex], at: now),
                hosts.values[hostIndex].adaptive?.isPristine ?? true
            {
                hosts.remove(at: hostIndex)
            }
        }
        return finish
    }

    /// Empties every queue (on cancellation); returns how many jobs were waiting.
    mutating func drainWaiting() -> Int {
        let drained = waitingCount
        for name in Array(origins.keys) {
            origins[name]?.fresh.removeAll()
            origins[name]?.delayed.removeAll()
            origins[name]?.isReady = false
        }
        for name in Array(hosts.keys) { hosts[name]?.parked.removeAll() }
        ready.removeAll()
        waitingCount = 0
        return drained
    }

    // MARK: Helpers

    /// Changes an origin in place, tracking it (and its host) first when it is new.
    private mutating func updateOrigin(_ name: String, host: String, _ change: (inout Origin) -> Void) {
        if hosts.index(forKey: host) == nil { _ = trackHost(host) }
        if origins.index(forKey: name) == nil {
            origins[name] = Origin(name: name, host: host, breaker: CircuitBreaker(configuration: breakerConfiguration))
        }
        let index = origins.index(forKey: name)!
        change(&origins.values[index])
        if origins.values[index].markReadyIfWaiting() { ready.append(name) }
    }

    /// Changes a host in place, tracking it first when it is new.
    private mutating func updateHost(_ name: String, _ change: (inout Host) -> Void) {
        let index = hosts.index(forKey: name) ?? trackHost(name)
        change(&hosts.values[index])
    }

    /// Starts tracking a host with fresh policies; returns where it is.
    private mutating func trackHost(_ name: String) -> Dictionary<String, Host>.Index {
        hosts[name] = Host(adaptive: adaptive.map { AdaptiveLimit(configuration: $0) }, bucket: perHostRate.map { TokenBucket(rate: $0, burst: burst) })
        return hosts.index(forKey: name)!
    }

    private mutating func sweep(at now: Instant) {
        for (name, origin) in origins where Self.isForgettable(origin) { origins.removeValue(forKey: name) }
        // A host forgotten while one of its origins still waits is made again, as it was:
        // nothing in flight, a full bucket, no pause. A learnt adaptive limit is kept while
        // an origin of the host is tracked (between two requests, in flight is 0).
        let tracked = adaptive == nil ? [] : Set(origins.values.map(\.host))
        for (name, host) in hosts where Self.isForgettable(host, at: now) && ((host.adaptive?.isPristine ?? true) || !tracked.contains(name)) {
            hosts.removeValue(forKey: name)
        }
    }

    /// Nothing in flight or waiting, and a breaker with nothing to remember.
    private static func isForgettable(_ origin: Origin) -> Bool {
        origin.inFlight == 0 && origin.waiting == 0 && origin.breaker.isPristine
    }

    /// Nothing in flight, and no rate state that would change a later decision. (An adaptive
    /// limit that has learnt something is kept while an origin of its host is tracked; then
    /// it is forgotten: a host seen again later starts afresh, from 2 and growing fast,
    /// which costs a few round trips, while keeping every host's would grow without bound
    /// over a crawl of millions.)
    private static func isForgettable(_ host: Host, at now: Instant) -> Bool {
        host.inFlight == 0 && host.parked.isEmpty && (host.bucket?.isFull(at: now) ?? true) && (host.pausedUntil.map { $0 <= now } ?? true)
    }
}

extension HostQueues.Item: Sendable where Payload: Sendable {}

extension AdaptiveLimit.Signal {
    /// What an attempt's outcome says to an adaptive limit: an answer's first-byte time, or
    /// overload (429, and the retryable failures: 503, 502, 504, timeouts, resets); nil
    /// when it says nothing about the host's load (no request sent, a DNS or TLS failure,
    /// a fault of one response).
    init?(_ outcome: AttemptOutcome, latency: Duration?) {
        switch outcome {
        case .success:
            guard let latency else { return nil }
            self = .answered(latency: latency)
        case .throttled, .failure(retryable: true, _): self = .overloaded
        case .failure(retryable: false, _), .neutral: return nil
        }
    }
}
