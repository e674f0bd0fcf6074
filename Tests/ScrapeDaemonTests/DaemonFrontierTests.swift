import Foundation
import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// `daemon.frontier`: the daemon as a fleet member on a real PostgreSQL (run in make
/// test's second pass, with the frontier suites).
@Suite struct DaemonFrontierTests {
    static func scrape(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess(ChildProcess.builtProduct("scrape"), arguments).wait(timeout: .seconds(60))
    }

    @Test func theDaemonWorksFrontierJobsAndCountsThemInMetrics() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await cluster.createDatabase("daemon_frontier")
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                #expect(try await Self.scrape(["frontier", "init", "--db", database]).status == 0)
                let list = try daemon.write("urls.txt", (1...12).map { server.url("/page/\($0)") }.joined(separator: "\n") + "\n")
                let added = try await Self.scrape(["frontier", "add", "--db", database, "--job", "crawl", "--ignore-robots", list])
                #expect(added.stdout == "added 12, already queued 0\n", "\(added.stderr)")
                try daemon.writeConfig(
                    "jobs: []\n",
                    daemon: """
                          frontier:
                            database_url_env: CRAWL_DATABASE_URL
                            password_env: CRAWL_DATABASE_PASSWORD
                            jobs: [crawl]
                            concurrency: 4
                            worker_id: daemon-1
                        """)
                // The password apart from the URL, as a secret store would hand it over.
                try await daemon.start(environment: [
                    "CRAWL_DATABASE_URL": database.replacingOccurrences(of: ":scrape@", with: "@"), "CRAWL_DATABASE_PASSWORD": "scrape",
                ])
                try await daemon.eventually("the 12 URLs recorded") {
                    let metrics = try PrometheusText(try await daemon.request(.get, "/metrics").body)
                    return metrics.total("scrape_frontier_completed_total", ["outcome": "ok"]) == 12
                }
                let metrics = try PrometheusText(try await daemon.request(.get, "/metrics").body)
                #expect(metrics.total("scrape_frontier_claimed_total", [:]) == 12)
                #expect(metrics.total("scrape_frontier_lease_losses_total", [:]) == 0)
                #expect(metrics.total("scrape_frontier_database_up", [:]) == 1)
                // More URLs while it runs: picked up through NOTIFY.
                let more = try daemon.write("more.txt", server.url("/page/13") + "\n")
                #expect(try await Self.scrape(["frontier", "add", "--db", database, "--job", "crawl", more]).status == 0)
                try await daemon.eventually("the added URL recorded") {
                    try PrometheusText(try await daemon.request(.get, "/metrics").body).total("scrape_frontier_completed_total", ["outcome": "ok"]) == 13
                }
                daemon.send(SIGTERM)
                let result = try await daemon.waitForExit()
                #expect(result.status == 0, "\(result.stderr)")
                let exported = try await Self.scrape(["frontier", "export", "--db", database, "--job", "crawl"])
                let records = try TemporaryFiles.records(exported.stdout)
                #expect(records.count == 13 && records.allSatisfy { $0["worker"] as? String == "daemon-1" })
            }
        }
    }

    /// The member's config with `drain_timeout`, its URL from the environment.
    static func config(_ daemon: DaemonHarness, drainTimeout: String) throws {
        try daemon.writeConfig(
            "http: {retries: 0}\njobs: []\n",
            daemon: """
                  drain_timeout: \(drainTimeout)
                  frontier:
                    database_url_env: CRAWL_DATABASE_URL
                    jobs: [slow]
                    concurrency: 2
                    worker_id: daemon-slow
                """)
    }

    /// A daemon working two fetches of 10 s each, started with `drainTimeout`; `body`
    /// stops it. Returns the exit and how many records the job has after it.
    static func withTwoSlowFetches(
        _ name: String, drainTimeout: String, _ body: @Sendable (DaemonHarness) async throws -> Void
    ) async throws -> (exit: ChildProcess.Result, records: Int) {
        let cluster = try await PostgresCluster.shared()
        let database = try await cluster.createDatabase(name)
        return try await TestServer.withRunning { server in
            var outcome: (ChildProcess.Result, Int)?
            try await DaemonHarness.with { daemon in
                #expect(try await Self.scrape(["frontier", "init", "--db", database]).status == 0)
                let list = try daemon.write("urls.txt", (1...2).map { server.url("/delay/10000?n=\($0)") }.joined(separator: "\n") + "\n")
                #expect(try await Self.scrape(["frontier", "add", "--db", database, "--job", "slow", "--ignore-robots", list]).status == 0)
                try config(daemon, drainTimeout: drainTimeout)
                try await daemon.start(environment: ["CRAWL_DATABASE_URL": database])
                try await daemon.eventually("both fetches in flight") { server.log.count(prefix: "/delay/") == 2 }
                try await body(daemon)
                let exit = try await daemon.waitForExit()
                let exported = try await Self.scrape(["frontier", "export", "--db", database, "--job", "slow"])
                outcome = (exit, try TemporaryFiles.records(exported.stdout).count)
            }
            return try #require(outcome)
        }
    }

    /// SIGTERM stops claiming and lets the fetches in hand run for `drain_timeout` (a
    /// minute here); a second SIGTERM cuts that short, as it does for the daemon's runs:
    /// the fetches are cancelled unrecorded (their leases expire) and the exit is clean.
    @Test func aSecondSignalCutsTheFrontierDrainShort() async throws {
        let (exit, records) = try await Self.withTwoSlowFetches("daemon_frontier_second_signal", drainTimeout: "60s") { daemon in
            daemon.send(SIGTERM)
            try await Task.sleep(for: .milliseconds(300))
            daemon.send(SIGTERM)
        }
        #expect(exit.status == 0, "\(exit.stderr)")
        #expect(exit.stderr.contains("frontier worker stopped") && !exit.stderr.contains("frontier worker failed"), "\(exit.stderr)")
        #expect(records == 0, "the 10 s fetches were cancelled, not waited for")
    }

    /// `drain_timeout` is the daemon's at the signal: a reload that shortens it bounds the
    /// frontier member's drain too.
    @Test func aReloadedDrainTimeoutBoundsTheFrontierDrain() async throws {
        let (exit, records) = try await Self.withTwoSlowFetches("daemon_frontier_reloaded_drain", drainTimeout: "60s") { daemon in
            try Self.config(daemon, drainTimeout: "1s")
            daemon.notify.clear()
            daemon.send(SIGHUP)
            _ = try await daemon.notify.wait { $0.fields["READY"] == "1" }
            daemon.send(SIGTERM)
        }
        #expect(exit.status == 0, "\(exit.stderr)")
        #expect(exit.stderr.contains("drain_timeout=1s"), "\(exit.stderr)")
        #expect(records == 0, "the 10 s fetches were cancelled after 1 s, not recorded after 10")
    }

    @Test func aMissingDatabaseVariableStopsTheStartNamingIt() async throws {
        try await DaemonHarness.with { daemon in
            try daemon.writeConfig("jobs: []\n", daemon: "  frontier: {database_url_env: NOT_SET_ANYWHERE}\n")
            let process = try ChildProcess(ChildProcess.builtProduct("scrape"), ["daemon", "--config", daemon.configPath])
            let result = try await process.wait(timeout: .seconds(30))
            #expect(result.status == 1)
            #expect(result.stderr.contains("daemon.frontier.database_url_env") && result.stderr.contains("NOT_SET_ANYWHERE"), "\(result.stderr)")
            let checked = try await Self.scrape(["check-config", daemon.configPath])
            #expect(checked.status == 0 && checked.stdout.contains("database_url_env: NOT_SET_ANYWHERE"), "\(checked.stdout)")
        }
    }
}
