import DequeModule
public import ScrapeBase
public import ScrapeResilience

/// The daemon's hosts, shared by all its runs: what one host sees from the whole daemon
/// (`daemon.per_host_concurrency`, `daemon.per_host_rate`, `Retry-After` pauses), however
/// many jobs, crawls and inbox lists reach it at once. scrapyd's users asked for this since
/// 2017 (scrapyd#221): each of its runs had a scheduler of its own, so two jobs on a host
/// each took the host's whole budget.
///
/// The table also holds the daemon's circuit breakers (``breakers``), one per origin, so
/// an origin one run found failing is open for all of them.
///
/// Each run's ``HostQueues`` still holds its own queues and caps (the top-level
/// and the job's `http:` limits stay caps within these); before it dispatches it asks this
/// table (``acquire(_:for:at:)``) and after an attempt it gives the slot back
/// (``release(_:for:at:)``).
///
/// Fairness is round-robin between the runs waiting on a host: a run refused a slot or a
/// token joins the host's line, and while anyone waits only the head of the line may take
/// one. A freed slot is handed to the head at once (reserved for it for ``handOff``) and
/// its doorbell rung, so a run waiting on a host another run frees wakes up at once; the
/// run that freed it, if it wants more, goes to the back of the line. Tokens of a
/// rate-limited host go round the runs that use it, whichever wakes first. A run in line is
/// also told to ask again after ``handOff`` at the latest, so a slot handed to a run that
/// no longer wants it (it ended, or its URLs of the host went) returns to the line.
public final class HostTable<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// What one host may get from the whole daemon.
    public struct Limits: Sendable, Equatable {
        public var perHostConcurrency: Int
        /// Requests per second; nil is unlimited.
        public var perHostRate: Double?

        public init(perHostConcurrency: Int, perHostRate: Double? = nil) {
            self.perHostConcurrency = max(1, perHostConcurrency)
            self.perHostRate = perHostRate
        }
    }

    /// A run's place at the table: its number and the doorbell rung when a host it waits
    /// on is handed to it.
    public struct Member: Sendable {
        let id: Int
        public let doorbell: Doorbell
    }

    /// What a run may do now about a host.
    public enum Grant: Sendable, Equatable {
        /// Dispatch: the slot (and token) is taken.
        case granted
        /// Ask again at this instant (in line: the doorbell may ring sooner; a token; the
        /// end of a pause).
        case later(Instant)
    }

    private struct Host {
        var inFlight = 0
        var bucket: TokenBucket<Instant>?
        var pausedUntil: Instant?
        /// Runs waiting for this host, in arrival order.
        var line = Deque<Int>()
        /// When each run in line was told to ask again: one that has not come back by then
        /// (and ``handOff`` more) no longer wants the host and leaves the line.
        var due: [Int: Instant] = [:]
        /// A slot handed to the head of the line, counted in `inFlight`, until it takes it.
        var reserved: (run: Int, until: Instant)?
        /// When each run last got a token of this host (rate-limited hosts only).
        var served: [Int: Instant] = [:]
    }

    private struct State {
        var limits: Limits
        var hosts: [String: Host] = [:]
        var doorbells: [Int: Doorbell] = [:]
        var nextMember = 0
    }

    /// How long a slot handed to a waiting run stays its own: a run that no longer wants it
    /// (its URLs of the host were all dispatched elsewhere, or it ended) must not keep it.
    public static var handOff: Duration { .milliseconds(250) }

    private let state: Locked<State>
    /// The daemon's per-origin circuit breakers, shared by every run at this table.
    public let breakers: BreakerTable<Instant>

    /// - Parameter breaker: the settings of the shared breakers (the file's `http.circuit_breaker`).
    public init(limits: Limits, breaker: CircuitBreaker<Instant>.Configuration = .init()) {
        state = Locked(State(limits: limits))
        breakers = BreakerTable(configuration: breaker)
    }

    /// Applies new limits (a reload); a stricter rate starts with the next token.
    public func update(_ limits: Limits) {
        state.withLock { state in
            guard state.limits != limits else { return }
            state.limits = limits
            for name in Array(state.hosts.keys) {
                state.hosts[name]?.bucket = limits.perHostRate.map { TokenBucket(rate: $0) }
            }
        }
    }

    /// A new run's membership; pair with ``leave(_:)``.
    public func join() -> Member {
        let member = Member(id: state.withLock { state in
            state.nextMember += 1
            return state.nextMember
        }, doorbell: Doorbell())
        state.withLock { $0.doorbells[member.id] = member.doorbell }
        return member
    }

    /// Ends a run's membership: its places in lines and its handed slots go to the next.
    public func leave(_ member: Member, at now: Instant) {
        var ring: [Doorbell] = []
        state.withLock { state in
            state.doorbells[member.id] = nil
            for name in Array(state.hosts.keys) {
                guard var host = state.hosts[name] else { continue }
                host.line.removeAll { $0 == member.id }
                host.due[member.id] = nil
                host.served[member.id] = nil
                if host.reserved?.run == member.id {
                    host.reserved = nil
                    host.inFlight -= 1
                    Self.handOver(name, &host, in: &state, at: now, ring: &ring)
                }
                state.hosts[name] = host
                Self.forgetIfIdle(name, in: &state, at: now)
            }
        }
        for doorbell in ring { doorbell.ring() }
    }

    /// May `member` dispatch to `host` now?
    public func acquire(_ host: String, for member: Member, at now: Instant) -> Grant {
        var ring: [Doorbell] = []
        let grant = state.withLock { state -> Grant in
            var entry = state.hosts[host] ?? Host(bucket: state.limits.perHostRate.map { TokenBucket(rate: $0) })
            defer { state.hosts[host] = entry }
            if let reserved = entry.reserved, reserved.until < now, reserved.run != member.id {
                // The run it was handed to did not come for it: the next in line gets it.
                entry.reserved = nil
                entry.inFlight -= 1
                Self.handOver(host, &entry, in: &state, at: now, ring: &ring)
            }
            while let head = entry.line.first, head != member.id, let due = entry.due[head], due.advanced(by: Self.handOff) < now {
                entry.line.removeFirst()  // it did not come back: its URLs of this host are gone
                entry.due[head] = nil
            }
            entry.due[member.id] = nil
            let holdsReservation = entry.reserved?.run == member.id
            if !holdsReservation {
                // Behind another run: one holds a handed slot, or heads the line.
                let behind = entry.reserved != nil || (entry.line.first.map { $0 != member.id } ?? false)
                if behind || entry.inFlight >= state.limits.perHostConcurrency {
                    if !entry.line.contains(member.id) { entry.line.append(member.id) }
                    entry.due[member.id] = now.advanced(by: Self.handOff)
                    return .later(now.advanced(by: Self.handOff))
                }
            }
            // Tokens go round: while another run that uses this host was served before this one
            // (within the last few tokens), the next token is its. (Both runs' timers fire at
            // the token's instant; without this, whichever woke first would win every time.)
            if !holdsReservation, let interval = entry.bucket?.interval, let mine = entry.served[member.id] {
                let window = max(Self.handOff, interval * 3)
                entry.served = entry.served.filter { now < $0.value.advanced(by: window) || $0.key == member.id }
                if entry.served.contains(where: { $0.key != member.id && $0.value < mine }) {
                    return .later(now.advanced(by: min(interval / 4, Self.handOff)))
                }
            }
            // A pause or a token to wait for: in line too, so the next token is the head's.
            if let wait = entry.pausedUntil.flatMap({ $0 > now ? $0 : nil }) ?? entry.bucket?.nextAvailable(at: now) {
                if holdsReservation {
                    entry.reserved?.until = wait.advanced(by: Self.handOff)
                } else {
                    if !entry.line.contains(member.id) { entry.line.append(member.id) }
                    entry.due[member.id] = wait
                }
                return .later(wait)
            }
            entry.bucket?.take(at: now)
            if entry.bucket != nil { entry.served[member.id] = now }
            if holdsReservation {
                entry.reserved = nil  // already counted in inFlight
            } else {
                entry.inFlight += 1
            }
            entry.line.removeAll { $0 == member.id }
            // More room than this run took: the next in line may use it too.
            if entry.inFlight < state.limits.perHostConcurrency, entry.reserved == nil, let next = entry.line.first,
                let doorbell = state.doorbells[next]
            {
                ring.append(doorbell)
            }
            return .granted
        }
        for doorbell in ring { doorbell.ring() }
        return grant
    }

    /// Gives back the slot `member` took for `host`; the head of its line gets it.
    public func release(_ host: String, for member: Member, at now: Instant) {
        var ring: [Doorbell] = []
        state.withLock { state in
            guard var entry = state.hosts[host] else { return }
            entry.inFlight -= 1
            Self.handOver(host, &entry, in: &state, at: now, ring: &ring)
            state.hosts[host] = entry
            Self.forgetIfIdle(host, in: &state, at: now)
        }
        for doorbell in ring { doorbell.ring() }
    }

    /// Pauses `host` for every run until `until` (a `Retry-After` on a 429).
    public func pause(_ host: String, until: Instant) {
        state.withLock { state in
            var entry = state.hosts[host] ?? Host(bucket: state.limits.perHostRate.map { TokenBucket(rate: $0) })
            entry.pausedUntil = max(entry.pausedUntil ?? until, until)
            state.hosts[host] = entry
        }
    }

    /// Hosts tracked (for tests of forgetting).
    var trackedHosts: Int { state.withLock { $0.hosts.count } }

    /// A free slot of `host` goes to the head of its line, reserved and rung.
    private static func handOver(_ name: String, _ host: inout Host, in state: inout State, at now: Instant, ring: inout [Doorbell]) {
        guard host.reserved == nil, host.inFlight < state.limits.perHostConcurrency else { return }
        while let head = host.line.first {
            guard let doorbell = state.doorbells[head] else {
                host.line.removeFirst()  // a run that left
                continue
            }
            host.line.removeFirst()
            host.due[head] = nil
            host.reserved = (head, now.advanced(by: handOff))
            host.inFlight += 1
            ring.append(doorbell)
            return
        }
    }

    private static func forgetIfIdle(_ name: String, in state: inout State, at now: Instant) {
        guard let host = state.hosts[name], host.inFlight == 0, host.line.isEmpty, host.reserved == nil,
            host.bucket?.isFull(at: now) ?? true, host.pausedUntil.map({ $0 <= now }) ?? true
        else { return }
        state.hosts.removeValue(forKey: name)
    }
}
