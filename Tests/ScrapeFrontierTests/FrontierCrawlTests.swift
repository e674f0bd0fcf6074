import Foundation
import ScrapeBase
import ScrapeCore
import ScrapeCrawl
import ScrapeResilience
import ScrapeTestSupport
import Testing

@testable import ScrapeFrontier

/// Crawl jobs (`add --crawl`): two workers in process on a real PostgreSQL crawl the loopback
/// sites of ``CrawlSites`` and export what `scrape crawl` (``CrawlRun``, in process) records
/// on the same site with the same rules.
@Suite(.timeLimit(.minutes(3)))
struct FrontierCrawlTests {
    /// What a crawl recorded: depth by URL path, the `links:` counts.
    struct Crawled: Equatable, CustomStringConvertible {
        var depths: [String: Int]
        var links: LinkCounts?

        var description: String {
            depths.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" }.joined(separator: " ") + " \(links?.line ?? "")"
        }
    }

    /// The depths by path of `records`; a URL recorded twice fails the test.
    static func depths(_ records: [[String: Any]], base: String) -> [String: Int] {
        var depths: [String: Int] = [:]
        for record in records {
            let url = (record["url"] as? String ?? "").replacingOccurrences(of: base, with: "")
            #expect(depths[url] == nil, "\(url) recorded twice")
            depths[url] = record["depth"] as? Int ?? -1
        }
        return depths
    }

    /// `texts` parsed as `scrape crawl` parses its seeds.
    static func seeds(_ texts: [String]) throws -> [CrawlURL] {
        try CrawlSettings(compiling: CrawlSettings.Rules().written(seeds: texts)).seeds
    }

    /// `scrape crawl` on `seed` with `rules`, in process.
    static func scrapeCrawl(_ seed: String, rules: CrawlSettings.Rules, server: TestServer) async throws -> Crawled {
        try await scrapeCrawl(seeds: [seed], rules: rules, server: server)
    }

    static func scrapeCrawl(seeds: [String], rules: CrawlSettings.Rules, server: TestServer) async throws -> Crawled {
        let output = TemporaryFiles.path("crawl.jsonl")
        let settings = try CrawlSettings(seeds: try Self.seeds(seeds), rules: rules)
        var http = ScrapeConfiguration.HTTP()
        http.backoff = .init(initial: .milliseconds(20), maximum: .milliseconds(100))
        let summary = try await CrawlRun(options: .init(settings: settings, output: output, http: http)).run()
        let records = try TemporaryFiles.records(try String(contentsOfFile: output, encoding: .utf8))
        return Crawled(depths: depths(records, base: server.baseURL), links: summary.links)
    }

    /// A fleet crawl job on `seed` with `rules`, two workers; its export and status.
    static func fleetCrawl(
        _ seed: String, rules: CrawlSettings.Rules, server: TestServer, database: String, ignoreRobots: Bool = false
    ) async throws -> (Crawled, [[String: Any]]) {
        try await fleetCrawl(seeds: [seed], rules: rules, server: server, database: database, ignoreRobots: ignoreRobots)
    }

    static func fleetCrawl(
        seeds: [String], rules: CrawlSettings.Rules, server: TestServer, database: String, ignoreRobots: Bool = false
    ) async throws -> (Crawled, [[String: Any]]) {
        let harness = try await FrontierHarness.make(database)
        defer { Task { await harness.close() } }
        let hrefs = try Self.seeds(seeds).map(\.href)
        try await harness.add(hrefs, changes: .init(ignoreRobots: ignoreRobots, crawl: rules))
        try await harness.work(workers: ["w1", "w2"], concurrency: 3)
        let records = try await harness.export()
        let (jobs, _) = try await harness.store.status(job: "crawl")
        #expect(jobs.first?.done == jobs.first?.urls)
        #expect(jobs.first?.unrecordedByDepth.isEmpty == true)
        return (Crawled(depths: depths(records, base: server.baseURL), links: jobs.first?.links), records)
    }

