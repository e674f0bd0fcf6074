/// A run's failures in a row, the count ``ReconnectPolicy/decide(_:failures:using:)``
/// needs, kept over the instants of a clock (`ContinuousClock` in the runner, a
/// `MockClock` in tests, so the rule is a pure unit test).
///
/// 1. ``opened(at:)`` when a handshake completes;
/// 2. ``ended(_:at:delivered:policy:using:)`` when that connection (or an attempt that
///    never opened) ends: it counts the failure, or starts a fresh count when the
///    connection was stable, and returns the policy's decision.
///
/// Stable is ``ReconnectPolicy/isStable(openFor:delivered:)``.
struct FailureStreak<Instant: InstantProtocol>: Sendable where Instant.Duration == Swift.Duration {
    /// Failed connections in a row, the last one included; 0 before the first end.
    private(set) var failures = 0
    private var openedAt: Instant?

    init() {}

    /// The current connection completed its handshake at `instant`.
    mutating func opened(at instant: Instant) {
        openedAt = instant
    }

    /// The current connection (or attempt) ended at `instant`.
    ///
    /// - Parameters:
    ///   - delivered: whether it delivered at least one message.
    /// - Returns: what the policy decides, given the updated count.
    mutating func ended(
        _ end: ConnectionEnd, at instant: Instant, delivered: Bool, policy: ReconnectPolicy,
        using random: inout some RandomNumberGenerator
    ) -> ReconnectPolicy.Decision {
        let openFor = openedAt.map { $0.duration(to: instant) }
        openedAt = nil
        failures = policy.isStable(openFor: openFor, delivered: delivered) ? 1 : failures + 1
        return policy.decide(end, failures: failures, using: &random)
    }
}
