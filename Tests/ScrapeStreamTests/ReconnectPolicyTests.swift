import ScrapeCore
import ScrapeResilience
import ScrapeTestSupport
import Testing

@testable import ScrapeStream

/// The reconnect rules of `scrape ws`, as a pure decision: no server, no clock.
@Suite struct ReconnectPolicyTests {
    let backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(30))

    func decide(_ end: ConnectionEnd, failures: Int = 1, limit: ReconnectPolicy.Limit = .attempts(5)) -> ReconnectPolicy.Decision {
        var random = SeededGenerator(state: 7)
        return ReconnectPolicy(limit: limit, backoff: backoff).decide(end, failures: failures, using: &random)
    }

    @Test(arguments: [1001, 1011, 1012, 1013, 1014] as [UInt16])
    func closesThatInviteAReturnReconnect(code: UInt16) {
        guard case .reconnect(let delay) = decide(.closedByServer(code: code, reason: "")) else { Issue.record("\(code)"); return }
        #expect(delay <= .milliseconds(500))
    }

    @Test(arguments: [1002, 1003, 1005, 1007, 1008, 1009, 1010, 4000] as [UInt16])
    func otherClosesEndTheRun(code: UInt16) {
        #expect(decide(.closedByServer(code: code, reason: "x")) == .finish(.failure(ConnectionEnd.closedByServer(code: code, reason: "x").description)))
    }

    @Test func aNormalCloseEndsTheRunWell() {
        #expect(decide(.closedByServer(code: 1000, reason: "")) == .finish(.success))
        #expect(decide(.closedByServer(code: 1000, reason: ""), limit: .never) == .finish(.success))
        #expect(decide(.stopped) == .finish(.success))
    }

    @Test func failuresReconnectWithJitteredBackoffInTheUpperHalfOfTheDoublingCeiling() {
        for failures in 1...10 {
            let ceiling = backoff.ceiling(afterAttempt: failures)
            for end in [ConnectionEnd.dropped("reset"), .idleTimeout(.seconds(60)), .connectFailed("refused"), .violation(code: 1002, reason: "rsv")] {
                guard case .reconnect(let delay) = decide(end, failures: failures, limit: .forever) else { Issue.record("\(end)"); continue }
                #expect(delay >= ceiling / 2 && delay <= ceiling, "\(end) after \(failures)")
            }
        }
        #expect(backoff.ceiling(afterAttempt: 10) == .seconds(30))
    }

    @Test func theBudgetCountsFailuresInARow() {
        guard case .reconnect = decide(.dropped("x"), failures: 5, limit: .attempts(5)) else { Issue.record("5 of 5 may still reconnect"); return }
        #expect(decide(.dropped("x"), failures: 6, limit: .attempts(5)) == .finish(.failure("gave up after 5 reconnect attempts; last: connection lost without a close frame (1006): x")))
        #expect(decide(.dropped("x"), failures: 1, limit: .attempts(0)) == .finish(.failure("gave up after 0 reconnect attempts; last: connection lost without a close frame (1006): x")))
    }

    @Test func noReconnectEndsOnAnyClose() {
        #expect(decide(.closedByServer(code: 1001, reason: "bye"), limit: .never) == .finish(.failure("closed by the server with 1001 (bye)")))
        #expect(decide(.dropped("x"), limit: .never) == .finish(.failure("connection lost without a close frame (1006): x")))
    }

    @Test(arguments: [401, 403, 404])
    func permanentRefusalsEndTheRunUnlessForever(status: Int) {
        let end = ConnectionEnd.refused(status: status, reason: "", retryAfter: nil)
        #expect(decide(end) == .finish(.failure(end.description)))
        guard case .reconnect = decide(end, limit: .forever) else { Issue.record("a daemon job keeps trying"); return }
    }

    @Test func retryAfterWinsOverBackoffOn429And503AndIsCapped() {
        #expect(decide(.refused(status: 429, reason: "", retryAfter: .seconds(7))) == .reconnect(after: .seconds(7)))
        #expect(decide(.refused(status: 503, reason: "", retryAfter: .seconds(90_000))) == .reconnect(after: .seconds(3600)))
        guard case .reconnect(let delay) = decide(.refused(status: 500, reason: "", retryAfter: .seconds(7))) else { Issue.record("500"); return }
        #expect(delay <= .milliseconds(500))  // Retry-After on other statuses is not honoured
    }

    @Test func anOutputFailureEndsEvenAForeverStream() {
        let error = OutputError(path: "out.jsonl", reason: "No space left on device")
        #expect(decide(.outputFailed(error), limit: .forever) == .finish(.outputFailed("cannot write out.jsonl: No space left on device")))
    }
}

extension ReconnectPolicyTests {
    @Test func aClosedPipeIsTheQuietEndOfAPipeline() {
        let error = OutputError(path: "-", reason: "the reader closed the pipe", kind: .closedPipe)
        #expect(decide(.outputFailed(error)) == .finish(.closedPipe))
    }
}