    @Test func theBasicSiteAsScrapeCrawlRecordsIt() async throws {
        try await TestServer.withRunning { server in
            let seed = server.url("/crawl/basic/index.html")
            let one = try await Self.scrapeCrawl(seed, rules: .init(), server: server)
            let (fleet, records) = try await Self.fleetCrawl(seed, rules: .init(), server: server, database: "crawl_basic")
            #expect(Set(fleet.depths.keys) == CrawlSites.basicRecorded)
            #expect(fleet == one, "fleet: \(fleet)\none: \(one)")
            // scrape crawl's keys, in its order, then the worker.
            let index = try #require(records.first { $0["url"] as? String == seed })
            #expect(index["referrer"] is NSNull)
            let moved = try #require(records.first { $0["url"] as? String == server.url("/crawl/basic/redirect") })
            #expect(moved["final_url"] as? String == server.url("/crawl/basic/target.html"))
            #expect(records.first { $0["url"] as? String == server.url("/crawl/basic/based/d.html") }?["referrer"] as? String
                == server.url("/crawl/basic/b.html"))
            #expect(server.log.count(path: "/private/secret") == 0)
        }
    }

    @Test func exportedLinesKeepScrapeCrawlsKeyOrder() async throws {
        try await TestServer.withRunning { server in
            let harness = try await FrontierHarness.make("crawl_keys")
            defer { Task { await harness.close() } }
            try await harness.add([server.url("/crawl/depth/leaf.html")], changes: .init(crawl: .init()))
            _ = try await harness.work(FrontierHarness.options("w1"))
            let stored = try #require(try await harness.store.job(named: "crawl"))
            let lines = Locked<[UInt8]>([])
            _ = try await harness.store.export(jobID: stored.id, since: nil) { record, worker in
                lines.withLock { FrontierStore.exportLine(record: record, worker: worker, into: &$0) }
            }
            let line = String(decoding: lines.withLock { $0 }, as: UTF8.self)
            #expect(line.contains(#""fetched_at":"#) && line.hasSuffix(#","depth":0,"referrer":null,"worker":"w1"}"# + "\n"), "\(line)")
        }
    }

    @Test func depthIsExactWhenTheShortPathIsSlow() async throws {
        try await TestServer.withRunning { server in
            let seed = server.url("/crawl/depth/index.html")
            let rules = CrawlSettings.Rules(maxDepth: 3)
            let (fleet, records) = try await Self.fleetCrawl(seed, rules: rules, server: server, database: "crawl_depth")
            // target.html is 2 links away through the slow page, found first at 3 through
            // fast ones; leaf.html, behind it, is at 3 and so within --max-depth 3.
            #expect(fleet.depths["/crawl/depth/target.html"] == 2, "\(fleet)")
            #expect(fleet.depths["/crawl/depth/leaf.html"] == 3, "\(fleet)")
            #expect(fleet.depths.count == 6)
            #expect(records.first { $0["url"] as? String == server.url("/crawl/depth/target.html") }?["referrer"] as? String
                == server.url("/crawl/depth/slow.html"))
            #expect(fleet == (try await Self.scrapeCrawl(seed, rules: rules, server: server)))
        }
    }

    @Test func aCalendarTrapEndsAtMaxDepth() async throws {
        try await TestServer.withRunning { server in
            let (fleet, _) = try await Self.fleetCrawl(
                server.url("/crawl/calendar/100"), rules: .init(maxDepth: 3), server: server, database: "crawl_calendar")
            #expect(Set(fleet.depths.keys) == Set((97...103).map { "/crawl/calendar/\($0)" }))
            #expect(fleet.depths.values.allSatisfy { $0 <= 3 })
            #expect(fleet.links?.depth == 2, "days 96 and 104: skipped for depth")
        }
    }

    @Test(arguments: [
        ("deny", "/crawl/basic/index.html", CrawlSettings.Rules(deny: ["/sub/|t2"])),
        ("allow", "/crawl/basic/index.html", CrawlSettings.Rules(allow: ["a\\.html$", "index"])),
        ("prefix", "/crawl/basic/sub/c.html", CrawlSettings.Rules(scope: "prefix")),
        ("depth1", "/crawl/basic/index.html", CrawlSettings.Rules(maxDepth: 1)),
        ("follow", "/crawl/basic/index.html", CrawlSettings.Rules(follow: "area")),
    ])
    func rulesAsScrapeCrawlAppliesThem(name: String, path: String, rules: CrawlSettings.Rules) async throws {
        try await TestServer.withRunning { server in
            let one = try await Self.scrapeCrawl(server.url(path), rules: rules, server: server)
            let (fleet, _) = try await Self.fleetCrawl(server.url(path), rules: rules, server: server, database: "crawl_rules_\(name)")
            #expect(fleet == one, "fleet: \(fleet)\none: \(one)")
        }
    }

    /// Each URL is checked against the scope of the seed that reached it: two seeds with
    /// `--scope prefix`, each crawling only under its own directory.
    @Test func scopeIsPerSeed() async throws {
        try await TestServer.withRunning { server in
            let seeds = [server.url("/crawl/basic/sub/c.html"), server.url("/crawl/depth/index.html")]
            let rules = CrawlSettings.Rules(scope: "prefix")
            let one = try await Self.scrapeCrawl(seeds: seeds, rules: rules, server: server)
            let (fleet, _) = try await Self.fleetCrawl(seeds: seeds, rules: rules, server: server, database: "crawl_two_seeds")
            #expect(Set(fleet.depths.keys) == Set<String>(["/crawl/basic/sub/c.html"]).union(
                ["index.html", "slow.html", "x1.html", "x2.html", "target.html", "leaf.html"].map { "/crawl/depth/" + $0 }))
            #expect(fleet.links?.offsite == 1, "c.html's ../index.html is out of its seed's prefix")
            #expect(fleet == one, "fleet: \(fleet)\none: \(one)")
        }
    }

    @Test func exactlyOnceWithMaxPagesFleetWide() async throws {
        try await TestServer.withRunning { server in
            let seed = server.url("/crawl/grid/0?size=300&delay=0")
            let (whole, _) = try await Self.fleetCrawl(seed, rules: .init(), server: server, database: "crawl_grid", ignoreRobots: true)
            #expect(whole.depths.count == 300)
            #expect(server.log.count(prefix: "/crawl/grid/") == 300)
            let (capped, _) = try await Self.fleetCrawl(
                seed, rules: .init(maxPages: 25), server: server, database: "crawl_grid_capped", ignoreRobots: true)
            #expect(capped.depths.count == 25)
            #expect((capped.links?.maxPages ?? 0) > 0)
        }
    }

    @Test func aCrawlJobIsNotAListJob() async throws {
        let harness = try await FrontierHarness.make("crawl_settings")
        defer { Task { await harness.close() } }
        try await harness.add(["http://127.0.0.1:9/a"], job: "list")
        await #expect(throws: FrontierError.self) {
            _ = try await harness.store.createJob("list", changes: .init(crawl: .init()), update: true)
        }
        try await harness.add(["http://127.0.0.1:9/"], job: "c", changes: .init(crawl: .init(maxDepth: 2)))
        let refusal = await #expect(throws: FrontierError.self) {
            _ = try await harness.store.createJob("c", changes: .init(crawl: .init(maxDepth: 3)), update: false)
        }
        let message = refusal.map { "\($0)" } ?? ""
        #expect(message.contains("--max-depth 3") && message.contains("(stored: --crawl"), "\(message)")
        let stored = try #require(try await harness.store.job(named: "c"))
        #expect(stored.job.crawl == CrawlSettings.Rules(maxDepth: 2))
        let claims = try await harness.store.claim(
            .init(jobID: stored.id, worker: "w", limit: 10, lease: .seconds(60), horizon: .seconds(1), giveUpAfter: .seconds(600)))
        #expect(claims.map(\.crawl) == [FrontierStore.CrawlPosition(depth: 0, referrer: nil, seedURL: "http://127.0.0.1:9/")])
    }

    @Test func addCrawlFromTheCommandLine() async throws {
        let harness = try await FrontierHarness.make("crawl_command")
        defer { Task { await harness.close() } }
        let db = ["--db", harness.url]
        try await TestServer.withRunning { server in
            let seed = server.url("/crawl/basic/index.html")
            let sitemaps = try await FrontierCommandTests.scrape(["add"] + db + ["--job", "c", "--crawl", "--sitemaps", seed])
            #expect(sitemaps.status == 2 && sitemaps.stderr.contains("--sitemaps is not in the fleet yet"), "\(sitemaps.stderr)")
            let notCrawl = try await FrontierCommandTests.scrape(["add"] + db + ["--job", "c", "--max-depth", "2", "-"])
            #expect(notCrawl.status == 2 && notCrawl.stderr.contains("--max-depth: only with --crawl"), "\(notCrawl.stderr)")
            let badScope = try await FrontierCommandTests.scrape(["add"] + db + ["--job", "c", "--crawl", "--scope", "nowhere", seed])
            #expect(badScope.status == 2 && badScope.stderr.contains("--scope: expected one of host, origin, domain, prefix, any"), "\(badScope.stderr)")
            let seeds = try TemporaryFiles.urlList([seed, "ftp://example.test/"])
            let badSeed = try await FrontierCommandTests.scrape(["add"] + db + ["--job", "c", "--crawl", seeds])
            #expect(badSeed.status == 2 && badSeed.stderr.contains(#"line 2): "ftp://example.test/" is not an http or https URL"#), "\(badSeed.stderr)")
            #expect(try await harness.store.job(named: "c") == nil)

            let added = try await FrontierCommandTests.scrape(["add"] + db + ["--job", "c", "--crawl", "--max-depth", "1", seed, seed + "#again"])
            #expect(added.status == 0 && added.stdout == "added 1, already queued 0\n", "\(added.stdout) \(added.stderr)")
            let worked = try await FrontierCommandTests.scrape(["work"] + db + ["--job", "c", "--until-empty", "--worker-id", "cli-1"])
            #expect(worked.status == 0, "\(worked.stderr)")
            let status = try await FrontierCommandTests.scrape(["status"] + db + ["--job", "c"])
            #expect(status.stdout.contains("crawl: scope host, max depth 1, max pages unlimited"), "\(status.stdout)")
            #expect(status.stdout.contains("links: found 16, followed 7, skipped: offsite 1, depth 5, denied 0, duplicate 1, not_http 2, max_pages 0"), "\(status.stdout)")
            let json = try await FrontierCommandTests.scrape(["status"] + db + ["--job", "c", "--json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let job = try #require((object["jobs"] as? [[String: Any]])?.first)
            #expect(((job["crawl"] as? [String: Any])?["links"] as? [String: Any])?["followed"] as? Int == 7, "\(json.stdout)")
            let exported = try await FrontierCommandTests.scrape(["export"] + db + ["--job", "c"])
            let records = try TemporaryFiles.records(exported.stdout)
            #expect(records.count == 8 && records.allSatisfy { ($0["depth"] as? Int ?? 9) <= 1 }, "\(exported.stdout)")
        }
    }
}
