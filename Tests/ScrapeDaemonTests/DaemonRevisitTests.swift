import Foundation
import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// A daemon `scrape:` job's revisit (issue 28): each run compares with the job's last run
/// in its own output (conditional requests from the validators nginx sends, 304s carrying
/// the earlier record), counts `not_modified`/`changed` in `/runs/ID` and the metrics;
/// `revisit: false` turns it off.
@Suite(.timeLimit(.minutes(3)))
struct DaemonRevisitTests {
    private static func page(_ title: String) -> String { "<!doctype html><title>\(title)</title>" }

    /// The records of run `number` (1-based) when each run records `perRun` URLs.
    private static func run(_ number: Int, of records: [[String: Any]], perRun: Int) -> [[String: Any]] {
        Array(records.dropFirst((number - 1) * perRun).prefix(perRun))
    }

    @Test(arguments: [true, false]) func aSecondRunOfAJobAsksOnlyForWhatChanged(revisit: Bool) async throws {
        let names = (1...5).map { "p\($0).html" }
        let nginx = try await NginxServer.start(files: Dictionary(uniqueKeysWithValues: names.map { ($0, Self.page($0)) }), plainHTTP: true)
        defer { nginx.stop() }
        let base = try #require(nginx.httpBaseURL)
        try await DaemonHarness.with { daemon in
            let list = try daemon.write("urls.txt", names.map { base + "/" + $0 }.joined(separator: "\n") + "\n")
            try daemon.writeConfig("http: {retries: 0, robots_txt: ignore}\n" + """
                jobs:
                  - name: pages
                    scrape: {urls_file: \(list)}
                \(revisit ? "" : "    revisit: false\n")
                """)
            try await daemon.start()
            #expect(try await daemon.json(.post, "/jobs/pages/run").status == 202)
            try await daemon.waitForRun("pages-1")
            // One page changes between the runs (a new body and a later mtime: new validators).
            let changed = nginx.root + "/p2.html"
            try Self.page("p2, second edition").write(toFile: changed, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: changed)
            #expect(try await daemon.json(.post, "/jobs/pages/run").status == 202)
            try await daemon.waitForRun("pages-2")

            let records = daemon.records(daemon.stateDirectory + "/pages.jsonl")
            #expect(records.count == 10)
            let first = Self.run(1, of: records, perRun: 5)
            let second = Self.run(2, of: records, perRun: 5)
            let runInfo = try await daemon.json(.get, "/runs/pages-2").object
            if !revisit {
                #expect(second.allSatisfy { $0["status"] as? Int == 200 && $0["not_modified"] == nil && $0["changed"] == nil })
                #expect(runInfo["not_modified"] == nil)
                return
            }
            // The first run compared with an empty output: every URL is new.
            #expect(first.allSatisfy { $0["changed"] as? Bool == true && $0["not_modified"] as? Bool == false })
            for record in second {
                let url = try #require(record["url"] as? String)
                if url.hasSuffix("/p2.html") {
                    #expect(record["status"] as? Int == 200)
                    #expect(record["changed"] as? Bool == true)
                    #expect(record["title"] as? String == "p2, second edition")
                } else {
                    #expect(record["status"] as? Int == 304, "\(record)")
                    #expect(record["not_modified"] as? Bool == true)
                    #expect(record["changed"] as? Bool == false)
                    #expect(record["title"] as? String == url.split(separator: "/").last.map(String.init))
                }
            }
            #expect(runInfo["not_modified"] as? Int == 4)
            #expect(runInfo["changed"] as? Int == 1)
            let metrics = try PrometheusText(try await daemon.request(.get, "/metrics").body)
            #expect(metrics.total("scrape_not_modified_total", ["job": "pages"]) == 4)
            #expect(metrics.total("scrape_changed_total", ["job": "pages"]) == 6)  // 5 new, then 1 changed
        }
    }

    @Test func aSecondCrawlOfAnUnchangedSiteIsAll304sAndStillReachesEveryPage() async throws {
        // index → a, b; b → c: c is reached only through b, which answers 304 the second time.
        let files = [
            "index.html": "<!doctype html><title>index</title><a href=a.html>a</a><a href=b.html>b</a>",
            "a.html": Self.page("a"), "b.html": "<!doctype html><title>b</title><a href=c.html>c</a>", "c.html": Self.page("c"),
        ]
        let nginx = try await NginxServer.start(files: files, plainHTTP: true)
        defer { nginx.stop() }
        let base = try #require(nginx.httpBaseURL)
        try await DaemonHarness.with { daemon in
            try daemon.writeConfig("http: {retries: 0, robots_txt: ignore}\n" + """
                jobs:
                  - name: site
                    crawl: {seeds: ["\(base)/index.html"]}
                """)
            try await daemon.start()
            #expect(try await daemon.json(.post, "/jobs/site/run").status == 202)
            try await daemon.waitForRun("site-1")
            #expect(try await daemon.json(.post, "/jobs/site/run").status == 202)
            try await daemon.waitForRun("site-2")
            let records = daemon.records(daemon.stateDirectory + "/site.jsonl")
            #expect(records.count == 8)
            let second = Self.run(2, of: records, perRun: 4)
            #expect(Set(second.compactMap { $0["url"] as? String }) == Set(files.keys.map { base + "/" + $0 }))
            #expect(second.allSatisfy { $0["status"] as? Int == 304 && $0["changed"] as? Bool == false }, "\(second)")
            #expect(try await daemon.json(.get, "/runs/site-2").object["not_modified"] as? Int == 4)
        }
    }

    @Test func revisitIsRefusedOnJobsWithoutPages() async throws {
        try await DaemonHarness.with { daemon in
            try daemon.writeConfig("""
                jobs:
                  - name: feed
                    api: {base_url: "http://127.0.0.1:1/"}
                    revisit: false
                """)
            let result = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["daemon", "--config", daemon.configPath]).wait()
            #expect(result.status == 2)
            #expect(result.stderr.contains("jobs[0].revisit: revisit: applies to scrape: and crawl: jobs"), "\(result.stderr)")
        }
    }
}
