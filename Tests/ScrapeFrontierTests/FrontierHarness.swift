import Foundation
import Logging
import ScrapeBase
import ScrapeCore
import ScrapeResilience
import ScrapeTestSupport

@testable import ScrapeFrontier

/// A frontier on a database of its own in the tests' PostgreSQL cluster.
struct FrontierHarness {
    let url: String
    let store: FrontierStore

    /// A new database in the shared cluster, migrated.
    static func make(_ name: String, cluster: PostgresCluster? = nil, migrate: Bool = true) async throws -> FrontierHarness {
        let cluster = if let cluster { cluster } else { try await PostgresCluster.shared() }
        let url = try await cluster.createDatabase(name)
        let harness = FrontierHarness(url: url, store: try store(url))
        if migrate { _ = try await harness.store.migrate() }
        return harness
    }

    /// A store (one connection) on `url`; each worker in a test gets its own, as on separate machines.
    static func store(_ url: String, unreachableTimeout: Duration = .seconds(60)) throws -> FrontierStore {
        var configuration = FrontierDatabase.Configuration(url: try DatabaseURL(parsing: url))
        configuration.unreachableTimeout = unreachableTimeout
        configuration.reconnectBackoff = .init(initial: .milliseconds(50), maximum: .milliseconds(500))
        var logger = Logger(label: "scrape.frontier.test")
        logger.logLevel = .critical
        return FrontierStore(database: FrontierDatabase(configuration: configuration, logger: logger), logger: logger)
    }

    /// Creates `job` with `changes` and enqueues `urls`.
    @discardableResult
    func add(_ urls: [String], job: String = "crawl", changes: FrontierJob.Changes = .init()) async throws -> FrontierStore.StoredJob {
        let (stored, _) = try await store.createJob(job, changes: changes, update: false)
        _ = try await store.add(urls.map(FrontierStore.NewURL.init), toJob: stored.id, named: job)
        return stored
    }

    /// Worker options for tests: quick idle poll and flush.
    static func options(_ id: String, jobs: [String] = ["crawl"], concurrency: Int = 8, lease: Duration = .seconds(120)) -> FrontierWorker.Options {
        var options = FrontierWorker.Options(workerID: id)
        options.jobs = jobs
        options.concurrency = concurrency
        options.lease = lease
        options.untilEmpty = true
        options.idlePoll = .milliseconds(200)
        options.http.backoff = .init(initial: .milliseconds(20), maximum: .milliseconds(100))
        // The shared breaker opens after 5 failures of a host in a row (a test's 503s can add
        // up to that) and would hold its URLs for the default 30 s.
        options.http.circuitBreaker.cooldown = .milliseconds(200)
        options.http.timeout = .seconds(10)
        return options
    }

    /// Runs a worker with its own connection until the jobs are done.
    func work(_ options: FrontierWorker.Options) async throws -> FrontierWorker.Summary {
        let store = try Self.store(url)
        let summary = try await FrontierWorker(options: options, store: store).run()
        await store.database.close()
        return summary
    }

    /// Runs workers named `ids` at once, each with its own connection, until the jobs are done.
    func work(workers ids: [String], concurrency: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids {
                let options = Self.options(id, concurrency: concurrency)
                group.addTask { _ = try await work(options) }
            }
            try await group.waitForAll()
        }
    }

    /// The job's records as `export` writes them, parsed.
    func export(job: String = "crawl") async throws -> [[String: Any]] {
        guard let stored = try await store.job(named: job) else { return [] }
        let lines = Locked<[UInt8]>([])
        _ = try await store.export(jobID: stored.id, since: nil) { record, worker in
            lines.withLock { FrontierStore.exportLine(record: record, worker: worker, into: &$0) }
        }
        return try TemporaryFiles.records(String(decoding: lines.withLock { $0 }, as: UTF8.self))
    }

    func close() async {
        await store.database.close()
    }
}