/// Issue 24: what resets the count and the backoff, on a `MockClock`. A server that sends
/// one message and closes got 87 connections in 20 s, and `--reconnect 2` was no limit,
/// because any message delivered reset both.
@Suite struct FailureStreakTests {
    /// A generator whose every draw is the lowest (1 makes `random(in:)` return its lower
    /// bound at once; 0 would spin in its rejection loop) or the highest.
    struct FixedGenerator: RandomNumberGenerator {
        let value: UInt64
        mutating func next() -> UInt64 { value }
        static let lowest = FixedGenerator(value: 1)
        static let highest = FixedGenerator(value: .max)
    }

    let oneMessageThenGoingAway = ConnectionEnd.closedByServer(code: 1001, reason: "bye")

    /// Connections made to a server that accepts, sends one message and closes with 1001
    /// 5 ms later, in `window` of mock time; and how the run ended if it did.
    func connections(
        limit: ReconnectPolicy.Limit, window: Duration = .seconds(20), random: inout some RandomNumberGenerator
    ) -> (count: Int, exit: StreamExit?) {
        let clock = MockClock()
        let policy = ReconnectPolicy(limit: limit, backoff: Backoff())  // the default: 500 ms doubling to 30 s
        var streak = FailureStreak<MockClock.Instant>()
        var count = 0
        while clock.now.offset < window {
            count += 1
            streak.opened(at: clock.now)
            clock.advance(by: .milliseconds(5))
            switch streak.ended(oneMessageThenGoingAway, at: clock.now, delivered: true, policy: policy, using: &random) {
            case .reconnect(let delay): clock.advance(by: delay)
            case .finish(let exit): return (count, exit)
            }
        }
        return (count, nil)
    }

    @Test(arguments: [ReconnectPolicy.Limit.attempts(1000), .forever, .attempts(5)])
    func aServerThatDeliversAndClosesGetsAtMostTenConnectionsInTwentySeconds(limit: ReconnectPolicy.Limit) {
        var lowest = FixedGenerator.lowest
        let worst = connections(limit: limit, random: &lowest)
        #expect(worst.count <= 10)
        #expect(worst.count == (limit == .attempts(5) ? 6 : 7))  // delays of 0.25, 0.5, 1, 2, 4, 8 s, then 15 s
        var highest = FixedGenerator.highest
        #expect(connections(limit: limit, random: &highest).count == 6)  // 0.5, 1, 2, 4, 8 s, then 16 s
        for seed in 1...50 as ClosedRange<UInt64> {
            var random = SeededGenerator(state: seed)
            #expect(connections(limit: limit, random: &random).count <= 10, "seed \(seed)")
        }
    }

    @Test(arguments: 0...3)
    func reconnectNMeansNReconnects(allowed: Int) {
        var random = SeededGenerator(state: 3)
        let run = connections(limit: .attempts(allowed), window: .seconds(3600), random: &random)
        #expect(run.count == allowed + 1)
        let plural = allowed == 1 ? "" : "s"
        #expect(run.exit == .failure("gave up after \(allowed) reconnect attempt\(plural); last: closed by the server with 1001 (bye)"))
    }

    /// After four quick failures, the fifth connection ends after `open` (nil: never opened).
    func failuresAfter(open: Duration?, delivered: Bool) -> (failures: Int, decision: ReconnectPolicy.Decision) {
        let clock = MockClock()
        let policy = ReconnectPolicy(limit: .attempts(5), backoff: Backoff())
        var streak = FailureStreak<MockClock.Instant>()
        var random = FixedGenerator.highest
        for _ in 1...4 {
            streak.opened(at: clock.now)
            _ = streak.ended(oneMessageThenGoingAway, at: clock.now, delivered: true, policy: policy, using: &random)
        }
        if let open {
            streak.opened(at: clock.now)
            clock.advance(by: open)
        }
        let decision = streak.ended(oneMessageThenGoingAway, at: clock.now, delivered: delivered, policy: policy, using: &random)
        return (streak.failures, decision)
    }

    @Test func aConnectionUpTenSecondsThatDeliveredStartsAFreshCountAndBackoff() {
        let stable = failuresAfter(open: .seconds(10), delivered: true)
        #expect(stable.failures == 1)
        #expect(stable.decision == .reconnect(after: .milliseconds(500)))  // the first delay's ceiling again
        let longer = failuresAfter(open: .seconds(3600), delivered: true)
        #expect(longer.failures == 1)
    }

    @Test func shortSilentOrFailedConnectionsKeepCounting() {
        let ceiling = ReconnectPolicy.Decision.reconnect(after: .seconds(8))  // fifth failure: 500 ms doubled 4 times
        #expect(failuresAfter(open: .milliseconds(9_999), delivered: true) == (5, ceiling))
        #expect(failuresAfter(open: .seconds(60), delivered: false) == (5, ceiling))  // silent until the idle timeout
        #expect(failuresAfter(open: nil, delivered: false) == (5, ceiling))  // refused, never opened
    }
}
