import ScrapeCrawl
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
