import Logging
import PostgresNIO
import ScrapeBase
import ScrapeCore
import ScrapeResilience
import ScrapeTestSupport
import Testing

@testable import ScrapeFrontier

/// The shared politeness cases against the fleet's implementation: `scrape.claim` and
/// `scrape.finish` on a real PostgreSQL, on a mock database clock, called through
/// `FrontierStore` with what a worker passes them. `scrape run`'s driver is in ScrapeCoreTests.
@Suite struct PolitenessCasesTests {
    @Test(arguments: PolitenessCase.all)
    func fleetAnswers(_ politeness: PolitenessCase) async throws {
        var fleet = try await Fleet.make(politeness.settings)
        let store = fleet.store
        defer { Task { await store.database.close() } }
        for event in politeness.events {
            try await fleet.clock.set(event.t)
            switch event.kind {
            case .ask:
                let answer = try await fleet.ask(event.request, at: event.t)
                #expect(answer == event.answer(of: .fleet), "\(event.request) at \(event.t)")
            case .outcome(let outcome, let crawlDelay):
                try await fleet.finish(event.request, outcome, crawlDelay: crawlDelay)
            }
        }
    }

    /// One job on one host, claimed from and finished as a worker does it, one URL at a time.
    struct Fleet {
        let clock: DatabaseMockClock
        let job: FrontierStore.StoredJob
        let host: String
        let settings: PolitenessCase.Settings
        /// Requests that went, by the name of the question that let them go.
        var inFlight: [String: FrontierStore.Claim] = [:]

        var store: FrontierStore { clock.store }

        static func make(_ settings: PolitenessCase.Settings) async throws -> Fleet {
            let clock = try await DatabaseMockClock.install(on: try await FrontierHarness.make("politeness"))
            let changes = FrontierJob.Changes(perHostRate: settings.perHostRate.map { Rate(perSecond: $0) }, perHostConcurrency: settings.concurrency)
            let (job, _) = try await clock.store.createJob("politeness", changes: changes, update: false)
            let urls = (0..<50).map { FrontierStore.NewURL("http://a.test/\($0)") }
            _ = try await clock.store.add(urls, toJob: job.id, named: "politeness")
            return Fleet(clock: clock, job: job, host: urls[0].host, settings: settings)
        }

        /// The breaker settings a worker passes to finish.
        var breaker: ScrapeConfiguration.HTTP.BreakerSettings {
            .init(
                failureThreshold: settings.failureThreshold, cooldown: .milliseconds(settings.cooldown),
                maximumCooldown: .milliseconds(settings.maximumCooldown), probes: 1, giveUpAfter: .milliseconds(settings.giveUpAfter))
        }

        /// Claims one URL at `t`. A claim comes back with its slot (a delay from now) or
        /// marked given up; no claim says only that nothing may go: the host's row says
        /// why (its probe is out, or its breaker open until when). The horizon is an hour,
        /// so a URL whose slot is later is claimed with that slot rather than left.
        mutating func ask(_ request: String, at t: Int) async throws -> PolitenessCase.Answer? {
            let before = try await hostState()
            let claims = try await store.claim(.init(
                jobID: job.id, worker: "w", limit: 1, lease: .seconds(3600), horizon: .seconds(3600),
                giveUpAfter: .milliseconds(settings.giveUpAfter)))
            guard let claim = claims.first else {
                let state = try await hostState()
                if state.probeOut { return .wait }
                if let openUntil = state.openUntil, openUntil > t { return .refused(until: openUntil) }
                Issue.record("\(request) at \(t): nothing claimed, and the host's row says nothing holds it")
                return nil
            }
            if claim.giveUp {
                // The worker writes the circuit_open record at once, with no request and no report on the host.
                _ = try await store.finish([Self.completion(claim, failed: true)], hosts: [], worker: "w", breaker: breaker)
                return .giveUp
            }
            inFlight[request] = claim
            let delay = Int(claim.delay.inMilliseconds)
            if try await hostState().probeOut, !before.probeOut {
                if delay != 0 { Issue.record("\(request) at \(t): a probe with a slot \(delay) ms later") }
                return .probe
            }
            return delay == 0 ? .go : .goAt(t + delay)
        }

        /// Finishes a request with a record and the host report a worker folds from its outcome.
        mutating func finish(_ request: String, _ outcome: PolitenessCase.Outcome, crawlDelay: Int?) async throws {
            guard let claim = inFlight.removeValue(forKey: request) else {
                Issue.record("\(request) finished but never went")
                return
            }
            let attempt: AttemptOutcome =
                switch outcome {
                case .success: .success
                case .failure: .failure(retryable: true, retryAfter: nil)
                case .throttled: .throttled(retryAfter: nil)
                }
            var worker = WorkerState()
            worker.record(attempt, crawlDelay: crawlDelay.map { .milliseconds($0) }, jobID: job.id, host: claim.host)
            let accepted = try await store.finish(
                [Self.completion(claim, failed: outcome != .success)], hosts: Array(worker.hosts.values), worker: "w", breaker: breaker)
            #expect(accepted.completions == 1, "\(request)'s completion was not accepted")
        }

        /// The host's breaker as claim reads it: its probe out, and open until when (ms).
        func hostState() async throws -> (probeOut: Bool, openUntil: Int?) {
            let jobID = job.id
            let host = self.host
            return try await store.database.run { connection in
                let rows = try await connection.query(
                    """
                    SELECT probe_out, \(unescaped: DatabaseMockClock.milliseconds("open_until"))
                    FROM scrape.hosts WHERE job_id = \(jobID) AND host = \(host)
                    """, logger: Logger(label: "scrape.frontier.test"))
                for try await (probeOut, openUntil) in rows.decode((Bool, Double?).self) { return (probeOut, openUntil.map { Int($0) }) }
                return (false, nil)
            }
        }

        static func completion(_ claim: FrontierStore.Claim, failed: Bool) -> FrontierStore.Completion {
            let record = ScrapeRecord(url: claim.url, status: failed ? 503 : 200, attempts: claim.attempt, fetchedAt: .now)
            return .init(claim: claim, record: Array(JSONLineEncoder.line(for: record).dropLast()), failed: failed)
        }
    }
}
