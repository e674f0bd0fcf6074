@testable import ScrapeCore
import ScrapeResilience
import ScrapeTestSupport
import Testing
@testable import ScrapePages

/// Per-host slots, queues, rates, pauses and breakers, decided without tasks on a manual clock.
struct HostQueuesTests {
    typealias Queues = HostQueues<Int, MockClock.Instant>
    let clock = MockClock()

    private func started(_ step: Queues.Step) -> Int? {
        if case .start(let job, _) = step { return job.payload }
        return nil
    }

    private func wake(_ step: Queues.Step) -> MockClock.Instant?? {
        if case .idle(let wake) = step { return wake }
        return nil
    }

    @Test func startsUpToThePerHostLimitThenWaits() {
        var queues = Queues(perHostLimit: 2)
        for id in 1...3 { queues.add(id, host: "a") }
        queues.add(4, host: "b")
        var starts: [Int] = []
        while let id = started(queues.next(at: clock.now)) { starts.append(id) }
        #expect(starts.sorted() == [1, 2, 4])
        #expect(queues.inFlightCount == 3)
        #expect(queues.waitingCount == 1)
        _ = queues.finished(host: "a", outcome: .success, at: clock.now)
        #expect(started(queues.next(at: clock.now)) == 3)
    }

    @Test func readyHostsTakeTurns() {
        var queues = Queues(perHostLimit: 1)
        for id in [10, 11, 12] { queues.add(id, host: "a") }
        for id in [20, 21, 22] { queues.add(id, host: "b") }
        var order: [Int] = []
        for _ in 0..<6 {
            guard let id = started(queues.next(at: clock.now)) else { break }
            order.append(id)
            _ = queues.finished(host: id < 20 ? "a" : "b", outcome: .success, at: clock.now)
        }
        #expect(order == [10, 20, 11, 21, 12, 22])
    }

    @Test func perHostRateSpacesRequestsAndNamesTheWakeInstant() {
        var queues = Queues(perHostLimit: 8, perHostRate: 4)  // one every 250 ms
        for id in 1...3 { queues.add(id, host: "a") }
        #expect(started(queues.next(at: clock.now)) == 1)
        #expect(wake(queues.next(at: clock.now)) == .some(clock.now.advanced(by: .milliseconds(250))))
        clock.advance(by: .milliseconds(249))
        #expect(started(queues.next(at: clock.now)) == nil)
        clock.advance(by: .milliseconds(1))
        #expect(started(queues.next(at: clock.now)) == 2)
    }

    @Test func aRateLimitedHostDoesNotBlockOthers() {
        var queues = Queues(perHostLimit: 8, perHostRate: 1)
        queues.add(1, host: "slow")
        queues.add(2, host: "slow")
        for id in 10..<15 { queues.add(id, host: "h\(id)") }
        var starts: [Int] = []
        while let id = started(queues.next(at: clock.now)) { starts.append(id) }
        #expect(starts.sorted() == [1, 10, 11, 12, 13, 14])
    }

    @Test func globalRateGatesEveryHost() {
        var queues = Queues(perHostLimit: 8, globalRate: 10)
        for id in 1...4 { queues.add(id, host: "h\(id)") }
        #expect(started(queues.next(at: clock.now)) != nil)
        #expect(wake(queues.next(at: clock.now)) == .some(clock.now.advanced(by: .milliseconds(100))))
        clock.advance(by: .milliseconds(100))
        #expect(started(queues.next(at: clock.now)) != nil)
    }

    @Test func retriesWaitForTheirDueTimeWithoutBlockingFreshJobs() {
        var queues = Queues(perHostLimit: 1)
        queues.add(1, host: "a")
        guard case .start(var job, _) = queues.next(at: clock.now) else { Issue.record("no start"); return }
        job.attemptsMade = 1
        queues.retry(job, at: clock.now.advanced(by: .seconds(2)))
        queues.add(2, host: "a")
        _ = queues.finished(host: "a", outcome: .failure(retryable: true, retryAfter: nil), at: clock.now)
        #expect(started(queues.next(at: clock.now)) == 2)
        _ = queues.finished(host: "a", outcome: .success, at: clock.now)
        #expect(wake(queues.next(at: clock.now)) == .some(clock.now.advanced(by: .seconds(2))))
        clock.advance(by: .seconds(2))
        guard case .start(let retried, _) = queues.next(at: clock.now) else { Issue.record("retry not started"); return }
        #expect(retried.payload == 1)
        #expect(retried.attemptsMade == 1)
    }

