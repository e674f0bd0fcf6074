import Foundation
import ScrapeCore
import ScrapePages
import ScrapeTestSupport
import Testing

/// `scrape run --since` against the in-process server's ``RevisitRoutes`` (issue 28):
/// conditional requests with the validators exactly as received, 304s carrying the earlier
/// record, and `not_modified` / `changed` on every record.
@Suite(.timeLimit(.minutes(1)))
struct RevisitRunTests {
    private func path(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    /// Runs `lines` into a fresh output and returns its records by URL (one each).
    private func run(
        _ lines: [String], since: String? = nil, fields: [String] = [], metadata: Bool = false
    ) async throws -> (summary: RunSummary, records: [String: [String: Any]], output: String) {
        let input = path("urls.txt")
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let output = path("out.jsonl")
        var http = ScrapeConfiguration.HTTP()
        http.timeout = .seconds(5)
        http.robotsTxt = .ignore
        let extraction = try ScrapeConfiguration.Extraction(flags: fields, metadata: metadata)
        let summary = try await ScrapeRun(options: .init(input: input, output: output, resume: false, http: http, extraction: extraction, since: since)).run()
        var records: [String: [String: Any]] = [:]
        for line in try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n") {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            records[try #require(record["url"] as? String)] = record
        }
        return (summary, records, output)
    }

    @Test func aWeakETagIsSentBackExactlyAndThe304CarriesTheRecord() async throws {
        try await TestServer.withRunning { server in
            let url = server.url("/revisit/weak/a")
            let first = try await run([url])
            let old = try #require(first.records[url])
            #expect(old["etag"] as? String == #"W/"v1-a""#)
            #expect(old["last_modified"] is NSNull)
            #expect(old["not_modified"] == nil && old["changed"] == nil, "only a --since run has them")
            let hash = try #require(old["content_sha256"] as? String)
            #expect(hash.count == 64 && hash.allSatisfy { "0123456789abcdef".contains($0) })

            let second = try await run([url], since: first.output)
            let record = try #require(second.records[url])
            #expect(record["status"] as? Int == 304)
            #expect(record["not_modified"] as? Bool == true)
            #expect(record["changed"] as? Bool == false)
            #expect(record["title"] as? String == "weak a")
            #expect(record["etag"] as? String == #"W/"v1-a""#)
            #expect(record["content_sha256"] as? String == hash)
            #expect(record["content_type"] as? String == "text/html; charset=utf-8", "carried: a 304 sends none")
            #expect(record["bytes"] as? Int == 0)
            #expect(record["error"] is NSNull)
            #expect(second.summary.since?.notModified == 1)
            #expect(server.log.count(path: "/revisit/weak/a") == 2)
        }
    }

    @Test func lastModifiedAloneIsSentBackExactly() async throws {
        try await TestServer.withRunning { server in
            let url = server.url("/revisit/date/b")
            let first = try await run([url])
            #expect(first.records[url]?["last_modified"] as? String == RevisitRoutes.lastModified)
            #expect(first.records[url]?["etag"] is NSNull)
            let record = try #require(try await run([url], since: first.output).records[url])
            #expect(record["status"] as? Int == 304)
            #expect(record["last_modified"] as? String == RevisitRoutes.lastModified)
            #expect(record["title"] as? String == "date b")
        }
    }

