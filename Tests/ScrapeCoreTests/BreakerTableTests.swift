@testable import ScrapeCore
import ScrapeResilience
import ScrapeTestSupport
import Testing
@testable import ScrapePages

/// The daemon's shared circuit breakers, decided without tasks on a manual clock: two runs'
/// queues at one host table, where what one run's failures opened holds the other's jobs,
/// the probe after the cooldown is one request for both, and runs on their own keep
/// breakers of their own.
struct BreakerTableTests {
    typealias Queues = HostQueues<Int, MockClock.Instant>
    typealias Table = HostTable<MockClock.Instant>
    let clock = MockClock()
    static let failed = AttemptOutcome.failure(retryable: false, retryAfter: nil)

    private func started(_ step: Queues.Step) -> Int? {
        if case .start(let job, _) = step { return job.payload }
        return nil
    }

    private func runs(at table: Table) -> (Queues, Queues) {
        let shared = { Queues.Shared(table: table, member: table.join()) }
        return (Queues(perHostLimit: 4, shared: shared()), Queues(perHostLimit: 4, shared: shared()))
    }

    @Test func whatOneRunOpenedHoldsTheOtherRunsJobsUntilOneProbeSucceeds() {
        let table = Table(limits: .init(perHostConcurrency: 8), breaker: .init(failureThreshold: 2, cooldown: .seconds(10), giveUpAfter: .seconds(60)))
        var (a, b) = runs(at: table)
        for id in 1...2 { a.add(id, host: "h") }
        for id in 11...13 { b.add(id, host: "h") }
        #expect(started(a.next(at: clock.now)) == 1)
        #expect(started(a.next(at: clock.now)) == 2)
        #expect(a.finished(host: "h", outcome: Self.failed, at: clock.now).transition == nil)
        #expect(a.finished(host: "h", outcome: Self.failed, at: clock.now).transition == .opened(cooldown: .seconds(10)))
        #expect(table.breakers.openCount == 1)
        // b never failed, yet waits for the cooldown's end, holding no slot.
        guard case .idle(let wake) = b.next(at: clock.now) else { Issue.record("b started"); return }
        #expect(wake == clock.now.advanced(by: .seconds(10)))
        #expect(b.inFlightCount == 0)
        // After the cooldown: one probe for the two runs.
        clock.advance(by: .seconds(10))
        a.add(3, host: "h")
        guard case .start(let probe, let transition) = b.next(at: clock.now) else { Issue.record("no probe"); return }
        #expect(probe.payload == 11)
        #expect(transition == .halfOpened)
        #expect(started(a.next(at: clock.now)) == nil, "the probe is out")
        #expect(started(b.next(at: clock.now)) == nil)
        #expect(b.finished(host: "h", outcome: .success, at: clock.now).transition == .closed)
        #expect(table.breakers.openCount == 0)
        #expect(started(a.next(at: clock.now)) == 3)
        #expect(started(b.next(at: clock.now)) == 12)
    }

    @Test func aRunJoiningAnOriginBrokenPastGiveUpAfterHasItsJobsRejectedUnsent() {
        let table = Table(limits: .init(perHostConcurrency: 8), breaker: .init(failureThreshold: 1, cooldown: .seconds(60), giveUpAfter: .seconds(5)))
        var (a, b) = runs(at: table)
        a.add(1, host: "h")
        #expect(started(a.next(at: clock.now)) == 1)
        #expect(a.finished(host: "h", outcome: Self.failed, at: clock.now).transition == .opened(cooldown: .seconds(60)))
        clock.advance(by: .seconds(5))
        b.add(11, host: "h")
        guard case .reject(let job) = b.next(at: clock.now) else { Issue.record("no reject"); return }
        #expect(job.payload == 11)
        #expect(job.attemptsMade == 0)
    }

    @Test func originsAreSeparateAndRunsOnTheirOwnKeepTheirBreakers() {
        let table = Table(limits: .init(perHostConcurrency: 8), breaker: .init(failureThreshold: 1, cooldown: .seconds(60)))
        var (a, b) = runs(at: table)
        a.add(1, host: "h", origin: "http://h:1")
        #expect(started(a.next(at: clock.now)) == 1)
        _ = a.finished(host: "h", origin: "http://h:1", outcome: Self.failed, at: clock.now)
        b.add(11, host: "h", origin: "http://h:2")
        #expect(started(b.next(at: clock.now)) == 11, "another port of the host is another origin")
        // A run with no table: its own breaker, which never saw the failure.
        var alone = Queues(perHostLimit: 4, breaker: .init(failureThreshold: 1, cooldown: .seconds(60)))
        alone.add(21, host: "h", origin: "http://h:1")
        #expect(started(alone.next(at: clock.now)) == 21)
    }

    @Test func closedBreakersAreForgotten() {
        let table = Table(limits: .init(perHostConcurrency: 8), breaker: .init(failureThreshold: 3))
        var (a, _) = runs(at: table)
        for id in 1...2 { a.add(id, host: "h") }
        _ = a.next(at: clock.now)
        _ = a.next(at: clock.now)
        _ = a.finished(host: "h", outcome: Self.failed, at: clock.now)
        #expect(table.breakers.trackedOrigins == 1, "a failure counted is kept")
        _ = a.finished(host: "h", outcome: .success, at: clock.now)
        #expect(table.breakers.trackedOrigins == 0)
    }
}
