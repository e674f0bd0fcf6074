import ScrapeCrawl
import ScrapeResilience
import ScrapeTestSupport
import PostgresNIO
import Testing

@testable import ScrapeFrontier

/// The schema's versioned migrations against a real PostgreSQL.
@Suite struct FrontierSchemaTests {
    @Test func migratesFromEmptyAndIsIdempotent() async throws {
        let harness = try await FrontierHarness.make("schema_empty", migrate: false)
        defer { Task { await harness.close() } }
        #expect(try await harness.store.schemaVersion() == 0)
        await #expect(throws: FrontierError.schemaOutdated(found: 0, needed: Migrations.latestVersion)) {
            try await harness.store.requireCurrentSchema()
        }
        let first = try await harness.store.migrate()
        #expect(first.from == 0 && first.to == Migrations.latestVersion)
        let second = try await harness.store.migrate()
        #expect(second.from == Migrations.latestVersion && second.to == Migrations.latestVersion)
        try await harness.store.requireCurrentSchema()
    }

    @Test func migratesFromThePreviousVersionKeepingTheData() async throws {
        let harness = try await FrontierHarness.make("schema_previous", migrate: false)
        defer { Task { await harness.close() } }
        try await harness.store.migrate(upTo: Migrations.latestVersion - 1)
        #expect(try await harness.store.schemaVersion() == Migrations.latestVersion - 1)
        // A job and its URLs made by the older schema (as its add wrote them) survive the migration.
        let jobID: Int64 = try await harness.store.database.run { connection in
            let rows = try await connection.query(
                "INSERT INTO scrape.jobs (name, per_host_concurrency, retries, obey_robots) VALUES ('old', 8, 2, true) RETURNING id",
                logger: .init(label: "test"))
            for try await id in rows.decode(Int64.self) { return id }
            return 0
        }
        try await harness.store.database.run { connection in
            try await connection.query(
                """
                WITH urls AS (
                    INSERT INTO scrape.urls (job_id, url, host) VALUES (\(jobID), 'http://127.0.0.1:9/a', 'http://127.0.0.1:9'),
                        (\(jobID), 'http://127.0.0.1:9/b', 'http://127.0.0.1:9')),
                hosts AS (INSERT INTO scrape.hosts (job_id, host, queued) VALUES (\(jobID), 'http://127.0.0.1:9', 2))
                UPDATE scrape.jobs SET urls = 2 WHERE id = \(jobID)
                """, logger: .init(label: "test"))
        }
        let migrated = try await harness.store.migrate()
        #expect(migrated.from == Migrations.latestVersion - 1 && migrated.to == Migrations.latestVersion)
        let (jobs, _) = try await harness.store.status(job: "old")
        #expect(jobs.first?.urls == 2 && jobs.first?.queued == 2)
        // A job stored before fields (version 4) has none, and no metadata.
        let stored = try #require(try await harness.store.job(named: "old"))
        #expect(stored.job.fields.isEmpty && !stored.job.metadata)
        // A job stored before crawl jobs (version 5) is a list job; its URLs have no depth.
        #expect(stored.job.crawl == nil)
        // Their URLs are still known to the job (its new unique index has them), and claimed as before.
        let again = try await harness.store.add(["http://127.0.0.1:9/a", "http://127.0.0.1:9/c"].map(FrontierStore.NewURL.init), toJob: jobID, named: "old")
        #expect(again == 1)
        let claims = try await harness.store.claim(
            .init(jobID: jobID, worker: "w", limit: 10, lease: .seconds(60), horizon: .seconds(1), giveUpAfter: .seconds(600)))
        #expect(claims.map(\.url).sorted() == ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b", "http://127.0.0.1:9/c"] && claims.allSatisfy { $0.line == nil })
        #expect(claims.allSatisfy { $0.crawl == nil })
        // A crawl job made after the migration works beside it.
        let (crawlJob, _) = try await harness.store.createJob("new-crawl", changes: .init(crawl: .init(maxDepth: 1)), update: false)
        #expect(try await harness.store.add([FrontierStore.NewURL("http://127.0.0.1:9/seed")], toJob: crawlJob.id, named: "new-crawl") == 1)
        let (statuses, _) = try await harness.store.status(job: "new-crawl")
        #expect(statuses.first?.unrecordedByDepth == [0: 1] && statuses.first?.links == LinkCounts())
    }

    /// Version 6 moves the queue and the leases out of `urls`: a database of version 5 keeps
    /// its queued, leased and done URLs as they were. A lease taken before the migration
    /// still completes with its token (once), a stale token still matches nothing, a done
    /// URL is not claimed again, and an expired lease is reclaimed.
    @Test func migratingToTheQueueTableKeepsLeasesAndDoneURLs() async throws {
        let harness = try await FrontierHarness.make("schema_queue", migrate: false)
        defer { Task { await harness.close() } }
        try await harness.store.migrate(upTo: 5)
        // The job and its URLs as version 5's add wrote them (this add writes queue rows).
        let urls = (0..<6).map { "http://127.0.0.1:9/\($0)" }
        try await harness.store.database.run { connection in
            try await connection.query(
                """
                WITH job AS (
                    INSERT INTO scrape.jobs (name, per_host_concurrency, retries, obey_robots, urls) VALUES ('crawl', 10, 2, false, 6)
                    RETURNING id),
                added AS (
                    INSERT INTO scrape.urls (job_id, url, host)
                    SELECT job.id, t.url, 'http://127.0.0.1:9' FROM job, unnest(\(urls)::text[]) WITH ORDINALITY AS t(url, n) ORDER BY t.n)
                INSERT INTO scrape.hosts (job_id, host, queued) SELECT id, 'http://127.0.0.1:9', 6 FROM job
                """, logger: .init(label: "test"))
        }
        let job = try #require(try await harness.store.job(named: "crawl"))
        // Version 5: one URL done, two leased (one of them with a lease run out), two queued.
        let first = try await harness.store.claim(FrontierClaimTests.request(job, worker: "old", limit: 3))
        #expect(first.count == 3)
        let done = try await harness.store.finish([FrontierClaimTests.record(for: first[0])], hosts: [], worker: "old", breaker: .init())
        #expect(done.records == 1)
        let expiring = try await harness.store.claim(FrontierClaimTests.request(job, worker: "old", limit: 1, lease: .milliseconds(1)))
        #expect(expiring.count == 1)

        let migrated = try await harness.store.migrate()
        #expect(migrated.from == 5 && migrated.to == Migrations.latestVersion)
        let (before, _) = try await harness.store.status(job: "crawl")
        #expect(before.first?.done == 1 && before.first?.leased == 3)
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await harness.store.reclaimExpired(jobID: job.id) == 1)
        // The leases taken before the migration: the right token completes, a stale one does not.
        let stale = FrontierStore.Claim(
            id: first[1].id, url: first[1].url, host: first[1].host, line: nil, attempt: 1, token: first[1].token + 1000, delay: .zero,
            giveUp: false)
        #expect(try await harness.store.finish([FrontierClaimTests.record(for: stale)], hosts: [], worker: "new", breaker: .init()).records == 0)
        let kept = try await harness.store.finish(
            first[1...].map(FrontierClaimTests.record(for:)), hosts: [], worker: "new", breaker: .init())
        #expect(kept == .init(completions: 2, records: 2))
        // What is left: the two URLs never claimed and the one whose lease was reclaimed, each once.
        let rest = try await harness.store.claim(FrontierClaimTests.request(job, worker: "new", limit: 10))
        #expect(Set(rest.map(\.url)) == Set(urls[4...] + [expiring[0].url]) && rest.count == 3)
        #expect(rest.first { $0.url == expiring[0].url }?.attempt == 2)
        #expect(try await harness.store.finish(rest.map(FrontierClaimTests.record(for:)), hosts: [], worker: "new", breaker: .init()).records == 3)
        #expect(try await harness.store.isFinished(jobIDs: [job.id]))
        #expect(try await harness.export().count == 6)
    }

    /// The point of version 6: a URL's `urls` row (and so its unique index entry) is written
    /// by `add` and never again, whatever its claims, retries and record; its queue row is
    /// gone once it is recorded.
    @Test func aURLRowIsWrittenOnlyByAdd() async throws {
        let harness = try await FrontierHarness.make("schema_written_once")
        defer { Task { await harness.close() } }
        let job = try await harness.add((0..<6).map { "http://127.0.0.\($0 % 2 + 1):9/\($0)" }, changes: .init(perHostConcurrency: 10))
        func versions() async throws -> [String] {
            try await harness.store.database.run { connection in
                var rows: [String] = []
                for try await row in try await connection.query(
                    "SELECT ctid::text || '/' || xmin::text FROM scrape.urls ORDER BY id", logger: .init(label: "test")
                ).decode(String.self) {
                    rows.append(row)
                }
                return rows
            }
        }
        let added = try await versions()
        #expect(added.count == 6)
        var claims = try await harness.store.claim(FrontierClaimTests.request(job, worker: "w", limit: 10))
        #expect(claims.count == 6)
        // Half retried (back to the queue), then claimed again and recorded.
        let retries = claims[..<3].map { FrontierStore.Completion(claim: $0, record: nil, failed: false) }
        let records = claims[3...].map(FrontierClaimTests.record(for:))
        #expect(try await harness.store.finish(retries + records, hosts: [], worker: "w", breaker: .init()) == .init(completions: 6, records: 3))
        claims = try await harness.store.claim(FrontierClaimTests.request(job, worker: "w", limit: 10))
        #expect(claims.count == 3 && claims.allSatisfy { $0.attempt == 2 })
        _ = try await harness.store.renew(claims, lease: .seconds(60), worker: "w")
        #expect(try await harness.store.finish(claims.map(FrontierClaimTests.record(for:)), hosts: [], worker: "w", breaker: .init()).records == 3)
        #expect(try await versions() == added)
        let queued: Int = try await harness.store.database.run { connection in
            for try await count in try await connection.query("SELECT count(*) FROM scrape.queue", logger: .init(label: "test")).decode(Int.self) {
                return count
            }
            return -1
        }
        #expect(queued == 0)
        #expect(try await harness.export().count == 6)
    }

    @Test func concurrentInitsBothSucceed() async throws {
        let harness = try await FrontierHarness.make("schema_race", migrate: false)
        defer { Task { await harness.close() } }
        let other = try FrontierHarness.store(harness.url)
        async let one = harness.store.migrate()
        async let two = other.migrate()
        let results = try await [one, two]
        #expect(results.map(\.to) == [Migrations.latestVersion, Migrations.latestVersion])
        #expect(results.filter { $0.from == 0 }.count == 1, "exactly one of them applied the migrations")
        await other.database.close()
    }
}
