import Foundation
import ScrapeBase
import ScrapeCore
import ScrapeResilience
import ScrapeTestSupport
import Testing

@testable import ScrapeFrontier

/// What happens to workers and the database does not lose or double a record.
@Suite(.serialized) struct FrontierFailureTests {
    /// A worker killed with SIGKILL mid-batch: its leases expire, another worker takes the
    /// URLs, and every URL ends with exactly one record.
    @Test func killedWorkerLeasesExpireAndEveryURLIsRecordedOnce() async throws {
        let harness = try await FrontierHarness.make("failure_kill")
        defer { Task { await harness.close() } }
        try await TestServer.withRunning { server in
            let urls = (0..<40).map { server.url("/delay/300?n=\($0)") }
            try await harness.add(urls, changes: .init(ignoreRobots: true))
            let victim = try ChildProcess(
                ChildProcess.builtProduct("scrape-nio"),
                ["frontier", "work", "--db", harness.url, "--job", "crawl", "--lease", "1s", "--concurrency", "4", "--worker-id", "victim"])
            // Kill it once it has recorded some and holds leases on others.
            let deadline = ContinuousClock.now + .seconds(30)
            while try await harness.store.status(job: "crawl").jobs[0].done < 8, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            victim.send(SIGKILL)
            let killed = try await victim.wait(timeout: .seconds(10))
            #expect(killed.status == 128 + SIGKILL)
            let leasedAtKill = try await harness.store.status(job: "crawl").jobs[0].leased
            #expect(leasedAtKill > 0, "the victim died holding leases")
            let summary = try await harness.work(FrontierHarness.options("survivor", concurrency: 8))
            #expect(summary.reclaimed >= leasedAtKill)
            let records = try await harness.export()
            #expect(records.count == 40)
            #expect(Set(records.compactMap { $0["url"] as? String }) == Set(urls))
            #expect(Set(records.compactMap { $0["worker"] as? String }) == ["victim", "survivor"])
            let status = try await harness.store.status(job: "crawl").jobs[0]
            #expect(status.done == 40 && status.queued == 0 && status.leased == 0 && status.leaseExpiries >= leasedAtKill)
        }
    }

    /// PostgreSQL stopped as by a crash and started again mid-run: the worker pauses,
    /// reconnects and goes on; nothing lost, nothing twice.
    @Test func postgresRestartMidRunLosesAndDoublesNothing() async throws {
        let cluster = try await PostgresCluster.start()
        let availability = Locked<[Bool]>([])
        do {
            let harness = try await FrontierHarness.make("failure_restart", cluster: cluster)
            try await TestServer.withRunning { server in
                let urls = (0..<80).map { server.url("/delay/100?n=\($0)") }
                try await harness.add(urls, changes: .init(ignoreRobots: true))
                var configuration = FrontierDatabase.Configuration(url: try DatabaseURL(parsing: harness.url))
                configuration.reconnectBackoff = .init(initial: .milliseconds(50), maximum: .milliseconds(300))
                let store = FrontierStore(database: FrontierDatabase(configuration: configuration) { available, _ in
                    availability.withLock { $0.append(available) }
                })
                let worker = Task { try await FrontierWorker(options: FrontierHarness.options("w", concurrency: 4), store: store).run() }
                try await Task.sleep(for: .milliseconds(500))
                try await cluster.restart()
                let summary = try await worker.value
                await store.database.close()
                await harness.close()
                let check = try FrontierHarness.store(harness.url)
                let records = try await FrontierHarness(url: harness.url, store: check).export()
                await check.database.close()
                #expect(records.count == 80)
                #expect(Set(records.compactMap { $0["url"] as? String }) == Set(urls))
                #expect(summary.completed + summary.leaseLosses >= 80)
            }
            #expect(availability.withLock { $0 } == [false, true], "the worker saw the database go and come back")
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }

    /// A database gone for longer than the allowed time ends the worker with an error
    /// that says so (the CLI's exit 1).
    @Test func unreachableDatabaseEndsTheWorkerAfterTheTimeout() async throws {
        let cluster = try await PostgresCluster.start()
        do {
            let harness = try await FrontierHarness.make("failure_gone", cluster: cluster)
            try await harness.add(["http://127.0.0.1:9/x"])
            await harness.close()
            try await cluster.halt()
            let store = try FrontierHarness.store(harness.url, unreachableTimeout: .seconds(1))
            var options = FrontierHarness.options("w")
            options.untilEmpty = false
            let started = ContinuousClock.now
            await #expect {
                _ = try await FrontierWorker(options: options, store: store).run()
            } throws: { error in
                guard case FrontierError.databaseUnreachable(let url, _, _, _) = error else { return false }
                return !url.contains("scrape@") && "\(error)".contains("cannot reach PostgreSQL")
            }
            #expect(ContinuousClock.now - started >= .seconds(1))
            await store.database.close()
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }
}
