import Foundation
import ScrapeBase
import ScrapeCore
import ScrapeTestSupport
import Testing

@testable import ScrapeFrontier
import ScrapePages

/// `scrape frontier add` with lists as they come: lines PostgreSQL cannot hold as they
/// are, lines that are not UTF-8, empty lists (issue 24).
@Suite struct FrontierAddTests {
    /// A URL of `count` random letters and digits after `base` (random: PostgreSQL cannot
    /// compress it under its index row limit).
    static func longURL(_ base: String, count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return base + String((0..<count).map { _ in alphabet.randomElement()! })
    }

    /// A list file of raw lines (bytes as given: NUL, Latin-1).
    static func list(_ lines: [[UInt8]]) throws -> String {
        let path = TemporaryFiles.path("urls.txt")
        try Data(lines.flatMap { $0 + [UInt8(ascii: "\n")] }).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A line with a NUL byte and a 20 KB URL cost nothing of the rest: the good lines are
    /// added, the NUL line gets its invalid_url record (named by line number), and the
    /// 20 KB URL is queued as `scrape run` would fetch it.
    @Test func oneBadLineNeverCostsTheRest() async throws {
        let harness = try await FrontierHarness.make("add_bad_lines")
        defer { Task { await harness.close() } }
        let long = Self.longURL("http://127.0.0.1:9/", count: 20_000)
        let path = try Self.list([
            Array("http://127.0.0.1:9/a".utf8), Array("http://127.0.0.1:9/nul".utf8) + [0] + Array("byte".utf8), Array(long.utf8),
            Array("http://127.0.0.1:9/b".utf8),
        ])
        let added = try await FrontierCommandTests.scrape(["add", "--db", harness.url, "--job", "bad", path])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.hasPrefix("added 4"), "\(added.stdout)")
        #expect(added.stderr.contains("line 2: invalid_url"), "\(added.stderr)")
        let status = try await harness.store.status(job: "bad").jobs
        #expect(status.first?.urls == 4 && status.first?.done == 1 && status.first?.failed == 1)
        let records = try await harness.export(job: "bad")
        #expect(records.count == 1)
        let error = records.first?["error"] as? [String: Any]
        #expect(error?["kind"] as? String == "invalid_url" && (error?["message"] as? String)?.contains("NUL") == true, "\(records)")

        let again = try await FrontierCommandTests.scrape(["add", "--db", harness.url, "--job", "bad", path])
        #expect(again.stdout == "added 0, already queued 4\n", "\(again.stdout) \(again.stderr)")
    }

    /// An add that adds no URL creates no job.
    @Test func anEmptyListCreatesNoJob() async throws {
        let harness = try await FrontierHarness.make("add_empty")
        defer { Task { await harness.close() } }
        let path = try TemporaryFiles.urlList(["# nothing here", ""])
        let added = try await FrontierCommandTests.scrape(["add", "--db", harness.url, "--job", "empty", path])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "added 0, already queued 0\n")
        #expect(try await harness.store.job(named: "empty") == nil)
    }

    /// The fleet's records are `scrape run`'s for a list with lines that are not UTF-8,
    /// hold a NUL byte, are 20 KB long, or are not URLs: byte for byte, but for the
    /// times, the port and "worker".
    @Test func oddLinesGetScrapeRunsRecords() async throws {
        let harness = try await FrontierHarness.make("add_same")
        defer { Task { await harness.close() } }
        let long = Self.longURL("/long/", count: 20_000)  // the same for both
        let lines: @Sendable (TestServer) -> [[UInt8]] = { server in
            [
                Array(server.url("/page/1").utf8), Array(server.url("/caf").utf8) + [0xE9] + Array(".html".utf8),
                Array(server.url("/nul").utf8) + [0] + Array("byte".utf8), Array(server.url(long).utf8),
                Array("not a url".utf8),
            ]
        }
        let runLines = try await TestServer.withRunning { server in
            let output = TemporaryFiles.path("run.jsonl")
            _ = try await ScrapeRun(options: .init(input: try Self.list(lines(server)), output: output, http: ScrapeConfiguration.HTTP())).run()
            #expect(server.log.all.contains { $0.path == "/caf%E9.html" }, "\(server.log.all.map(\.path))")
            return Self.comparable(try Data(contentsOf: URL(fileURLWithPath: output)), base: server.baseURL)
        }
        let fleetLines = try await TestServer.withRunning { server in
            let added = try await FrontierCommandTests.scrape(["add", "--db", harness.url, "--job", "crawl", try Self.list(lines(server))])
            #expect(added.status == 0, "\(added.stderr)")
            _ = try await harness.work(FrontierHarness.options("w"))
            #expect(server.log.all.contains { $0.path == "/caf%E9.html" }, "\(server.log.all.map(\.path))")
            let output = TemporaryFiles.path("fleet.jsonl")
            let exported = try await FrontierCommandTests.scrape(["export", "--db", harness.url, "--job", "crawl", "-o", output])
            #expect(exported.status == 0, "\(exported.stderr)")
            return Self.comparable(try Data(contentsOf: URL(fileURLWithPath: output)), base: server.baseURL)
        }
        #expect(runLines.count == 5)
        #expect(fleetLines == runLines)
        #expect(fleetLines.contains { $0.contains(#""url":"BASE/caf\udce9.html""#) }, "\(fleetLines)")
    }

    /// Record lines without what differs between two runs (times, the port, the worker), sorted.
    static func comparable(_ data: Data, base: String) -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").map { line in
            var line = String(line).replacingOccurrences(of: base, with: "BASE")
            for pattern in [#","fetched_at":"[^"]*""#, #","elapsed_ms":[0-9]+"#, #","worker":("[^"]*"|null)"#] {
                line = line.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
            }
            return line
        }.sorted()
    }
}
