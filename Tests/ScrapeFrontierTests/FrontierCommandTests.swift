import Foundation
import ScrapeBase
import ScrapeCore
import ScrapeTestSupport
import Testing

@testable import ScrapeFrontier

/// `scrape frontier ...` as users run it: the `scrape` binary (which execs scrape-nio).
@Suite struct FrontierCommandTests {
    static func scrape(_ arguments: [String], environment: [String: String] = [:], stdin: String = "/dev/null") async throws -> ChildProcess.Result {
        try await ChildProcess(ChildProcess.builtProduct("scrape"), ["frontier"] + arguments, stdinPath: stdin, environment: environment)
            .wait(timeout: .seconds(60))
    }

    @Test func aWholeCrawlFromTheCommandLine() async throws {
        let harness = try await FrontierHarness.make("command_flow", migrate: false)
        defer { Task { await harness.close() } }
        let db = ["--db", harness.url]
        let initialised = try await Self.scrape(["init"] + db)
        #expect(initialised.status == 0 && initialised.stdout.contains("migrated from version 0 to \(Migrations.latestVersion)"))
        #expect(try await Self.scrape(["init"] + db).stdout.contains("is current"))
        try await TestServer.withRunning { server in
            let list = try TemporaryFiles.urlList([server.url("/page/1"), server.url("/page/2"), server.url("/page/1"), server.url("/always/404")])
            let added = try await Self.scrape(["add"] + db + ["--job", "cli", "--per-host-rate", "50/s", list])
            #expect(added.status == 0)
            #expect(added.stdout == "added 3, already queued 1\n")
            let refused = try await Self.scrape(["add"] + db + ["--job", "cli", "--per-host-concurrency", "3", list])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("--per-host-concurrency 3 (stored: \(ScrapeConfiguration.HTTP().perHostConcurrency))"), "\(refused.stderr)")
            let fromStdin = try await Self.scrape(["add"] + db + ["--job", "cli", "-"], stdin: list)
            #expect(fromStdin.stdout == "added 0, already queued 4\n")

            let worked = try await Self.scrape(["work"] + db + ["--job", "cli", "--until-empty", "--worker-id", "cli-1"])
            #expect(worked.status == 0, "\(worked.stderr)")
            #expect(worked.stderr.contains("worker cli-1: 3 recorded (1 with errors)"), "\(worked.stderr)")
            #expect(!worked.stderr.contains(":scrape@"), "the password is never printed")

            let status = try await Self.scrape(["status"] + db + ["--job", "cli", "--json"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let job = try #require((json["jobs"] as? [[String: Any]])?.first)
            #expect(job["urls"] as? Int == 3 && job["done"] as? Int == 3 && job["failed"] as? Int == 1 && job["queued"] as? Int == 0)
            #expect(job["per_host_rate"] as? Double == 50)

            let path = TemporaryFiles.path("export.jsonl")
            try "old contents\n".write(toFile: path, atomically: true, encoding: .utf8)
            let exported = try await Self.scrape(["export"] + db + ["--job", "cli", "-o", path])
            #expect(exported.status == 0, "\(exported.stderr)")
            let records = try TemporaryFiles.records(try String(contentsOfFile: path, encoding: .utf8))
            #expect(records.count == 3 && records.allSatisfy { $0["worker"] as? String == "cli-1" })
            #expect(!FileManager.default.fileExists(atPath: path + ".scrape-tmp"))
            let toStdout = try await Self.scrape(["export"] + db + ["--job", "cli"])
            #expect(toStdout.stdout.split(separator: "\n").count == 3)
            let since = try await Self.scrape(["export"] + db + ["--job", "cli", "--since", "2999-01-01T00:00:00Z"])
            #expect(since.status == 0 && since.stdout.isEmpty, "\(since.stderr)")
            let sinceEarlier = try await Self.scrape(["export"] + db + ["--job", "cli", "--since", "2000-01-01T00:00:00Z"])
            #expect(sinceEarlier.stdout.split(separator: "\n").count == 3)
        }
    }

    @Test func usageErrorsNameTheProblem() async throws {
        let noDatabase = try await Self.scrape(["status"], environment: ["SCRAPE_DATABASE_URL": ""])
        #expect(noDatabase.status == 2 && noDatabase.stderr.contains("--db"), "\(noDatabase.stderr)")
        let badURL = try await Self.scrape(["status", "--db", "postgres://u:hunter2@h:0/d"])
        #expect(badURL.status == 2 && badURL.stderr.contains("bad port") && !badURL.stderr.contains("hunter2"), "\(badURL.stderr)")
        let badRate = try await Self.scrape(["add", "--db", "postgres://u@h/d", "--job", "j", "--per-host-rate", "fast", "-"])
        #expect(badRate.status == 2 && badRate.stderr.contains("--per-host-rate"))
        let badJob = try await Self.scrape(["add", "--db", "postgres://u@h/d", "--job", "no spaces", "-"])
        #expect(badJob.status == 2 && badJob.stderr.contains("--job"))
        let harness = try await FrontierHarness.make("command_errors")
        defer { Task { await harness.close() } }
        let unknown = try await Self.scrape(["export", "--db", harness.url, "--job", "nope"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no job named \"nope\""), "\(unknown.stderr)")
        let wrongPassword = try await Self.scrape(["status", "--db", harness.url.replacingOccurrences(of: ":scrape@", with: ":wrong@")])
        #expect(wrongPassword.status == 1 && wrongPassword.stderr.contains("password authentication failed"), "\(wrongPassword.stderr)")
        #expect(!wrongPassword.stderr.contains("wrong@"))
    }

    /// `export | head -1`: the reader goes away after one line; export ends with 141 and
    /// no message, as `scrape run` does.
    @Test func exportIntoAReaderThatGoesAway() async throws {
        let harness = try await FrontierHarness.make("command_pipe")
        defer { Task { await harness.close() } }
        // Lines that are not URLs: records without a request, more than a pipe holds.
        try await harness.add((0..<3000).map { "not a url \($0)" })
        _ = try await harness.work(FrontierHarness.options("w"))
        let stdout = try FIFO()
        let child = try ChildProcess(ChildProcess.builtProduct("scrape"), ["frontier", "export", "--db", harness.url, "--job", "crawl"], stdoutPath: stdout.path)
        let first = try await stdout.readLine(timeout: .seconds(20))
        #expect(first.hasPrefix(#"{"url":"not a url"#))
        stdout.close()
        let result = try await child.wait(timeout: .seconds(20))
        #expect(result.status == 141)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    /// A server that is not there: a command retries for 10 s, saying so, then exits 1
    /// naming the URL without its password.
    @Test func anUnreachableServerEndsACommandAfterTenSeconds() async throws {
        let result = try await Self.scrape(["status", "--db", "postgres://crawler:hunter2@127.0.0.1:1/crawl?sslmode=disable"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("database unreachable"), "\(result.stderr)")
        #expect(result.stderr.contains("cannot reach PostgreSQL at postgres://crawler@127.0.0.1:1/crawl"), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2"))
    }

    /// An idle worker wakes on NOTIFY when URLs are added (its idle poll is a minute here),
    /// and SIGTERM ends it with the fetches in hand recorded.
    @Test func idleWorkerWakesOnNotifyAndStopsOnSIGTERM() async throws {
        let harness = try await FrontierHarness.make("command_notify")
        defer { Task { await harness.close() } }
        try await TestServer.withRunning { server in
            try await harness.add([], changes: .init(ignoreRobots: true))
            var options = FrontierHarness.options("listener", concurrency: 2)
            options.untilEmpty = false
            options.idlePoll = .seconds(60)
            let store = try FrontierHarness.store(harness.url)
            let worker = FrontierWorker(options: options, store: store)
            let running = Task { try await worker.run() }
            try await Task.sleep(for: .milliseconds(500))  // idle, listening
            try await harness.add([server.url("/page/1"), server.url("/page/2")])
            let deadline = ContinuousClock.now + .seconds(20)
            while try await harness.store.status(job: "crawl").jobs[0].done < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await harness.store.status(job: "crawl").jobs[0].done == 2)
            worker.stop()
            let summary = try await running.value
            #expect(summary.completed == 2)
            await store.database.close()

            // The binary: SIGTERM while idle ends it with 143 and its summary.
            let child = try ChildProcess(ChildProcess.builtProduct("scrape"), ["frontier", "work", "--db", harness.url])
            try await Task.sleep(for: .milliseconds(800))
            child.send(SIGTERM)
            let result = try await child.wait(timeout: .seconds(20))
            #expect(result.status == 143, "\(result.stderr)")
            #expect(result.stderr.contains("stopping") && result.stderr.contains("0 recorded"), "\(result.stderr)")
        }
    }
}
