import ScrapeCore
import Testing

/// `crawl:` jobs in the config file: `scrape crawl`'s flags as keys, kept as written (with
/// where) for ScrapeCrawl to compile (issue 27).
@Suite struct CrawlConfigurationTests {
    private static func job(_ body: String) throws(ConfigurationError) -> ScrapeConfiguration.Job {
        let file = try ScrapeConfiguration(yaml: "jobs:\n  - name: docs\n" + body)
        guard let job = file.jobs.first else { throw ConfigurationError(key: "jobs", message: "no job") }
        return job
    }

    private static func crawl(_ body: String) throws(ConfigurationError) -> ScrapeConfiguration.Crawl {
        guard case .crawl(let crawl) = try job(body).source else { throw ConfigurationError(key: "jobs", message: "not a crawl job") }
        return crawl
    }

    @Test func everyKeyIsReadWithWhereItWasWritten() throws {
        let job = try Self.job("""
                every: 6h
                at_start: true
                output: docs.jsonl
                crawl:
                  seeds:
                    - https://docs.example/
                    - https://docs.example/guide/
                  seeds_file: more-seeds.txt
                  scope: prefix
                  max_depth: 3
                  max_pages: 5000
                  allow: ["/guide/", "/api/"]
                  deny: /cart
                  follow: "nav a"
                  sitemaps: true
                  resume: true
                  metadata: true
                  fields: {h1: h1}
            """)
        #expect(job.every == .seconds(6 * 3600))
        #expect(job.atStart)
        #expect(job.output == "docs.jsonl")
        #expect(job.extraction.metadata)
        #expect(job.extraction.fields.map(\.source) == ["jobs[0].crawl.fields.h1"])
        guard case .crawl(let crawl) = job.source else {
            Issue.record("not a crawl job")
            return
        }
        #expect(crawl.seeds.map(\.text) == ["https://docs.example/", "https://docs.example/guide/"])
        #expect(crawl.seeds.map(\.source) == ["jobs[0].crawl.seeds[0]", "jobs[0].crawl.seeds[1]"])
        #expect(crawl.seeds.map(\.line) == [8, 9])
        #expect(crawl.seedsFile == .init("more-seeds.txt", source: "jobs[0].crawl.seeds_file", line: 10))
        #expect(crawl.scope == .init("prefix", source: "jobs[0].crawl.scope", line: 11))
        #expect(crawl.maxDepth == 3)
        #expect(crawl.maxPages == 5000)
        #expect(crawl.allow.map(\.text) == ["/guide/", "/api/"])
        #expect(crawl.allow.map(\.source) == ["jobs[0].crawl.allow[0]", "jobs[0].crawl.allow[1]"])
        #expect(crawl.deny == [.init("/cart", source: "jobs[0].crawl.deny", line: 15)])
        #expect(crawl.follow?.text == "nav a")
        #expect(crawl.sitemaps)
        #expect(crawl.resume)
    }

    @Test func theDefaultsAreScrapeCrawls() throws {
        let crawl = try Self.crawl("    crawl: {seeds: [https://docs.example/]}\n")
        #expect(crawl.seeds.count == 1)
        #expect(crawl.seedsFile == nil && crawl.scope == nil && crawl.follow == nil)
        #expect(crawl.maxDepth == nil && crawl.maxPages == nil)
        #expect(crawl.allow.isEmpty && crawl.deny.isEmpty)
        #expect(!crawl.sitemaps && !crawl.resume)
        // A single seed may be written without a list.
        #expect(try Self.crawl("    crawl: {seeds: https://docs.example/}\n").seeds.map(\.text) == ["https://docs.example/"])
    }

    @Test(arguments: [
        ("    crawl: {scope: host}\n", "line 3: jobs[0].crawl.seeds: missing: expected seeds: [URL, ...] or seeds_file: FILE"),
        ("    crawl: {seeds: [], scope: host}\n", "line 3: jobs[0].crawl.seeds: missing: expected seeds: [URL, ...] or seeds_file: FILE"),
        ("    crawl: {seeds_file: \"-\"}\n", "line 3: jobs[0].crawl.seeds_file: expected the path of a file of seed URLs (stdin cannot be used here), got \"-\""),
        ("    crawl: {seeds: [http://h/], depth: 2}\n", "line 3: jobs[0].crawl.depth: unknown key; expected one of seeds, seeds_file, scope"),
        ("    crawl: {seeds: [http://h/], max_depth: -1}\n", "line 3: jobs[0].crawl.max_depth: "),
        ("    crawl: {seeds: [http://h/], max_pages: 0}\n", "line 3: jobs[0].crawl.max_pages: "),
        ("    crawl: {seeds: [http://h/], sitemaps: maybe}\n", "line 3: jobs[0].crawl.sitemaps: expected true or false, got \"maybe\""),
        ("    crawl: {seeds: [http://h/], allow: {a: b}}\n", "line 3: jobs[0].crawl.allow: expected a list"),
        ("    crawl: {seeds: [[http://h/]]}\n", "line 3: jobs[0].crawl.seeds[0]: expected a single value"),
        ("    crawl: {seeds: [http://h/], fields: {bad: \"\"}}\n", "jobs[0].crawl.fields.bad: field 'bad': the SPEC after '=' is empty"),
        ("    crawl: {seeds: [http://h/]}\n    scrape: {urls_file: u.txt}\n", "line 3: jobs[0].crawl: a job has one of scrape:, api:, crawl: or ws:, not scrape: and crawl: both"),
        ("    crawl: {seeds: [http://h/]}\n    ws: {url: ws://h/}\n", "line 4: jobs[0].ws: a job has one of scrape:, api:, crawl: or ws:, not crawl: and ws: both"),
    ])
    func badKeysNameTheKeyAndLine(body: String, message: String) {
        #expect {
            _ = try Self.job(body)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func theDaemonRulesApplyToCrawlJobs() throws {
        let file = try ScrapeConfiguration(yaml: "jobs:\n  - name: docs\n    output: \"-\"\n    crawl: {seeds: [http://h/]}\n")
        #expect {
            _ = try file.validateForDaemon()
        } throws: { error in
            "\(error)".contains("jobs[0].output: \"-\" (stdout) cannot be used by the daemon")
        }
    }
}
