import Foundation
import PostgresNIO
import ScrapeBase
import ScrapeCore
import ScrapeTestSupport
import Testing

@testable import ScrapeFrontier

/// What `scrape frontier` says and when: usage errors, help, status of workers, the
/// time it gives an unreachable server (issue 24).
@Suite struct FrontierMessageTests {
    static let scrape = FrontierCommandTests.scrape

    /// `--since` is checked before any connection (exit 2, the accepted forms named), and
    /// a time without a zone is UTC, whatever the server's zone.
    @Test func exportSinceIsCheckedAndUTC() async throws {
        let garbage = try await Self.scrape(["export", "--db", "postgres://u@127.0.0.1:1/d", "--job", "j", "--since", "garbage"], [:], "/dev/null")
        #expect(garbage.status == 2, "\(garbage.stderr)")
        #expect(garbage.stderr.contains("--since") && garbage.stderr.contains("2026-11-30T12:00:00Z") && garbage.stderr.contains("\"garbage\""), "\(garbage.stderr)")

        let harness = try await FrontierHarness.make("since_utc")
        defer { Task { await harness.close() } }
        // Honolulu is UTC-10: read there, a UTC time of an hour ago would be 9 hours ahead.
        let database = harness.url.split(separator: "/").last!.split(separator: "?").first!
        try await harness.store.database.run { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "ALTER DATABASE \(database) SET timezone TO 'Pacific/Honolulu'"), logger: .init(label: "t"))
        }
        try await harness.add(["not a url 1", "not a url 2"])
        _ = try await harness.work(FrontierHarness.options("w"))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let hourAgo = formatter.string(from: Date(timeIntervalSinceNow: -3600))
        let since = try await Self.scrape(["export", "--db", harness.url, "--job", "crawl", "--since", hourAgo], [:], "/dev/null")
        #expect(since.status == 0, "\(since.stderr)")
        #expect(since.stdout.split(separator: "\n").count == 2, "\(since.stdout)")
        let hourAhead = formatter.string(from: Date(timeIntervalSinceNow: 3600))
        let none = try await Self.scrape(["export", "--db", harness.url, "--job", "crawl", "--since", hourAhead], [:], "/dev/null")
        #expect(none.status == 0 && none.stdout.isEmpty, "\(none.stdout) \(none.stderr)")
        let dateOnly = try await Self.scrape(["export", "--db", harness.url, "--job", "crawl", "--since", "2000-01-01"], [:], "/dev/null")
        #expect(dateOnly.stdout.split(separator: "\n").count == 2, "\(dateOnly.stderr)")
    }

    /// A worker that exits cleanly is gone in status at once, not live for two minutes.
    @Test func anExitedWorkerIsGone() async throws {
        let harness = try await FrontierHarness.make("status_gone")
        defer { Task { await harness.close() } }
        try await harness.add(["not a url"])
        _ = try await harness.work(FrontierHarness.options("finished"))
        let status = try await Self.scrape(["status", "--db", harness.url, "--json"], [:], "/dev/null")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], "\(status.stderr)")
        let live = (json["workers"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(!live.contains("finished"), "\(status.stdout)")
        let gone = (json["workers_gone"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(gone == ["finished"], "\(status.stdout)")
        let text = try await Self.scrape(["status", "--db", harness.url], [:], "/dev/null")
        #expect(text.stdout.contains("workers: 0 live") && text.stdout.contains("finished (exited"), "\(text.stdout)")
    }

    /// `scrape help frontier add` is add's help; usage errors point at the frontier
    /// command's help; `work --help` gives the exit statuses docs/frontier.md gives.
    @Test func helpAndUsageErrorsNameTheFrontierCommand() async throws {
        let help = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["help", "frontier", "add"]).wait(timeout: .seconds(30))
        #expect(help.status == 0 && help.stdout.contains("scrape frontier add") && help.stdout.contains("--per-host-rate"), "\(help.stdout) \(help.stderr)")
        let noDatabase = try await Self.scrape(["status"], ["SCRAPE_DATABASE_URL": ""], "/dev/null")
        #expect(noDatabase.status == 2 && noDatabase.stderr.contains("See 'scrape frontier status --help'"), "\(noDatabase.stderr)")
        let badConfig = try await Self.scrape(["work", "--db", "postgres://u@127.0.0.1:1/d", "--config", "/nonexistent.yaml"], [:], "/dev/null")
        #expect(badConfig.status == 2 && badConfig.stderr.contains("See 'scrape frontier work --help'"), "\(badConfig.stderr)")
        let workHelp = try await Self.scrape(["work", "--help"], [:], "/dev/null")
        #expect(workHelp.stdout.contains("130") && workHelp.stdout.contains("143"), "\(workHelp.stdout)")
    }

    /// An unreachable server: `status` gives up after its 10 s (not 12.7), and names no
    /// option it does not have.
    @Test func anUnreachableServerIsGivenTenSeconds() async throws {
        // The child's start (two execs, loading) is the machine's, not the retry loop's:
        // measured beside it, on a machine the other tests keep busy.
        let launched = ContinuousClock.now
        _ = try await Self.scrape(["status", "--help"], [:], "/dev/null")
        let startup = ContinuousClock.now - launched
        let started = ContinuousClock.now
        let result = try await Self.scrape(["status", "--db", "postgres://crawler@127.0.0.1:1/crawl?sslmode=disable"], [:], "/dev/null")
        let took = ContinuousClock.now - started
        #expect(result.status == 1)
        #expect(took >= .seconds(10) && took - startup < .milliseconds(10_500), "\(took), of which start-up about \(startup)")
        #expect(!result.stderr.contains("--unreachable-timeout") && !result.stderr.contains("daemon.frontier"), "\(result.stderr)")
        #expect(result.stderr.contains("for 10 s"), "\(result.stderr)")
    }

    /// `sslmode=require` against a server without TLS says so in words.
    @Test func aServerWithoutTLSIsSaidInWords() async throws {
        let harness = try await FrontierHarness.make("tls_none", migrate: false)
        defer { Task { await harness.close() } }
        let store = try FrontierHarness.store(harness.url.replacingOccurrences(of: "sslmode=disable", with: "sslmode=require"))
        await #expect {
            _ = try await store.schemaVersion()
        } throws: { error in
            "\(error)".contains("the server does not support TLS") && !"\(error)".contains("sslUnsupported")
        }
        await store.database.close()
    }
}
