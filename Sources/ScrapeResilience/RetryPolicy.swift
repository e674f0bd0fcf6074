/// Decides whether a failed attempt is tried again, and when. It only decides: the
/// scheduler re-enqueues the job on its host's queue with the returned delay.
public struct RetryPolicy: Sendable, Equatable {
    /// Why a job is not retried.
    public enum GiveUpReason: Sendable, Equatable {
        /// The failure is not transient.
        case notRetryable
        /// `maxAttempts` were made.
        case attemptsExhausted
        /// The server's `Retry-After` is longer than ``maxRetryAfter``.
        case retryAfterTooLong(Duration)
        /// The method is not idempotent and ``retryNonIdempotent`` is off.
        case notIdempotent
    }

    /// The decision for one failed attempt.
    public enum Decision: Sendable, Equatable {
        case retry(after: Duration)
        case giveUp(GiveUpReason)
    }

    /// Requests per job at most: 1 + retries.
    public var maxAttempts: Int
    /// Delay before a retry when the server gave no `Retry-After`.
    public var backoff: Backoff
    /// The longest `Retry-After` honoured; a longer one gives up rather than waiting.
    public var maxRetryAfter: Duration
    /// Retry POST and other non-idempotent methods too.
    public var retryNonIdempotent: Bool

    /// Defaults: four attempts (three retries), ``Backoff``'s defaults, `Retry-After` up to
    /// 2 minutes honoured, non-idempotent requests not retried.
    public init(maxAttempts: Int = 4, backoff: Backoff = Backoff(), maxRetryAfter: Duration = .seconds(120), retryNonIdempotent: Bool = false) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
        self.maxRetryAfter = maxRetryAfter
        self.retryNonIdempotent = retryNonIdempotent
    }

    /// The decision after attempt number `attempt` (1-based) ended with `outcome`.
    public func decision(
        for outcome: AttemptOutcome,
        attempt: Int,
        idempotent: Bool = true,
        using generator: inout some RandomNumberGenerator
    ) -> Decision {
        let retryAfter: Duration?
        switch outcome {
        case .success, .neutral, .failure(retryable: false, _):
            return .giveUp(.notRetryable)
        case .failure(retryable: true, let after), .throttled(let after):
            retryAfter = after
        }
        guard idempotent || retryNonIdempotent else { return .giveUp(.notIdempotent) }
        guard attempt < maxAttempts else { return .giveUp(.attemptsExhausted) }
        if let retryAfter {
            guard retryAfter <= maxRetryAfter else { return .giveUp(.retryAfterTooLong(retryAfter)) }
            return .retry(after: retryAfter)
        }
        return .retry(after: backoff.delay(afterAttempt: attempt, using: &generator))
    }
}
