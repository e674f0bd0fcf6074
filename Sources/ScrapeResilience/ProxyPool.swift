/// Which proxy of a pool carries the next request, and what each outcome does to the pool:
/// pure logic with the time passed in (an injected clock), as ``CircuitBreaker``.
///
/// Proxies are numbered by their place in the pool (the caller maps numbers to URLs;
/// two URLs that differ only by credentials are two proxies). The rules (issue 29):
/// - **Health.** A proxy that fails on its own (unreachable, refused CONNECT, 407, a SOCKS
///   error) is out for a random time up to 30 s, the ceiling doubling with each failure in
///   a row up to 1 h (full jitter, ``Backoff``). When that time has passed one request
///   probes it; while the probe is out, no other request takes it. A request it carries
///   makes it healthy again.
/// - **Bans.** A 403 or 429 from the target through proxy P bans the pair (P, host) for
///   the breaker's cooldown, doubling with each ban of the pair up to the breaker's
///   maximum. Only in pools of two or more: one proxy cannot be swapped for another.
///   Other hosts keep P.
/// - **Choice.** ``choose(for:excluding:at:)`` skips the proxies a request already tried,
///   proxies that are out or probing, and those banned for the host; it goes round-robin
///   (``Rotation/request``) or keeps a host on one proxy while it stays usable
///   (``Rotation/host``). With none usable it says when to ask again, or, once the host
///   has had no usable proxy for `giveUpAfter`, to give up.
public struct ProxyPool<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// How requests are spread over the pool.
    public enum Rotation: Sendable, Equatable {
        /// Each request takes the next usable proxy.
        case request
        /// A host keeps its proxy while that proxy is usable for it.
        case host
    }

    /// The pool's settings.
    public struct Configuration: Sendable, Equatable {
        /// How many proxies; at least 1.
        public var count: Int
        /// Default ``Rotation/request``.
        public var rotation: Rotation
        /// A failed proxy's time out: full jitter up to 30 s, doubling to 1 h.
        public var outage: Backoff
        /// The first ban of a (proxy, host) pair; the breaker's cooldown. Default 30 s.
        public var banCooldown: Duration
        /// The longest ban; the breaker's maximum cooldown. Default 600 s.
        public var maximumBanCooldown: Duration
        /// How long a host may have no usable proxy before its URLs are given up; the
        /// breaker's `give_up_after`. Default 300 s.
        public var giveUpAfter: Duration

        public init(
            count: Int, rotation: Rotation = .request, outage: Backoff = Backoff(initial: .seconds(30), maximum: .seconds(3600)),
            banCooldown: Duration = .seconds(30), maximumBanCooldown: Duration = .seconds(600), giveUpAfter: Duration = .seconds(300)
        ) {
            self.count = max(1, count)
            self.rotation = rotation
            self.outage = outage
            self.banCooldown = banCooldown
            self.maximumBanCooldown = max(banCooldown, maximumBanCooldown)
            self.giveUpAfter = giveUpAfter
        }
    }

    /// One proxy's health.
    public enum Health: Sendable, Equatable {
        case healthy
        /// Out until `until` after `failures` failures in a row.
        case out(until: Instant, failures: Int)
        /// One request is testing it after an outage.
        case probing(failures: Int)
    }

    /// What to do with a request.
    public enum Choice: Sendable, Equatable {
        /// Send it through proxy number `index`.
        case use(Int)
        /// Every proxy has been tried for this request.
        case exhausted
        /// No proxy is usable for the host now: ask again at `until` (the request waits, holding nothing).
        case wait(until: Instant)
        /// The host has had no usable proxy for `giveUpAfter`: write the URL as failed.
        case giveUp
    }

    /// Counts for metrics and the run summary, per proxy.
    public struct Counts: Sendable, Equatable {
        /// Requests the proxy carried to the target.
        public var requests = 0
        /// The proxy's own failures.
        public var failures = 0
        /// (proxy, host) bans it got.
        public var bans = 0

        public init(requests: Int = 0, failures: Int = 0, bans: Int = 0) {
            self.requests = requests
            self.failures = failures
            self.bans = bans
        }
    }

    private struct Ban: Sendable {
        var until: Instant
        var cooldown: Duration
    }

    private struct PairKey: Hashable, Sendable {
        var proxy: Int
        var host: String
    }

    public let configuration: Configuration
    public private(set) var health: [Health]
    public private(set) var counts: [Counts]
    private var bans: [PairKey: Ban] = [:]
    private var cursor = 0
    private var assigned: [String: Int] = [:]
    /// Since when each host has found no usable proxy.
    private var unusableSince: [String: Instant] = [:]

    public init(configuration: Configuration) {
        self.configuration = configuration
        health = Array(repeating: .healthy, count: configuration.count)
        counts = Array(repeating: Counts(), count: configuration.count)
    }

    /// Picks the proxy for a request to `host` that has already tried `tried`.
    public mutating func choose(for host: String, excluding tried: Set<Int> = [], at now: Instant) -> Choice {
        let candidates = (0..<configuration.count).filter { !tried.contains($0) }
        guard !candidates.isEmpty else { return .exhausted }
        let usable = candidates.filter { isUsable($0, for: host, at: now) }
        if let pick = pick(from: usable, for: host) {
            if case .out(_, let failures) = health[pick] { health[pick] = .probing(failures: failures) }
            return .use(pick)
        }
        let since = unusableSince[host] ?? now
        unusableSince[host] = since
        let deadline = since.advanced(by: configuration.giveUpAfter)
        if deadline <= now { return .giveUp }
        let next = candidates.map { usableAgain($0, for: host, at: now) }.min() ?? deadline
        return .wait(until: min(next, deadline))
    }

    /// The proxy carried a request to `host` (whatever the target answered): it is healthy.
    public mutating func recordCarried(proxy: Int, host: String, at now: Instant) {
        health[proxy] = .healthy
        counts[proxy].requests += 1
        unusableSince[host] = nil
    }

    /// The target answered 403 or 429 through `proxy`: the pair is banned (pools of 2+).
    public mutating func recordBlocked(proxy: Int, host: String, at now: Instant) {
        recordCarried(proxy: proxy, host: host, at: now)
        guard configuration.count >= 2 else { return }
        let key = PairKey(proxy: proxy, host: host)
        let cooldown = bans[key].map { min($0.cooldown * 2, configuration.maximumBanCooldown) } ?? configuration.banCooldown
        bans[key] = Ban(until: now.advanced(by: cooldown), cooldown: cooldown)
        counts[proxy].bans += 1
        if assigned[host] == proxy { assigned[host] = nil }
    }

    /// The proxy failed on its own: it is out for a jittered, doubling time, returned.
    @discardableResult
    public mutating func recordFailure(proxy: Int, at now: Instant, using generator: inout some RandomNumberGenerator) -> Duration {
        let failures: Int
        switch health[proxy] {
        case .healthy: failures = 1
        case .out(_, let count), .probing(let count): failures = count + 1
        }
        let outFor = configuration.outage.delay(afterAttempt: failures, using: &generator)
        health[proxy] = .out(until: now.advanced(by: outFor), failures: failures)
        counts[proxy].failures += 1
        assigned = assigned.filter { $0.value != proxy }
        return outFor
    }

    /// The request through a probing proxy ended without an answer either way (cancelled):
    /// the proxy may be probed again at once.
    public mutating func releaseProbe(proxy: Int, at now: Instant) {
        if case .probing(let failures) = health[proxy] { health[proxy] = .out(until: now, failures: failures) }
    }

    /// Whether `proxy` is banned for `host` at `now`.
    public func isBanned(_ proxy: Int, for host: String, at now: Instant) -> Bool {
        guard let ban = bans[PairKey(proxy: proxy, host: host)] else { return false }
        return now < ban.until
    }

    private func isUsable(_ proxy: Int, for host: String, at now: Instant) -> Bool {
        if isBanned(proxy, for: host, at: now) { return false }
        switch health[proxy] {
        case .healthy: return true
        case .out(let until, _): return now >= until
        case .probing: return false
        }
    }

    /// When `proxy` may next be usable for `host`: a probe in flight is given a second.
    private func usableAgain(_ proxy: Int, for host: String, at now: Instant) -> Instant {
        var instant = now
        switch health[proxy] {
        case .healthy: break
        case .out(let until, _): instant = max(instant, until)
        case .probing: instant = now.advanced(by: .seconds(1))
        }
        if let ban = bans[PairKey(proxy: proxy, host: host)], now < ban.until { instant = max(instant, ban.until) }
        return instant
    }

    private mutating func pick(from usable: [Int], for host: String) -> Int? {
        guard !usable.isEmpty else { return nil }
        if configuration.rotation == .host, let kept = assigned[host], usable.contains(kept) { return kept }
        let count = configuration.count
        let start = cursor
        let pick = (0..<count).lazy.map { (start + $0) % count }.first { usable.contains($0) }!
        cursor = (pick + 1) % count
        if configuration.rotation == .host { assigned[host] = pick }
        return pick
    }
}
