import Foundation
import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// `scrape:` jobs of the daemon with `fields:` and `metadata:` (issue 26).
@Suite(.timeLimit(.minutes(2)))
struct DaemonFieldsTests {
    private static let quietHTTP = "http: {robots_txt: ignore, retries: 0}\n"

    @Test func aScrapeJobsRecordsHoldItsFieldsAndMetadata() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let urls = try daemon.write("urls.txt", server.url("/fields/product") + "\n" + server.url("/get") + "\n")
                try daemon.writeConfig(Self.quietHTTP + """
                    jobs:
                      - name: products
                        every: 1h
                        at_start: true
                        scrape:
                          urls_file: \(urls)
                          metadata: true
                          fields:
                            - h1=h1
                            - "links[]=a::url(href)"
                    """)
                try await daemon.start()
                try await daemon.eventually("the at_start run") {
                    let jobs = try await daemon.json(.get, "/jobs").object["jobs"] as? [[String: Any]]
                    return (jobs?.first?["last_run"] as? [String: Any])?["outcome"] as? String == "succeeded"
                }
                let records = daemon.records(daemon.stateDirectory + "/products.jsonl")
                #expect(records.count == 2)
                let page = try #require(records.first { $0["url"] as? String == server.url("/fields/product") })
                let fields = try #require(page["fields"] as? [String: Any])
                #expect(fields["h1"] as? String == "Blue Widget")
                #expect(fields["links"] as? [String] == [server.url("/p/2"), server.url("/fields/other.html?q=%C3%A9")])
                #expect((page["metadata"] as? [String: Any])?["canonical"] as? String == "https://shop.test/p/1")
                #expect(records.first { $0["url"] as? String == server.url("/get") }?["fields"] is NSNull)
            }
        }
    }

    @Test func aBadFieldInAJobStopsTheStartNamingTheKey() async throws {
        try await DaemonHarness.with { daemon in
            let urls = try daemon.write("urls.txt", "http://127.0.0.1:9/\n")
            try daemon.writeConfig(Self.quietHTTP + """
                jobs:
                  - name: products
                    scrape:
                      urls_file: \(urls)
                      fields:
                        bad: "p["
                """)
            let result = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["daemon", "--config", daemon.configPath]).wait()
            #expect(result.status == 2)
            #expect(result.stderr.contains("jobs[0].scrape.fields.bad: field 'bad': 'p[': "), "\(result.stderr)")
        }
    }
}
