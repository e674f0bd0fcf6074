import ScrapeResilience
import ScrapeTestSupport
import Testing

/// Backoff bounds, Retry-After parsing and retry decisions.
struct RetryPolicyTests {
    let backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(30))

    @Test func backoffCeilingDoublesAndCaps() {
        let ceilings = (1...9).map { backoff.ceiling(afterAttempt: $0) }
        #expect(ceilings == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30), .seconds(30)])
    }

    @Test func jitteredDelaysStayWithinTheCeilingAndSpread() {
        var generator = SeededGenerator(state: 42)
        for attempt in 1...8 {
            let delays = (0..<500).map { _ in backoff.delay(afterAttempt: attempt, using: &generator) }
            let ceiling = backoff.ceiling(afterAttempt: attempt)
            #expect(delays.allSatisfy { $0 >= .zero && $0 <= ceiling })
            #expect(delays.min()! < ceiling / 4)  // full jitter: the whole range is used
            #expect(delays.max()! > ceiling * 3 / 4)
        }
    }

    static let now: Int64 = 784_111_777  // Sun, 06 Nov 1994 08:49:37 GMT

    @Test(arguments: [
        ("120", Duration.seconds(120)), (" 0 ", .zero), ("Sun, 06 Nov 1994 08:50:37 GMT", .seconds(60)),
        ("Sunday, 06-Nov-94 08:49:47 GMT", .seconds(10)), ("Sun Nov  6 08:49:39 1994", .seconds(2)),
        ("Sun, 06 Nov 1994 08:00:00 GMT", .zero), ("Thu, 01 Jan 1970 00:00:00 GMT", .zero),
    ])
    func parsesRetryAfter(value: String, delay: Duration) {
        #expect(RetryAfter.delay(value, now: Self.now) == delay)
    }

    @Test(arguments: ["", "soon", "-1", "1.5", "Sun, 06 Nov 1994 25:00:00 GMT", "Sun, 32 Nov 1994 08:49:37 GMT", "99999999999999999999", "Sun, 06 Foo 1994 08:49:37 GMT"])
    func rejectsGarbageRetryAfter(value: String) {
        #expect(RetryAfter.delay(value, now: Self.now) == nil)
    }

    @Test func retriesTransientFailuresUntilAttemptsRunOut() {
        let policy = RetryPolicy(maxAttempts: 3, backoff: backoff)
        var generator = SeededGenerator(state: 1)
        let failure = AttemptOutcome.failure(retryable: true, retryAfter: nil)
        guard case .retry(let first) = policy.decision(for: failure, attempt: 1, using: &generator) else {
            Issue.record("no retry")
            return
        }
        #expect(first <= .milliseconds(500))
        guard case .retry = policy.decision(for: failure, attempt: 2, using: &generator) else {
            Issue.record("no second retry")
            return
        }
        #expect(policy.decision(for: failure, attempt: 3, using: &generator) == .giveUp(.attemptsExhausted))
    }

    @Test func honoursRetryAfterUpToItsCap() {
        let policy = RetryPolicy(maxAttempts: 4, backoff: backoff, maxRetryAfter: .seconds(60))
        var generator = SeededGenerator(state: 1)
        #expect(policy.decision(for: .throttled(retryAfter: .seconds(5)), attempt: 1, using: &generator) == .retry(after: .seconds(5)))
        #expect(policy.decision(for: .failure(retryable: true, retryAfter: .seconds(7)), attempt: 1, using: &generator) == .retry(after: .seconds(7)))
        #expect(policy.decision(for: .throttled(retryAfter: .seconds(61)), attempt: 1, using: &generator) == .giveUp(.retryAfterTooLong(.seconds(61))))
    }

    @Test func givesUpOnWhatRetryingCannotFix() {
        let policy = RetryPolicy(maxAttempts: 4, backoff: backoff)
        var generator = SeededGenerator(state: 1)
        for outcome in [AttemptOutcome.success, .neutral, .failure(retryable: false, retryAfter: nil)] {
            #expect(policy.decision(for: outcome, attempt: 1, using: &generator) == .giveUp(.notRetryable))
        }
        #expect(policy.decision(for: .throttled(retryAfter: nil), attempt: 1, idempotent: false, using: &generator) == .giveUp(.notIdempotent))
        let lenient = RetryPolicy(maxAttempts: 4, backoff: backoff, retryNonIdempotent: true)
        guard case .retry = lenient.decision(for: .throttled(retryAfter: nil), attempt: 1, idempotent: false, using: &generator) else {
            Issue.record("configured non-idempotent retry refused")
            return
        }
    }
}
