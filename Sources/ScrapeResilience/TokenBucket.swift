/// A token bucket for one rate, kept as GCRA (the generic cell rate algorithm): one
/// instant instead of a token count, so it costs nothing while idle and never drifts.
///
/// `rate` requests per second on average, at most `burst` at once after a quiet spell.
/// It only decides; whoever dispatches waits (without holding a slot) until the instant
/// ``nextAvailable(at:)`` names, then calls ``take(at:)``.
public struct TokenBucket<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// Time between tokens: 1 / rate.
    public private(set) var interval: Duration
    /// Tokens available at once after a quiet spell.
    public let burst: Int
    /// The instant the bucket is empty again (GCRA's theoretical arrival time).
    private var theoreticalArrival: Instant?

    /// - Parameters:
    ///   - rate: tokens per second, > 0.
    ///   - burst: tokens at once, >= 1. Default 1: requests evenly spaced.
    public init(rate: Double, burst: Int = 1) {
        self.interval = .seconds(1 / rate)
        self.burst = max(1, burst)
    }

    /// The instant a token is available, or nil when one is available at `now`.
    public func nextAvailable(at now: Instant) -> Instant? {
        guard let theoreticalArrival else { return nil }
        let allowed = theoreticalArrival.advanced(by: .zero - interval * (burst - 1))
        return allowed > now ? allowed : nil
    }

    /// Takes a token at `now`; call only when ``nextAvailable(at:)`` returned nil.
    public mutating func take(at now: Instant) {
        let start = theoreticalArrival.map { max($0, now) } ?? now
        theoreticalArrival = start.advanced(by: interval)
    }

    /// Slows the bucket to at most one token per `interval` (a robots.txt `Crawl-delay`);
    /// a stricter existing rate is kept.
    public mutating func limit(toInterval newInterval: Duration) {
        interval = max(interval, newInterval)
    }

    /// Whether the bucket has refilled completely, so forgetting it changes nothing.
    public func isFull(at now: Instant) -> Bool {
        guard let theoreticalArrival else { return true }
        return theoreticalArrival <= now
    }
}
