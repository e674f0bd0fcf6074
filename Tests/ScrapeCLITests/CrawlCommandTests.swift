import Foundation
import Glibc
import ScrapeTestSupport
import Testing

/// `scrape crawl` from the built binary, on the loopback sites of ``CrawlSites`` (issue 27).
@Suite(.timeLimit(.minutes(3)))
struct CrawlCommandTests {
    static let binary = ChildProcess.builtProduct("scrape")

    private func scrape(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess(Self.binary, ["crawl"] + arguments).wait(timeout: .seconds(120))
    }

    /// The records of `path`, keyed by URL; a URL recorded twice fails the test.
    private func recordsByURL(_ text: String) throws -> [String: [String: Any]] {
        var byURL: [String: [String: Any]] = [:]
        for record in try TemporaryFiles.records(text) {
            let url = try #require(record["url"] as? String)
            #expect(byURL[url] == nil, "\(url) recorded twice")
            byURL[url] = record
        }
        return byURL
    }

    @Test func theBasicSiteEachURLOnceWithDepthAndReferrer() async throws {
        try await TestServer.withRunning { server in
            let result = try await scrape([server.url("/crawl/basic/index.html"), "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
            let records = try recordsByURL(result.stdout)
            #expect(Set(records.keys) == Set(CrawlSites.basicRecorded.map(server.url)))
            let index = try #require(records[server.url("/crawl/basic/index.html")])
            #expect(index["depth"] as? Int == 0)
            #expect(index["referrer"] is NSNull)
            // `<base href>` of b.html; the fragment of `./b.html#top` dropped.
            let d = try #require(records[server.url("/crawl/basic/based/d.html")])
            #expect(d["depth"] as? Int == 2)
            #expect(d["referrer"] as? String == server.url("/crawl/basic/b.html"))
            // The redirect is recorded under the link's URL; its links resolve against the final URL.
            let moved = try #require(records[server.url("/crawl/basic/redirect")])
            #expect(moved["final_url"] as? String == server.url("/crawl/basic/target.html"))
            #expect(records[server.url("/crawl/basic/t2.html")]?["depth"] as? Int == 2)
            // A 404 page's links are followed; a text file's are not; robots.txt's record.
            #expect((records[server.url("/crawl/basic/missing.html")]?["error"] as? [String: Any])?["kind"] as? String == "http")
            #expect(records[server.url("/crawl/basic/from404.html")]?["referrer"] as? String == server.url("/crawl/basic/missing.html"))
            #expect((records[server.url("/private/secret")]?["error"] as? [String: Any])?["kind"] as? String == "robots_disallowed")
            #expect(server.log.count(path: "/crawl/basic/never.html") == 0)
            #expect(server.log.count(path: "/private/secret") == 0)
            // Keys: scrape run's, then depth and referrer.
            let line = try #require(result.stdout.split(separator: "\n").first)
            #expect(line.hasSuffix(#","depth":0,"referrer":null}"#), "\(line)")
        }
    }

    @Test func theSummaryCountsDistinctLinksByOutcome() async throws {
        try await TestServer.withRunning { server in
            let result = try await scrape([server.url("/crawl/basic/index.html"), "-o", "/dev/null"])
            #expect(result.status == 0, "\(result.stderr)")
            // 12 followed (every record but the seed), the seed found again from c.html,
            // mailto: and javascript: not_http, the other host offsite.
            #expect(
                result.stderr.contains("links: found 16, followed 12, skipped: offsite 1, depth 0, denied 0, duplicate 1, not_http 2, max_pages 0"),
                "\(result.stderr)")
        }
    }

    @Test func aCalendarTrapEndsAtMaxDepth() async throws {
        try await TestServer.withRunning { server in
            let result = try await scrape([server.url("/crawl/calendar/100"), "--max-depth", "3", "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
            let records = try recordsByURL(result.stdout)
            // Depth 3 both ways: days 97 to 103.
            #expect(Set(records.keys) == Set((97...103).map { server.url("/crawl/calendar/\($0)") }))
            #expect(records.values.allSatisfy { ($0["depth"] as? Int ?? 99) <= 3 })
        }
    }

    @Test func depthIsExactWhenTheShortPathIsSlow() async throws {
        try await TestServer.withRunning { server in
            let result = try await scrape([server.url("/crawl/depth/index.html"), "--max-depth", "3", "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
            let records = try recordsByURL(result.stdout)
            let target = try #require(records[server.url("/crawl/depth/target.html")])
            #expect(target["depth"] as? Int == 2)
            #expect(target["referrer"] as? String == server.url("/crawl/depth/slow.html"))
            #expect(records[server.url("/crawl/depth/leaf.html")]?["depth"] as? Int == 3)
            #expect(records.count == 6)
        }
    }

    @Test func exactlyOnceAtConcurrencyEight() async throws {
        try await TestServer.withRunning { server in
            let seed = server.url("/crawl/grid/0?size=300&delay=0")
            let result = try await scrape([seed, "--concurrency", "8", "--per-host-concurrency", "8", "--quiet", "--ignore-robots"])
            #expect(result.status == 0, "\(result.stderr)")
            let records = try recordsByURL(result.stdout)
            #expect(records.count == 300)
            #expect(server.log.count(prefix: "/crawl/grid/") == 300)
        }
    }

    @Test func maxPagesAndDenyAndScope() async throws {
        try await TestServer.withRunning { server in
            let capped = try await scrape([server.url("/crawl/grid/0?size=300"), "--max-pages", "25", "--ignore-robots", "-o", "-"])
            #expect(capped.status == 0, "\(capped.stderr)")
            #expect(try recordsByURL(capped.stdout).count == 25)
            let denied = try await scrape([server.url("/crawl/basic/index.html"), "--deny", "/sub/|t2", "--quiet"])
            #expect(try recordsByURL(denied.stdout).keys.contains { $0.contains("/sub/") || $0.contains("t2") } == false)
            let prefix = try await scrape([server.url("/crawl/basic/sub/c.html"), "--scope", "prefix", "--quiet"])
            #expect(Set(try recordsByURL(prefix.stdout).keys) == [server.url("/crawl/basic/sub/c.html")])
        }
    }

    @Test func killedAndResumedNoDuplicateNoneMissing() async throws {
        try await TestServer.withRunning { server in
            try await TemporaryFiles.withDirectory { directory in
                let output = directory + "/out.jsonl"
                let arguments = [
                    server.url("/crawl/grid/0?size=400&delay=5"), "-o", output, "--per-host-concurrency", "4", "--quiet", "--ignore-robots",
                ]
                let first = try ChildProcess(Self.binary, ["crawl"] + arguments)
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline {
                    let lines = (try? String(contentsOfFile: output, encoding: .utf8))?.split(separator: "\n").count ?? 0
                    if lines >= 60 { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                first.send(SIGKILL)
                let killed = try await first.wait()
                #expect(killed.status == 128 + SIGKILL)
                let partial = try recordsByURL(try String(contentsOfFile: output, encoding: .utf8)).count
                #expect(partial < 400)
                let resumed = try await scrape(arguments + ["--resume"])
                #expect(resumed.status == 0, "\(resumed.stderr)")
                let records = try recordsByURL(try String(contentsOfFile: output, encoding: .utf8))
                #expect(records.count == 400)
                let again = try await scrape(arguments + ["--resume"])
                #expect(again.status == 0, "\(again.stderr)")
                #expect(try recordsByURL(try String(contentsOfFile: output, encoding: .utf8)).count == 400)
            }
        }
    }

    @Test func seedsGivenTwiceAreOneURL() async throws {
        try await TestServer.withRunning { server in
            try await TemporaryFiles.withDirectory { directory in
                let seeds = directory + "/seeds.txt"
                try "# seeds\n\(server.url("/crawl/calendar/5"))\n\n\(server.url("/crawl/calendar/5#again"))\n".write(toFile: seeds, atomically: true, encoding: .utf8)
                let result = try await scrape([server.url("/crawl/calendar/5"), "--seeds", seeds, "--max-depth", "0", "-q"])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(try recordsByURL(result.stdout).count == 1)
            }
        }
    }

    @Test func sigtermStopsAndResumeFinishes() async throws {
        try await TestServer.withRunning { server in
            try await TemporaryFiles.withDirectory { directory in
                let output = directory + "/out.jsonl"
                let arguments = [server.url("/crawl/grid/0?size=120&delay=20"), "-o", output, "--per-host-concurrency", "2", "--ignore-robots"]
                let first = try ChildProcess(Self.binary, ["crawl"] + arguments)
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline {
                    if ((try? String(contentsOfFile: output, encoding: .utf8))?.split(separator: "\n").count ?? 0) >= 10 { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                first.send(SIGTERM)
                let stopped = try await first.wait()
                #expect(stopped.status == 128 + SIGTERM)
                #expect(stopped.stderr.contains("--resume"), "\(stopped.stderr)")
                let resumed = try await scrape(arguments + ["--resume", "-q"])
                #expect(resumed.status == 0, "\(resumed.stderr)")
                #expect(try recordsByURL(try String(contentsOfFile: output, encoding: .utf8)).count == 120)
            }
        }
    }

    @Test func anotherCrawlsStateIsRefused() async throws {
        try await TestServer.withRunning { server in
            try await TemporaryFiles.withDirectory { directory in
                let state = directory + "/crawl.state"
                let first = try await scrape([server.url("/crawl/calendar/1"), "--max-depth", "1", "-o", directory + "/a.jsonl", "--state", state, "-q"])
                #expect(first.status == 0, "\(first.stderr)")
                let other = directory + "/b.jsonl"
                try "keep\n".write(toFile: other, atomically: true, encoding: .utf8)
                let refused = try await scrape([server.url("/crawl/calendar/50"), "--max-depth", "1", "-o", other, "--state", state, "-q"])
                #expect(refused.status == 2)
                #expect(refused.stderr.contains("is the state of another crawl"), "\(refused.stderr)")
                #expect(try String(contentsOfFile: other, encoding: .utf8) == "keep\n")
                let changed = try await scrape([server.url("/crawl/calendar/1"), "--max-depth", "2", "-o", directory + "/a.jsonl", "--state", state, "--resume"])
                #expect(changed.status == 2)
                #expect(changed.stderr.contains("max_depth"), "\(changed.stderr)")
                try "not a database".write(toFile: directory + "/junk", atomically: true, encoding: .utf8)
                let junk = try await scrape([server.url("/crawl/calendar/1"), "-o", directory + "/c.jsonl", "--state", directory + "/junk"])
                #expect(junk.status == 2)
                #expect(junk.stderr.contains("is not a scrape crawl state"), "\(junk.stderr)")
            }
        }
    }

    @Test func sitemapsAddSeedsFromAnIndexOfGzipAndTextSitemaps() async throws {
        try await TestServer.withRunning { server in
            let result = try await scrape([server.url("/crawl/sitemaps/start.html"), "--sitemaps", "--max-depth", "0"])
            #expect(result.status == 0, "\(result.stderr)")
            let records = try recordsByURL(result.stdout)
            #expect(Set(records.keys) == Set(["start.html", "p1.html?a=1&b=2", "p2.html", "p3.html"].map { server.url("/crawl/sitemaps/" + $0) }))
            let p1 = try #require(records[server.url("/crawl/sitemaps/p1.html?a=1&b=2")])
            #expect(p1["depth"] as? Int == 0)
            #expect(p1["referrer"] as? String == server.url("/crawl/sitemaps/urls.xml.gz"))
            #expect(records[server.url("/crawl/sitemaps/p3.html")]?["referrer"] as? String == server.url("/crawl/sitemaps/urls.txt"))
            #expect(result.stderr.contains("sitemaps: 3 files read, 3 URLs added as seeds"), "\(result.stderr)")
        }
    }

    @Test func badFlagsAreUsageErrors() async throws {
        for flags in [["mailto:x"], ["http://h/", "--scope", "site"], ["http://h/", "--allow", "("], ["http://h/", "--follow", "a::text"], []] {
            let result = try await scrape(flags)
            #expect(result.status == 2, "\(flags): \(result.stderr)")
        }
    }
}
