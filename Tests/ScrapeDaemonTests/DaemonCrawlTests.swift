import Foundation
import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// `crawl:` jobs of the daemon (issue 27), on the loopback sites of ``CrawlSites``: fresh
/// crawls appended run after run, exactly once across kill -9 and SIGTERM, `resume: true`,
/// bad jobs refused at start and reload, the `scrape_crawl_*` metrics, `check-config`.
@Suite(.timeLimit(.minutes(3)))
struct DaemonCrawlTests {
    /// The records' URLs, in file order.
    private static func urls(_ records: [[String: Any]]) -> [String] {
        records.compactMap { $0["url"] as? String }
    }

    /// Fails the test for each URL recorded more than once in `urls`.
    private static func expectEachOnce(_ urls: [String], _ what: String) {
        var seen: Set<String> = []
        for url in urls where !seen.insert(url).inserted {
            Issue.record("\(what): \(url) recorded twice")
        }
    }

    /// The job's last run as `/jobs` shows it.
    private static func lastRun(_ daemon: DaemonHarness) async throws -> [String: Any]? {
        let jobs = try await daemon.json(.get, "/jobs").object["jobs"] as? [[String: Any]]
        return jobs?.first?["last_run"] as? [String: Any]
    }

    @Test func aCrawlJobRecordsEachPageOnceAndEachRunAppendsAFreshCrawl() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                // A relative seeds_file is read from the config file's folder.
                try daemon.write("seeds.txt", "# the basic site\n" + server.url("/crawl/basic/index.html") + "\n")
                try daemon.writeConfig("http: {retries: 0}\n" + """
                    jobs:
                      - name: site
                        every: 1h
                        at_start: true
                        crawl:
                          seeds_file: seeds.txt
                          fields: {h1: title}
                    """)
                try await daemon.start()
                try await daemon.waitForRun("site-1")
                let output = daemon.stateDirectory + "/site.jsonl"
                let first = daemon.records(output)
                let expected = Set(CrawlSites.basicRecorded.map(server.url))
                Self.expectEachOnce(Self.urls(first), "run 1")
                #expect(Set(Self.urls(first)) == expected)
                let byURL = Dictionary(first.map { ($0["url"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
                #expect(byURL[server.url("/crawl/basic/index.html")]?["depth"] as? Int == 0)
                #expect(byURL[server.url("/crawl/basic/index.html")]?["referrer"] is NSNull)
                #expect(byURL[server.url("/crawl/basic/based/d.html")]?["depth"] as? Int == 2)
                #expect(byURL[server.url("/crawl/basic/based/d.html")]?["referrer"] as? String == server.url("/crawl/basic/b.html"))
                #expect((byURL[server.url("/crawl/basic/a.html")]?["fields"] as? [String: Any])?["h1"] as? String == "A")
                #expect((byURL[server.url("/private/secret")]?["error"] as? [String: Any])?["kind"] as? String == "robots_disallowed")

                let run = try await daemon.json(.get, "/runs/site-1").object
                #expect(run["records"] as? Int == expected.count)
                let jobs = try await daemon.json(.get, "/jobs").object["jobs"] as? [[String: Any]]
                #expect(jobs?.first?["type"] as? String == "crawl")
                let message = try await Self.lastRun(daemon)?["message"] as? String
                #expect(message?.contains("links: found 16, followed 12") == true, "\(message ?? "")")

                // A second run is a fresh crawl: every page again, appended after the first run's.
                #expect(try await daemon.request(.post, "/jobs/site/run").status == 202)
                try await daemon.waitForRun("site-2")
                let all = daemon.records(output)
                #expect(all.count == 2 * expected.count)
                let second = Array(Self.urls(all).dropFirst(first.count))
                Self.expectEachOnce(second, "run 2")
                #expect(Set(second) == expected)
                #expect(Self.urls(all).prefix(first.count).elementsEqual(Self.urls(first)))

                let metrics = try PrometheusText(try await daemon.request(.get, "/metrics").body)
                #expect(metrics.total("scrape_crawl_pages_total", ["job": "site"]) == Double(2 * expected.count))
                #expect(metrics.total("scrape_crawl_links_total", ["job": "site", "outcome": "followed"]) == 24)
                #expect(metrics.total("scrape_crawl_links_total", ["job": "site", "outcome": "not_http"]) == 4)
                #expect(metrics.total("scrape_crawl_links_total", ["job": "site", "outcome": "offsite"]) == 2)
                #expect(metrics.total("scrape_crawl_links_total", ["job": "site", "outcome": "duplicate"]) == 2)
                #expect(metrics.total("scrape_crawl_links_total", ["job": "site", "outcome": "depth"]) == 0)
                #expect(metrics.total("scrape_crawl_queue", ["job": "site"]) == 0)
                #expect(metrics.types["scrape_crawl_pages_total"] == "counter")
                #expect(metrics.types["scrape_crawl_queue"] == "gauge")
                #expect(metrics.total("scrape_requests_total", ["status_class": "2xx"]).map { $0 >= 20 } == true)
            }
        }
    }

    /// kill -9 mid-crawl: the next start goes on with the crawl from its state and output.
    @Test func aDaemonKilledMidCrawlResumesWithoutDuplicatesOrLosses() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                try daemon.writeConfig("http: {robots_txt: ignore, retries: 0, per_host_concurrency: 4}\n" + """
                    jobs:
                      - name: grid
                        every: 1h
                        at_start: true
                        crawl:
                          seeds: ["\(server.url("/crawl/grid/0?size=300&delay=5"))"]
                    """)
                try await daemon.start()
                let output = daemon.stateDirectory + "/grid.jsonl"
                try await daemon.eventually("some records") { daemon.records(output).count >= 40 }
                daemon.send(SIGKILL)
                _ = try await daemon.waitForExit()
                #expect(daemon.records(output).count < 300)
                try await daemon.start()
                try await daemon.waitForRun("grid-1")
                let recorded = Self.urls(daemon.records(output))
                Self.expectEachOnce(recorded, "the resumed crawl")
                #expect(recorded.count == 300)
                #expect(try await Self.lastRun(daemon)?["outcome"] as? String == "succeeded")
            }
        }
    }

    /// SIGTERM mid-crawl: pages in flight are recorded, the rest stays queued; the next
    /// start finishes the crawl.
    @Test func aDrainedCrawlIsFinishedByTheNextStart() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                try daemon.writeConfig("http: {robots_txt: ignore, retries: 0, per_host_concurrency: 2}\n" + """
                    jobs:
                      - name: grid
                        every: 1h
                        at_start: true
                        crawl:
                          seeds: ["\(server.url("/crawl/grid/0?size=120&delay=20"))"]
                    """, daemon: "  drain_timeout: 2s")
                try await daemon.start()
                let output = daemon.stateDirectory + "/grid.jsonl"
                try await daemon.eventually("some records") { daemon.records(output).count >= 10 }
                daemon.send(SIGTERM)
                let exit = try await daemon.waitForExit(timeout: .seconds(20))
                #expect(exit.status == 0, "\(exit.stderr)")
                let drained = daemon.records(output).count
                #expect(drained < 120)
                try await daemon.start()
                try await daemon.waitForRun("grid-1")
                let recorded = Self.urls(daemon.records(output))
                Self.expectEachOnce(recorded, "the drained and finished crawl")
                #expect(recorded.count == 120)
            }
        }
    }

    /// `resume: true`: a run goes on with the last crawl when it did not finish (what a run
    /// that fails part-way leaves: no unfinished run, a crawl state with URLs queued), and
    /// starts afresh once it did. Without it, such a crawl is started afresh.
    @Test(arguments: [true, false])
    func resumeTrueContinuesAnUnfinishedCrawl(resume: Bool) async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                try daemon.writeConfig("http: {robots_txt: ignore, retries: 0, per_host_concurrency: 4}\n" + """
                    jobs:
                      - name: grid
                        every: 1h
                        at_start: true
                        crawl:
                          seeds: ["\(server.url("/crawl/grid/0?size=200&delay=5"))"]
                          resume: \(resume)
                    """)
                try await daemon.start()
                let output = daemon.stateDirectory + "/grid.jsonl"
                try await daemon.eventually("some records") { daemon.records(output).count >= 30 }
                daemon.send(SIGKILL)
                _ = try await daemon.waitForExit()
                let partial = daemon.records(output).count
                #expect(partial < 200)
                // The run as a failed one ends: no unfinished run to resume at the next start.
                let statePath = daemon.stateDirectory + "/state.json"
                var state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: statePath))) as? [String: Any])
                var jobs = try #require(state["jobs"] as? [String: Any])
                var job = try #require(jobs["grid"] as? [String: Any])
                #expect(job["unfinished"] != nil)
                job["unfinished"] = nil
                jobs["grid"] = job
                state["jobs"] = jobs
                try JSONSerialization.data(withJSONObject: state).write(to: URL(fileURLWithPath: statePath))

                try daemon.writeConfig("http: {robots_txt: ignore, retries: 0, per_host_concurrency: 4}\n" + """
                    jobs:
                      - name: grid
                        every: 1h
                        crawl:
                          seeds: ["\(server.url("/crawl/grid/0?size=200&delay=5"))"]
                          resume: \(resume)
                    """)
                try await daemon.start()
                #expect(try await daemon.request(.post, "/jobs/grid/run").status == 202)
                try await daemon.waitForRun("grid-2")
                let recorded = Self.urls(daemon.records(output))
                if resume {
                    // The crawl went on: every page once, the killed run's records trusted.
                    Self.expectEachOnce(recorded, "the continued crawl")
                    #expect(recorded.count == 200)
                    #expect(try await daemon.json(.get, "/runs/grid-2").object["skipped"] as? Int == partial)
                } else {
                    // A fresh crawl: every page again after the killed run's records.
                    #expect(recorded.count == partial + 200)
                    Self.expectEachOnce(Array(recorded.dropFirst(partial)), "the fresh crawl")
                }
                // The crawl finished: the next run starts afresh either way.
                let before = recorded.count
                #expect(try await daemon.request(.post, "/jobs/grid/run").status == 202)
                try await daemon.waitForRun("grid-3")
                let third = Array(Self.urls(daemon.records(output)).dropFirst(before))
                Self.expectEachOnce(third, "the third run")
                #expect(third.count == 200)
            }
        }
    }

    @Test func aBadCrawlJobStopsTheStartNamingTheKeyAndLine() async throws {
        try await DaemonHarness.with { daemon in
            try daemon.writeConfig("""
                jobs:
                  - name: site
                    crawl:
                      seeds: [http://127.0.0.1:9/]
                      allow: ["/docs/", "("]
                """)
            let result = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["daemon", "--config", daemon.configPath]).wait()
            #expect(result.status == 2)
            #expect(result.stderr.contains("line 5: jobs[0].crawl.allow[1]: '(' is not a POSIX extended regular expression"), "\(result.stderr)")
        }
    }

    @Test(arguments: [
        ("scope: site", "jobs[0].crawl.scope: expected one of host, origin, domain, prefix, any, got \"site\""),
        ("follow: \"a::text\"", "jobs[0].crawl.follow: "),
        ("seeds: [\"mailto:x@y\"]", "jobs[0].crawl.seeds[0]: \"mailto:x@y\" is not an http or https URL"),
    ])
    func aReloadWithABadCrawlJobIsRefused(change: String, message: String) async throws {
        try await DaemonHarness.with { daemon in
            let good = """
                jobs:
                  - name: site
                    every: 1h
                    crawl:
                      seeds: [http://127.0.0.1:9/]
                      max_depth: 2
                """
            try daemon.writeConfig(good)
            try await daemon.start()
            let bad = change.hasPrefix("seeds")
                ? good.replacingOccurrences(of: "seeds: [http://127.0.0.1:9/]", with: change)
                : good.replacingOccurrences(of: "max_depth: 2", with: "max_depth: 2\n      " + change)
            try daemon.writeConfig(bad)
            daemon.send(SIGHUP)
            try await daemon.eventually("the reload refused") { daemon.log.contains("reload failed") }
            #expect(daemon.log.contains(message), "\(daemon.log)")
            let jobs = try await daemon.json(.get, "/jobs").object["jobs"] as? [[String: Any]]
            #expect(jobs?.first?["name"] as? String == "site")
            #expect(try await daemon.json(.get, "/healthz").status == 200)
        }
    }

    @Test func checkConfigCompilesCrawlJobs() async throws {
        try await DaemonHarness.with { daemon in
            let seeds = try daemon.write("seeds.txt", "https://docs.example/\n")
            try daemon.writeConfig("""
                jobs:
                  - name: docs
                    every: 1d
                    crawl:
                      seeds_file: \(seeds)
                      scope: prefix
                      deny: ["/cart"]
                      follow: "a[href]:not([rel~=nofollow])"
                  - name: list
                    scrape: {urls_file: urls.txt}
                """)
            let scrape = ChildProcess.builtProduct("scrape")
            let good = try await ChildProcess(scrape, ["check-config", daemon.configPath]).wait()
            #expect(good.status == 0, "\(good.stderr)")
            #expect(good.stdout.contains("jobs: 2 (scrape: list; crawl: docs)"), "\(good.stdout)")
            let text = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
            try text.replacingOccurrences(of: "scope: prefix", with: "scope: prefix\n      max_pages: 0").write(
                toFile: daemon.configPath, atomically: true, encoding: .utf8)
            let zero = try await ChildProcess(scrape, ["check-config", daemon.configPath]).wait()
            #expect(zero.status == 2)
            #expect(zero.stderr.contains("line 7: jobs[0].crawl.max_pages: "), "\(zero.stderr)")
            try text.replacingOccurrences(of: "a[href]:not([rel~=nofollow])", with: "a[").write(
                toFile: daemon.configPath, atomically: true, encoding: .utf8)
            let bad = try await ChildProcess(scrape, ["check-config", daemon.configPath]).wait()
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("line 8: jobs[0].crawl.follow: "), "\(bad.stderr)")
        }
    }
}
