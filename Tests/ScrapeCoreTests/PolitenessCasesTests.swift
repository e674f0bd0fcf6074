import ScrapeBase
@testable import ScrapeCore
@testable import ScrapePages
import ScrapeResilience
import ScrapeTestSupport
import Testing

/// The shared politeness cases against `scrape run`'s implementation: `HostQueues` (the
/// scheduler's state machine over `CircuitBreaker` and `TokenBucket`) on mock-clock
/// instants, fed as the scheduler feeds it. The fleet's driver is in ScrapeFrontierTests.
struct PolitenessCasesTests {
    typealias Queues = HostQueues<String, MockClock.Instant>

    static let host = "a.test"
    static let origin = "http://a.test:80"

    @Test(arguments: PolitenessCase.all)
    func scrapeRunAnswers(_ politeness: PolitenessCase) {
        var driver = Driver(politeness.settings)
        for event in politeness.events {
            switch event.kind {
            case .ask:
                let answer = driver.ask(event.request, at: event.t)
                #expect(answer == event.answer(of: .run), "\(event.request) at \(event.t)")
            case .outcome(let outcome, let crawlDelay):
                driver.finish(event.request, outcome, crawlDelay: crawlDelay, at: event.t)
            }
        }
    }

    /// A case whose answers differ says why, and only such a case does: the table's
    /// differences stay in plain view.
    @Test(arguments: PolitenessCase.all)
    func differencesAreExplained(_ politeness: PolitenessCase) {
        let differs = politeness.events.contains { $0.answer(of: .run) != $0.answer(of: .fleet) }
        #expect(differs == (politeness.difference != nil))
    }

    /// One host's queues, asked and told as the scheduler asks and tells them.
    struct Driver {
        var queues: Queues
        let clock = MockClock()
        /// Requests that went, by the name of the question that let them go.
        var inFlight: [String: Queues.Item] = [:]

        init(_ settings: PolitenessCase.Settings) {
            let breaker = CircuitBreaker<MockClock.Instant>.Configuration(
                failureThreshold: settings.failureThreshold, cooldown: .milliseconds(settings.cooldown),
                maximumCooldown: .milliseconds(settings.maximumCooldown), probes: 1, giveUpAfter: .milliseconds(settings.giveUpAfter))
            queues = Queues(perHostLimit: settings.concurrency, perHostRate: settings.perHostRate, breaker: breaker)
        }

        /// The instant `t` ms into the case; the clock moves there (cases are in time order).
        func instant(_ t: Int) -> MockClock.Instant {
            let target = MockClock.Instant(offset: .milliseconds(t))
            #expect(target >= clock.now, "events out of order at \(t)")
            clock.advance(by: clock.now.duration(to: target))
            return target
        }

        /// Asks whether a request may go at `t`, keeping one request waiting to be asked about.
        ///
        /// `idle(wake:)` names when something may happen, not what: the answer at that
        /// instant is read from a copy of the queues (a value), so asking changes nothing
        /// the case did not ask for. A request with a slot later (the rate) is started at
        /// its slot, as the scheduler's wake-up would, so the next question sees it taken.
        mutating func ask(_ request: String, at t: Int) -> PolitenessCase.Answer? {
            let now = instant(t)
            if queues.waitingCount == 0 { queues.add(request, host: PolitenessCasesTests.host, origin: PolitenessCasesTests.origin) }
            switch queues.next(at: now) {
            case .start(let job, let transition):
                inFlight[request] = job
                return transition == .halfOpened ? .probe : .go
            case .reject:
                return .giveUp
            case .idle(wake: nil):
                return .wait
            case .idle(wake: let wake?):
                var later = queues
                switch later.next(at: wake) {
                case .start(let job, nil):
                    queues = later
                    inFlight[request] = job
                    return .goAt(milliseconds(wake))
                case .start(_, .halfOpened?), .reject:
                    return .refused(until: milliseconds(wake))
                case .start, .idle:
                    Issue.record("\(request) at \(t): nothing to say at the wake-up \(wake)")
                    return nil
                }
            }
        }

        /// A request's outcome, as the scheduler reports it (the Crawl-delay first).
        mutating func finish(_ request: String, _ outcome: PolitenessCase.Outcome, crawlDelay: Int?, at t: Int) {
            let now = instant(t)
            guard let job = inFlight.removeValue(forKey: request) else {
                Issue.record("\(request) finished at \(t) but never went")
                return
            }
            if let crawlDelay { queues.limit(job.host, toInterval: .milliseconds(crawlDelay)) }
            let attempt: AttemptOutcome =
                switch outcome {
                case .success: .success
                case .failure: .failure(retryable: true, retryAfter: nil)
                case .throttled: .throttled(retryAfter: nil)
                }
            _ = queues.finished(host: job.host, origin: job.origin, outcome: attempt, at: now)
        }

        private func milliseconds(_ instant: MockClock.Instant) -> Int { Int(instant.offset.inMilliseconds) }
    }
}
