import Foundation
import ScrapeBase
import ScrapeCore
import ScrapeTestSupport
import Testing

@testable import ScrapeFrontier

/// Fleet jobs with fields (issue 26): `add --field` stores them with the job, every
/// worker extracts them, `export` writes them.
@Suite struct FrontierFieldsTests {
    static func scrape(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess(ChildProcess.builtProduct("scrape"), ["frontier"] + arguments, stdinPath: "/dev/null").wait(timeout: .seconds(60))
    }

    @Test func workersExtractTheJobsStoredFields() async throws {
        let harness = try await FrontierHarness.make("fields_workers")
        defer { Task { await harness.close() } }
        try await TestServer.withRunning { server in
            let urls = (0..<6).map { server.url("/fields/product?n=\($0)") } + [server.url("/get")]
            let changes = FrontierJob.Changes(ignoreRobots: true, fields: ["h1=h1", "links[]=a::url(href)", "n=xpath:count(//a)"], metadata: true)
            let stored = try await harness.add(urls, changes: changes)
            #expect(stored.job.fields == ["h1=h1", "links[]=a::url(href)", "n=xpath:count(//a)"] && stored.job.metadata)
            try await harness.work(workers: ["f1", "f2"], concurrency: 3)
            let records = try await harness.export()
            #expect(records.count == 7)
            for record in records where (record["url"] as? String)?.contains("/fields/") == true {
                let fields = try #require(record["fields"] as? [String: Any])
                #expect(fields["h1"] as? String == "Blue Widget")
                #expect(fields["links"] as? [String] == [server.url("/p/2"), server.url("/fields/other.html?q=%C3%A9")])
                #expect(fields["n"] as? Int == 3)
                #expect((record["metadata"] as? [String: Any])?["canonical"] as? String == "https://shop.test/p/1")
            }
            let text = try #require(records.first { $0["url"] as? String == server.url("/get") })
            #expect(text["fields"] is NSNull && text["metadata"] is NSNull)
        }
    }

    @Test func addStoresFieldsChecksThemAndRefusesOthersWithoutUpdate() async throws {
        let harness = try await FrontierHarness.make("fields_command")
        defer { Task { await harness.close() } }
        let db = ["--db", harness.url]
        try await TestServer.withRunning { server in
            let list = try TemporaryFiles.urlList([server.url("/fields/product"), "not a url"])
            let bad = try await Self.scrape(["add"] + db + ["--job", "f", "--field", "bad=p[", list])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("--field: field 'bad': 'p[': "), "\(bad.stderr)")
            #expect(try await harness.store.job(named: "f") == nil)

            let added = try await Self.scrape(["add"] + db + ["--job", "f", "--ignore-robots", "--field", "h1=h1", "--field", "h2[]=h2", list])
            #expect(added.status == 0, "\(added.stderr)")
            let refused = try await Self.scrape(["add"] + db + ["--job", "f", "--field", "h1=h2", list])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("--field h1=h2 (stored: --field h1=h1 --field h2[]=h2)"), "\(refused.stderr)")
            let updated = try await Self.scrape(["add"] + db + ["--job", "f", "--update", "--field", "h1=h1", "--field", "h2[]=h2", "--metadata", list])
            #expect(updated.status == 0, "\(updated.stderr)")
            #expect(try await harness.store.job(named: "f")?.job.metadata == true)
            let status = try await Self.scrape(["status"] + db + ["--job", "f", "--json"])
            #expect(status.stdout.contains(#""fields":["h1=h1","h2[]=h2"],"metadata":true,"crawl":null}"#), "\(status.stdout)")
            let text = try await Self.scrape(["status"] + db + ["--job", "f"])
            #expect(text.stdout.contains("  fields: h1=h1 h2[]=h2; metadata: yes\n"), "\(text.stdout)")

            let worked = try await Self.scrape(["work"] + db + ["--job", "f", "--until-empty", "--worker-id", "w"])
            #expect(worked.status == 0, "\(worked.stderr)")
            let exported = try await Self.scrape(["export"] + db + ["--job", "f"])
            let records = try TemporaryFiles.records(exported.stdout)
            #expect(records.count == 2)
            let page = try #require(records.first { $0["url"] as? String == server.url("/fields/product") })
            #expect((page["fields"] as? [String: Any])?["h2"] as? [String] == ["Specs", "Reviews"])
            #expect((page["metadata"] as? [String: Any])?["opengraph"] is [String: Any])
            // The line recorded by the first add, never requested, has the keys too.
            let invalid = try #require(records.first { $0["url"] as? String == "not a url" })
            #expect(invalid["fields"] is NSNull)
        }
    }
}