    @Test func pauseHoldsTheHostUntilItEnds() {
        var queues = Queues(perHostLimit: 4)
        queues.add(1, host: "a")
        queues.pause("a", until: clock.now.advanced(by: .seconds(1)))
        #expect(wake(queues.next(at: clock.now)) == .some(clock.now.advanced(by: .seconds(1))))
        clock.advance(by: .seconds(1))
        #expect(started(queues.next(at: clock.now)) == 1)
    }

    @Test func openBreakerHoldsJobsUntilAProbeSucceeds() {
        var queues = Queues(perHostLimit: 1, breaker: .init(failureThreshold: 2, cooldown: .seconds(10), giveUpAfter: .seconds(60)))
        for id in 1...5 { queues.add(id, host: "a") }
        for expected in [1, 2] {
            #expect(started(queues.next(at: clock.now)) == expected)
            let transition = queues.finished(host: "a", outcome: .failure(retryable: false, retryAfter: nil), at: clock.now).transition
            #expect(transition == (expected == 2 ? .opened(cooldown: .seconds(10)) : nil))
        }
        // Open: the waiting jobs wait (no reject, no slot), until the cooldown ends.
        #expect(wake(queues.next(at: clock.now)) == .some(clock.now.advanced(by: .seconds(10))))
        #expect(queues.waitingCount == 3)
        #expect(queues.inFlightCount == 0)
        queues.add(6, host: "a")
        clock.advance(by: .seconds(10))
        guard case .start(let probe, let transition) = queues.next(at: clock.now) else { Issue.record("no probe"); return }
        #expect(probe.payload == 3)
        #expect(transition == .halfOpened)
        #expect(started(queues.next(at: clock.now)) == nil)  // one probe at a time
        #expect(queues.finished(host: "a", outcome: .success, at: clock.now).transition == .closed)
        #expect(started(queues.next(at: clock.now)) == 4)
    }

    @Test func anOriginBrokenPastGiveUpAfterHasItsWaitingJobsRejected() {
        var queues = Queues(perHostLimit: 1, breaker: .init(failureThreshold: 1, cooldown: .seconds(10), giveUpAfter: .seconds(35)))
        for id in 1...4 { queues.add(id, host: "a") }
        #expect(started(queues.next(at: clock.now)) == 1)
        _ = queues.finished(host: "a", outcome: .failure(retryable: true, retryAfter: nil), at: clock.now)
        for _ in 0..<2 {  // two failed probes, at t=10 and t=30: then open until t=70
            guard case .idle(let wake?) = queues.next(at: clock.now) else { Issue.record("not waiting"); return }
            clock.advance(by: clock.now.duration(to: wake))
            guard case .start = queues.next(at: clock.now) else { Issue.record("no probe"); return }
            _ = queues.finished(host: "a", outcome: .failure(retryable: true, retryAfter: nil), at: clock.now)
        }
        // Broken since t=0; the give-up instant (t=35) comes before the next probe (t=70).
        #expect(wake(queues.next(at: clock.now)) == .some(MockClock.Instant(offset: .seconds(35))))
        clock.advance(by: .seconds(5))
        guard case .reject(let rejected) = queues.next(at: clock.now) else { Issue.record("no reject"); return }
        #expect(rejected.payload == 4)
        #expect(queues.waitingCount == 0)
    }

    @Test func originsOfOneHostHaveTheirOwnBreakerButShareItsSlots() {
        var queues = Queues(perHostLimit: 1, breaker: .init(failureThreshold: 1, cooldown: .seconds(30)))
        queues.add(1, host: "h", origin: "http://h:81")
        queues.add(2, host: "h", origin: "http://h:81")
        queues.add(10, host: "h", origin: "http://h:80")
        queues.add(11, host: "h", origin: "http://h:80")
        guard case .start(let first, _) = queues.next(at: clock.now) else { Issue.record("no start"); return }
        #expect(first.payload == 1)
        #expect(started(queues.next(at: clock.now)) == nil)  // one slot for the host, both origins
        _ = queues.finished(host: "h", origin: "http://h:81", outcome: .failure(retryable: false, retryAfter: nil), at: clock.now)
        // :81 is open; :80 goes on through the host's one slot.
        var healthy: [Int] = []
        while let id = started(queues.next(at: clock.now)) {
            healthy.append(id)
            _ = queues.finished(host: "h", origin: "http://h:80", outcome: .success, at: clock.now)
        }
        #expect(healthy == [10, 11])
        #expect(queues.waitingCount == 1)  // job 2 waits for :81's probe
    }

    @Test func crawlDelayLimitsAHost() {
        var queues = Queues(perHostLimit: 4)
        queues.limit("a", toInterval: .seconds(2))
        queues.add(1, host: "a")
        queues.add(2, host: "a")
        #expect(started(queues.next(at: clock.now)) == 1)
        #expect(wake(queues.next(at: clock.now)) == .some(clock.now.advanced(by: .seconds(2))))
    }

