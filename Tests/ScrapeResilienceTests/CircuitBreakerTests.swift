import ScrapeResilience
import ScrapeTestSupport
import Testing

/// Breaker transitions and escalating cooldowns on a manual clock.
struct CircuitBreakerTests {
    let clock = MockClock()
    typealias Breaker = CircuitBreaker<MockClock.Instant>
    let failure = AttemptOutcome.failure(retryable: true, retryAfter: nil)

    @Test func opensAfterConsecutiveFailuresOnly() {
        var breaker = Breaker(configuration: .init(failureThreshold: 3, cooldown: .seconds(10)))
        #expect(breaker.record(failure, at: clock.now) == nil)
        #expect(breaker.record(failure, at: clock.now) == nil)
        #expect(breaker.record(.success, at: clock.now) == nil)  // resets the count
        #expect(breaker.record(failure, at: clock.now) == nil)
        #expect(breaker.record(.throttled(retryAfter: nil), at: clock.now) == nil)  // 429 is not a failure
        #expect(breaker.record(.neutral, at: clock.now) == nil)
        #expect(breaker.record(failure, at: clock.now) == nil)
        #expect(breaker.record(failure, at: clock.now) == .opened(cooldown: .seconds(10)))
        #expect(breaker.permission(at: clock.now).0 == .rejected(until: clock.now.advanced(by: .seconds(10))))
    }

    @Test func halfOpenProbeSuccessCloses() {
        var breaker = Breaker(configuration: .init(failureThreshold: 1, cooldown: .seconds(10)))
        _ = breaker.record(failure, at: clock.now)
        clock.advance(by: .seconds(9))
        #expect(breaker.permission(at: clock.now).0 == .rejected(until: clock.now.advanced(by: .seconds(1))))
        clock.advance(by: .seconds(1))
        let (permission, transition) = breaker.permission(at: clock.now)
        #expect(permission == .allowed)
        #expect(transition == .halfOpened)
        #expect(breaker.permission(at: clock.now).0 == .wait)  // one probe at a time
        #expect(breaker.record(.success, at: clock.now) == .closed)
        #expect(breaker.isPristine)
        #expect(breaker.permission(at: clock.now).0 == .allowed)
    }

    @Test func failedProbesDoubleTheCooldownUpToTheCap() {
        var breaker = Breaker(configuration: .init(failureThreshold: 1, cooldown: .seconds(10), maximumCooldown: .seconds(35)))
        #expect(breaker.record(failure, at: clock.now) == .opened(cooldown: .seconds(10)))
        var cooldowns: [Duration] = []
        for _ in 0..<4 {
            guard case .open(let until, _) = breaker.state else { Issue.record("not open"); return }
            clock.advance(by: clock.now.duration(to: until))
            #expect(breaker.permission(at: clock.now).0 == .allowed)
            guard case .opened(let cooldown) = breaker.record(failure, at: clock.now) else { Issue.record("did not reopen"); return }
            cooldowns.append(cooldown)
        }
        #expect(cooldowns == [.seconds(20), .seconds(35), .seconds(35), .seconds(35)])
        // A success after all that starts over at the configured cooldown.
        guard case .open(let until, _) = breaker.state else { return }
        clock.advance(by: clock.now.duration(to: until))
        _ = breaker.permission(at: clock.now)
        #expect(breaker.record(.success, at: clock.now) == .closed)
        #expect(breaker.record(failure, at: clock.now) == .opened(cooldown: .seconds(10)))
    }

    @Test func resultOfARequestSentBeforeOpeningIsIgnored() {
        var breaker = Breaker(configuration: .init(failureThreshold: 1, cooldown: .seconds(10)))
        _ = breaker.record(failure, at: clock.now)
        #expect(breaker.record(.success, at: clock.now) == nil)
        guard case .open = breaker.state else { Issue.record("closed by a stale success"); return }
    }

    @Test func givesUpOnlyAfterStayingBrokenForGiveUpAfter() {
        var breaker = Breaker(configuration: .init(failureThreshold: 1, cooldown: .seconds(10), giveUpAfter: .seconds(30)))
        #expect(!breaker.shouldGiveUp(at: clock.now))
        _ = breaker.record(failure, at: clock.now)
        #expect(breaker.giveUpInstant == clock.now.advanced(by: .seconds(30)))
        clock.advance(by: .seconds(10))
        #expect(breaker.permission(at: clock.now).0 == .allowed)
        _ = breaker.record(failure, at: clock.now)  // the probe fails: open for 20 s more
        clock.advance(by: .seconds(19))
        #expect(!breaker.shouldGiveUp(at: clock.now))
        clock.advance(by: .seconds(1))
        #expect(breaker.shouldGiveUp(at: clock.now))  // broken since t=0, now t=30
        clock.advance(by: .seconds(10))
        _ = breaker.permission(at: clock.now)
        #expect(breaker.record(.success, at: clock.now) == .closed)
        #expect(!breaker.shouldGiveUp(at: clock.now))
        #expect(breaker.giveUpInstant == nil)
    }
}
