import ScrapeCore
import ScrapeResilience
import ScrapeTestSupport
import Testing

@testable import ScrapeFrontier

/// Claims, completions and leases at the statement level, with workers racing on real
/// PostgreSQL connections.
@Suite struct FrontierClaimTests {
    static func request(_ job: FrontierStore.StoredJob, worker: String, limit: Int, lease: Duration = .seconds(60)) -> FrontierStore.ClaimRequest {
        .init(jobID: job.id, worker: worker, limit: limit, lease: lease, horizon: .seconds(1), giveUpAfter: .seconds(600))
    }

    static func record(for claim: FrontierStore.Claim) -> FrontierStore.Completion {
        let record = ScrapeRecord(url: claim.url, status: 200, attempts: claim.attempt, fetchedAt: .now)
        return .init(claim: claim, record: Array(JSONLineEncoder.line(for: record).dropLast()), failed: false)
    }

    @Test func addStoresEachURLOnceAndSaysSo() async throws {
        let harness = try await FrontierHarness.make("claims_add")
        defer { Task { await harness.close() } }
        let (job, created) = try await harness.store.createJob("crawl", changes: .init(perHostConcurrency: 4), update: false)
        #expect(created)
        let urls = ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b", "http://127.0.0.1:9/a"].map(FrontierStore.NewURL.init)
        #expect(try await harness.store.add(urls, toJob: job.id, named: "crawl") == 2)
        #expect(try await harness.store.add(urls, toJob: job.id, named: "crawl") == 0)
        // Same settings: fine; other settings: refused naming them, unless update.
        _ = try await harness.store.createJob("crawl", changes: .init(perHostConcurrency: 4), update: false)
        await #expect(throws: FrontierError.self) {
            try await harness.store.createJob("crawl", changes: .init(perHostRate: Rate(perSecond: 2)), update: false)
        }
        let (updated, _) = try await harness.store.createJob("crawl", changes: .init(perHostRate: Rate(perSecond: 2)), update: true)
        #expect(updated.job.perHostRate == Rate(perSecond: 2) && updated.job.perHostConcurrency == 4)
    }

    /// Two workers claim from 400 URLs on 20 hosts as fast as they can: no URL is leased to both.
    @Test func twoWorkersNeverClaimTheSameURL() async throws {
        let harness = try await FrontierHarness.make("claims_race")
        defer { Task { await harness.close() } }
        let urls = (0..<400).map { "http://127.0.0.\($0 % 20 + 1):9/\($0)" }
        let job = try await harness.add(urls, changes: .init(perHostConcurrency: 1000))
        let stores = [try FrontierHarness.store(harness.url), try FrontierHarness.store(harness.url)]
        let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    var ids: [Int64] = []
                    while true {
                        let claims = try await store.claim(Self.request(job, worker: "w\(index)", limit: 7 + index * 5))
                        if claims.isEmpty { return ids }
                        ids += claims.map(\.id)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(claimed.allSatisfy { !$0.isEmpty }, "both workers got work")
        #expect(Set(claimed[0]).isDisjoint(with: claimed[1]))
        #expect(Set(claimed[0] + claimed[1]).count == 400)
        #expect(claimed[0].count + claimed[1].count == 400)
        for store in stores { await store.database.close() }
    }

    /// The fleet-wide per-host concurrency holds in claims: a host with limit 2 gives out
    /// 2 leases until one finishes.
    @Test func perHostConcurrencyHoldsAcrossClaims() async throws {
        let harness = try await FrontierHarness.make("claims_concurrency")
        defer { Task { await harness.close() } }
        let job = try await harness.add((0..<10).map { "http://127.0.0.1:9/\($0)" }, changes: .init(perHostConcurrency: 2))
        let first = try await harness.store.claim(Self.request(job, worker: "a", limit: 10))
        let second = try await harness.store.claim(Self.request(job, worker: "b", limit: 10))
        #expect(first.count == 2 && second.isEmpty)
        let accepted = try await harness.store.finish(
            [Self.record(for: first[0])], hosts: [], worker: "a", breaker: .init())
        #expect(accepted.records == 1)
        #expect(try await harness.store.claim(Self.request(job, worker: "b", limit: 10)).count == 1)
    }

    /// A worker whose lease expired and was re-taken cannot complete the URL: only the
    /// new holder's record is written.
    @Test func lateCompletionAfterLeaseLossIsDiscarded() async throws {
        let harness = try await FrontierHarness.make("claims_late")
        defer { Task { await harness.close() } }
        let job = try await harness.add(["http://127.0.0.1:9/only"])
        let slow = try await harness.store.claim(Self.request(job, worker: "slow", limit: 1, lease: .milliseconds(200)))
        #expect(slow.count == 1)
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await harness.store.reclaimExpired(jobID: job.id) == 1)
        let fast = try await harness.store.claim(Self.request(job, worker: "fast", limit: 1))
        #expect(fast.map(\.id) == slow.map(\.id))
        #expect(fast[0].token != slow[0].token && fast[0].attempt == 2)
        let fastAccepted = try await harness.store.finish([Self.record(for: fast[0])], hosts: [], worker: "fast", breaker: .init())
        let lateAccepted = try await harness.store.finish([Self.record(for: slow[0])], hosts: [], worker: "slow", breaker: .init())
        #expect(fastAccepted.records == 1)
        #expect(lateAccepted.completions == 0)
        let records = try await harness.export()
        #expect(records.count == 1)
        #expect(records.first?["worker"] as? String == "fast")
        let (status, _) = try await harness.store.status(job: "crawl")
        #expect(status.first?.done == 1 && status.first?.leaseExpiries == 1 && status.first?.queued == 0)
    }

    /// A retry goes back to the queue with its backoff: not claimable before `not_before`.
    @Test func retriesWaitForTheirBackoff() async throws {
        let harness = try await FrontierHarness.make("claims_retry")
        defer { Task { await harness.close() } }
        let job = try await harness.add(["http://127.0.0.1:9/retry"])
        let claims = try await harness.store.claim(Self.request(job, worker: "a", limit: 1))
        let accepted = try await harness.store.finish(
            [.init(claim: claims[0], record: nil, failed: false, retryDelay: .milliseconds(600))], hosts: [], worker: "a", breaker: .init())
        #expect(accepted.completions == 1 && accepted.records == 0)
        #expect(try await harness.store.claim(Self.request(job, worker: "b", limit: 1)).isEmpty)
        try await Task.sleep(for: .milliseconds(800))
        let again = try await harness.store.claim(Self.request(job, worker: "b", limit: 1))
        #expect(again.first?.attempt == 2)
    }

    /// Per-host rate across claims: each claim gets the next slot on the host's timeline,
    /// whoever claims it.
    @Test func requestSlotsAreSpacedAcrossWorkers() async throws {
        let harness = try await FrontierHarness.make("claims_slots")
        defer { Task { await harness.close() } }
        let job = try await harness.add((0..<6).map { "http://127.0.0.1:9/\($0)" }, changes: .init(perHostRate: Rate(perSecond: 4), perHostConcurrency: 100))
        // Each claim's delays are on the database's clock at the moment it ran, somewhere
        // between our sending the claim and reading its answer; so the latest a slot can be
        // is (answer read + delay), the earliest (claim sent + delay).
        var slots: [(earliest: ContinuousClock.Instant, latest: ContinuousClock.Instant)] = []
        var withinClaims: [Duration] = []
        for worker in ["a", "b", "c"] {
            var request = Self.request(job, worker: worker, limit: 2)
            request.horizon = .seconds(2)
            let sent = ContinuousClock.now
            let claims = try await harness.store.claim(request)
            let answered = ContinuousClock.now
            slots += claims.map { (sent + $0.delay, answered + $0.delay) }
            // A slot already due comes back as 0, not negative: so the gap can be short by as
            // long as the statement had run, at most its round trip.
            if claims.count == 2 { withinClaims.append(claims[1].delay - claims[0].delay + (answered - sent)) }
        }
        #expect(slots.count == 6)
        // Within one claim: one slot (250 ms at 4/s) apart (the rounding up to ms aside).
        #expect(withinClaims.count == 3)
        for gap in withinClaims { #expect(gap >= .milliseconds(248), "\(gap)") }
        // Across claims (workers): the next slot is at least 250 ms after the last; the
        // latest the later one can be, less the earliest the earlier one can be, must leave
        // room for that, whatever the machine's load. (Slots ignoring each other would all be
        // near now: the bound would be the milliseconds between the claims.)
        for index in 1..<slots.count {
            #expect(slots[index].latest - slots[index - 1].earliest >= .milliseconds(248), "slots \(index - 1) and \(index)")
        }
    }
}