    @Test func crawlDelayLearntFromAResponseCountsFromThatRequest() {
        var queues = Queues(perHostLimit: 4)
        queues.add(1, host: "a")
        let dispatched = clock.now
        #expect(started(queues.next(at: clock.now)) == 1)
        clock.advance(by: .milliseconds(300))  // the response (with robots' Crawl-delay) arrives
        queues.limit("a", toInterval: .seconds(2))
        _ = queues.finished(host: "a", outcome: .success, at: clock.now)
        queues.add(2, host: "a")
        #expect(wake(queues.next(at: clock.now)) == .some(dispatched.advanced(by: .seconds(2))))
    }

    @Test func idleHostsAreForgottenButRateStateIsKeptUntilRefilled() {
        var queues = Queues(perHostLimit: 4)
        for id in 0..<1000 {
            queues.add(id, host: "host\(id)")
            _ = queues.next(at: clock.now)
            _ = queues.finished(host: "host\(id)", outcome: .success, at: clock.now)
        }
        #expect(queues.trackedHosts == 0)
        var limited = Queues(perHostLimit: 4, perHostRate: 1)
        limited.add(1, host: "a")
        _ = limited.next(at: clock.now)
        _ = limited.finished(host: "a", outcome: .success, at: clock.now)
        limited.add(2, host: "a")
        #expect(started(limited.next(at: clock.now)) == nil)  // still 1/s, although "a" was idle
    }

    @Test func drainingDropsWaitingJobs() {
        var queues = Queues(perHostLimit: 1)
        for id in 1...3 { queues.add(id, host: "a") }
        _ = queues.next(at: clock.now)
        #expect(queues.drainWaiting() == 2)
        #expect(queues.waitingCount == 0)
        _ = queues.finished(host: "a", outcome: .success, at: clock.now)
        if case .idle(let wake) = queues.next(at: clock.now) { #expect(wake == nil) } else { Issue.record("not idle") }
    }

    // MARK: Adaptive limits (per_host_concurrency: auto)

    /// Starts what can start now; returns the payloads.
    private func startAll(_ queues: inout Queues) -> [Int] {
        var ids: [Int] = []
        while let id = started(queues.next(at: clock.now)) { ids.append(id) }
        return ids
    }

    @Test func anAdaptiveHostStartsAtTwoAndGrowsWhileAnswersStayFast() {
        var queues = Queues(perHostLimit: 4, adaptive: .init(ceiling: 8))
        for id in 1...100 { queues.add(id, host: "a") }
        #expect(startAll(&queues).count == 2)
        var limits: [Int] = []
        for _ in 0..<20 {
            clock.advance(by: .milliseconds(10))
            let finish = queues.finished(host: "a", outcome: .success, latency: .milliseconds(10), at: clock.now)
            if let limit = finish.limit { limits.append(limit) }
            _ = startAll(&queues)
        }
        #expect(limits == Array(3...8))
        #expect(queues.inFlightCount == 8)  // the ceiling, not the fixed limit of 4
    }

    @Test func overloadShrinksOnlyThatHost() {
        var queues = Queues(perHostLimit: 16, adaptive: .init(initial: 8, ceiling: 16))
        for id in 1...20 { queues.add(id, host: "a") }
        for id in 101...120 { queues.add(id, host: "b") }
        #expect(startAll(&queues).count == 16)
        clock.advance(by: .milliseconds(10))
        let finish = queues.finished(host: "a", outcome: .throttled(retryAfter: nil), at: clock.now)
        #expect(finish.limit == 4)
        // "a" has 7 in flight and a limit of 4: nothing more starts there; "b" takes the slot.
        #expect(startAll(&queues).allSatisfy { $0 > 100 })
        // A DNS failure says nothing about load.
        #expect(queues.finished(host: "b", outcome: .failure(retryable: false, retryAfter: nil), at: clock.now).limit == nil)
    }

    @Test func aLearntLimitSurvivesMomentsWithNothingInFlight() {
        var queues = Queues(perHostLimit: 16, adaptive: .init(initial: 8, ceiling: 16))
        for id in 1...3 { queues.add(id, host: "a") }
        _ = startAll(&queues)
        clock.advance(by: .milliseconds(10))
        _ = queues.finished(host: "a", outcome: .failure(retryable: true, retryAfter: nil), at: clock.now)  // 8 → 4
        _ = queues.finished(host: "a", outcome: .success, latency: .milliseconds(10), at: clock.now)
        _ = queues.finished(host: "a", outcome: .success, latency: .milliseconds(10), at: clock.now)
        #expect(queues.inFlightCount == 0)
        for id in 4...20 { queues.add(id, host: "a") }
        #expect(startAll(&queues).count == 4)
    }
}
