import ScrapeBase

/// Exponential backoff with full jitter (AWS's "full jitter"): the delay before retry n
/// is uniform in [0, min(max, initial × 2^(n-1))], which spreads retries of many clients
/// instead of synchronising them.
public struct Backoff: Sendable, Equatable {
    /// The cap of the first retry's delay.
    public var initial: Duration
    /// The largest delay.
    public var maximum: Duration

    /// Defaults 500 ms and 30 s: a blip is retried at once, a struggling server is not
    /// hammered, and four attempts fit well inside a minute.
    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The upper bound for the retry after attempt `attempt` (1 = the first request failed).
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        var ceiling = initial
        for _ in 1..<max(1, attempt) where ceiling < maximum {
            ceiling = ceiling * 2
        }
        return min(ceiling, maximum)
    }

    /// A random delay in `[0, ceiling(afterAttempt:)]`.
    public func delay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(afterAttempt: attempt)
        let nanoseconds = ceiling.inNanoseconds
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanoseconds, using: &generator))
    }
}
