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

    @Test func failuresReconnectWithJitteredBackoffUnderTheDoublingCeiling() {
        for failures in 1...10 {
            let ceiling = backoff.ceiling(afterAttempt: failures)
            for end in [ConnectionEnd.dropped("reset"), .idleTimeout(.seconds(60)), .connectFailed("refused"), .violation(code: 1002, reason: "rsv")] {
                guard case .reconnect(let delay) = decide(end, failures: failures, limit: .forever) else { Issue.record("\(end)"); continue }
                #expect(delay >= .zero && delay <= ceiling, "\(end) after \(failures)")
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