    /// A server that answers 200 whatever the conditionals say: the page is compared by
    /// its hash, and an equal body is not a change.
    @Test func aServerThatIgnoresConditionalsIsComparedByHash() async throws {
        try await TestServer.withRunning { server in
            let url = server.url("/revisit/ignore/c")
            let first = try await run([url])
            let second = try await run([url], since: first.output)
            let record = try #require(second.records[url])
            #expect(record["status"] as? Int == 200)
            #expect(record["not_modified"] as? Bool == false)
            #expect(record["changed"] as? Bool == false)
            #expect(record["content_sha256"] as? String == first.records[url]?["content_sha256"] as? String)
            #expect(record["bytes"] as? Int ?? 0 > 0)
            #expect(second.summary.since == {
                var since = RunSummary.Since(path: first.output)
                since.unchanged = 1
                return since
            }())
        }
    }

    /// New validators on a 304 replace the earlier ones in the record, and the next run
    /// sends those (scrapy#3778 was a cache that never refreshed them).
    @Test func validatorsA304SendsReplaceTheEarlierOnes() async throws {
        try await TestServer.withRunning { server in
            let url = server.url("/revisit/refresh/d")
            let first = try await run([url])
            #expect(first.records[url]?["etag"] as? String == #""v1""#)
            let second = try await run([url], since: first.output)
            let refreshed = try #require(second.records[url])
            #expect(refreshed["status"] as? Int == 304)
            #expect(refreshed["etag"] as? String == #""v2""#)
            #expect(refreshed["last_modified"] as? String == RevisitRoutes.refreshedLastModified)
            #expect(refreshed["title"] as? String == "refresh d")
            // The third run sent "v2": only that answer has this Last-Modified; the ETag it
            // did not resend is carried.
            let third = try #require(try await run([url], since: second.output).records[url])
            #expect(third["status"] as? Int == 304)
            #expect(third["etag"] as? String == #""v2""#)
            #expect(third["last_modified"] as? String == RevisitRoutes.secondRefreshLastModified)
            #expect(third["content_sha256"] as? String == first.records[url]?["content_sha256"] as? String)
        }
    }

    /// A body that differs is a change; so is a URL the earlier output lacks; a line that
    /// cannot be requested is marked too, and equals its earlier record (no hash either time).
    @Test func changedAndNewURLsAndRecordsWithoutARequest() async throws {
        try await TestServer.withRunning { server in
            let counter = server.url("/revisit/counter/e")
            let first = try await run([counter, "garbage line"])
            let fresh = server.url("/page/7")
            let second = try await run([counter, "garbage line", fresh], since: first.output)
            #expect(second.records[counter]?["status"] as? Int == 200, "the ETag changed: no 304")
            #expect(second.records[counter]?["not_modified"] as? Bool == false)
            #expect(second.records[counter]?["changed"] as? Bool == true)
            #expect(second.records[counter]?["title"] as? String == "counter e 2")
            #expect(second.records[fresh]?["changed"] as? Bool == true)
            #expect(second.records[fresh]?["not_modified"] as? Bool == false)
            let garbage = try #require(second.records["garbage line"])
            #expect((garbage["error"] as? [String: Any])?["kind"] as? String == "invalid_url")
            #expect(garbage["not_modified"] as? Bool == false)
            #expect(garbage["changed"] as? Bool == false)
            #expect(garbage["content_sha256"] is NSNull)
            #expect(second.summary.since?.changed == 2)
        }
    }

    /// A 304 carries the earlier `fields` and `metadata` when this run asks for the same
    /// fields; a run that asks for other fields fetches the page whole.
    @Test func fieldsAreCarriedOnlyWhenTheRunAsksForTheSameOnes() async throws {
        try await TestServer.withRunning { server in
            let url = server.url("/revisit/weak/f")
            let first = try await run([url], fields: ["h1=h1"], metadata: true)
            #expect((first.records[url]?["fields"] as? [String: Any])?["h1"] as? String == "f")
            let same = try #require(try await run([url], since: first.output, fields: ["h1=h1"], metadata: true).records[url])
            #expect(same["status"] as? Int == 304)
            #expect((same["fields"] as? [String: Any])?["h1"] as? String == "f")
            #expect(same["metadata"] is [String: Any])
            let other = try #require(try await run([url], since: first.output, fields: ["heading=h1"]).records[url])
            #expect(other["status"] as? Int == 200, "the earlier record has no 'heading': fetched whole")
            #expect((other["fields"] as? [String: Any])?["heading"] as? String == "f")
            #expect(other["changed"] as? Bool == false)
            // Fewer keys than the earlier record (no fields, no metadata) can be carried.
            let titles = try #require(try await run([url], since: first.output).records[url])
            #expect(titles["status"] as? Int == 304)
            #expect(titles["fields"] == nil && titles["metadata"] == nil)
        }
    }

    /// Where the earlier output has several records of a URL, the last one counts.
    @Test func theLastRecordOfAURLCounts() async throws {
        try await TestServer.withRunning { server in
            let url = server.url("/revisit/weak/g")
            let first = try await run([url])
            let line = try String(contentsOfFile: first.output, encoding: .utf8)
            let stale = line.replacingOccurrences(of: #""etag":"W/\"v1-g\"""#, with: #""etag":"W/\"v0-g\"""#)
            #expect(stale != line)
            let valid = path("valid-last.jsonl")
            let staleLast = path("stale-last.jsonl")
            try (stale + line).write(toFile: valid, atomically: true, encoding: .utf8)
            try (line + stale).write(toFile: staleLast, atomically: true, encoding: .utf8)
            #expect(try await run([url], since: valid).records[url]?["status"] as? Int == 304)
            #expect(try await run([url], since: staleLast).records[url]?["status"] as? Int == 200)
        }
    }

    @Test func theOutputMayNotBeTheSinceFile() async throws {
        try await TestServer.withRunning { server in
            let url = server.url("/revisit/weak/h")
            let first = try await run([url])
            let before = try Data(contentsOf: URL(fileURLWithPath: first.output))
            let link = path("link.jsonl")
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: first.output)
            let input = path("urls.txt")
            try (url + "\n").write(toFile: input, atomically: true, encoding: .utf8)
            for output in [first.output, link] {
                do {
                    _ = try await ScrapeRun(options: .init(input: input, output: output, resume: false, since: first.output)).run()
                    Issue.record("a run writing over its --since file was not refused")
                } catch let error as ScrapeRun.Failure {
                    guard case .since(let failure) = error else { throw error }
                    #expect(failure.description.contains("is this file"), "\(failure)")
                }
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: first.output)) == before)
        }
    }
}
