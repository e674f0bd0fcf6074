import Foundation
import ScrapeTestSupport
import ScrapeHTTP
import Testing

/// The daemon's circuit breakers are shared by its runs (issue 28): an origin one job's run
/// found failing is open for every other run (scrape, crawl and api jobs, inbox lists) until the probe
/// after the cooldown succeeds. Requests are counted at the in-process server; times are
/// only lower bounds (a request not before the cooldown's end).
@Suite(.timeLimit(.minutes(2)))
struct DaemonSharedBreakerTests {
    static func kinds(_ records: [[String: Any]]) -> [String] {
        records.map { ($0["error"] as? [String: Any])?["kind"] as? String ?? "ok" }.sorted()
    }

    @Test func anOriginOneJobOpenedIsOpenForEveryOtherRun() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                // One request at a time, so job a sends exactly `failures` before the breaker opens.
                try daemon.write("a.txt", (1...6).map { server.url("/always/503?a=\($0)") }.joined(separator: "\n") + "\n")
                try daemon.write("b.txt", (1...4).map { server.url("/always/503?b=\($0)") }.joined(separator: "\n") + "\n")
                try daemon.writeConfig(
                    "http: {robots_txt: ignore, retries: 0, per_host_concurrency: 1, circuit_breaker: {failures: 3, cooldown: 1h, give_up_after: 1s}}\n" + """
                    jobs:
                      - name: a
                        scrape: {urls_file: \(daemon.directory)/a.txt}
                        at_start: true
                      - name: b
                        scrape: {urls_file: \(daemon.directory)/b.txt}
                      - name: site
                        crawl: {seeds: ["\(server.url("/always/503?crawl=1"))"]}
                      - name: feed
                        api: {base_url: "\(server.url("/"))", path: "always/503?api=1"}
                    """)
                try await daemon.start()
                try await daemon.waitForRun("a-1")
                #expect(server.log.count(path: "/always/503") == 3, "job a: its first 3 URLs opened the breaker")
                // What an open breaker says today: the 3 attempted keep their 503, the 3 that
                // waited are failed `circuit_open` after give_up_after.
                let a = daemon.records(daemon.stateDirectory + "/a.jsonl")
                #expect(Self.kinds(a) == ["circuit_open", "circuit_open", "circuit_open", "http", "http", "http"])
                let metrics = try PrometheusText(try await daemon.request(.get, "/metrics").body)
                #expect(metrics.total("scrape_circuit_open_hosts") == 1)

                // Job b and an inbox list on the same origin send nothing: open, and broken for
                // longer than give_up_after, so every URL is failed `circuit_open` at once.
                #expect(try await daemon.json(.post, "/jobs/b/run").status == 202)
                try await daemon.waitForRun("b-1")
                try daemon.dropInbox("list", (1...3).map { server.url("/always/503?inbox=\($0)") })
                let done = daemon.inbox + "/done/list.txt"
                try await daemon.eventually("list.txt in done/") { FileManager.default.fileExists(atPath: done) }
                #expect(server.log.count(path: "/always/503") == 3, "no request from job b or the inbox")
                let b = daemon.records(daemon.stateDirectory + "/b.jsonl")
                #expect(Self.kinds(b) == Array(repeating: "circuit_open", count: 4))
                #expect(b.allSatisfy { ($0["attempts"] as? Int) == 0 })
                #expect(b.allSatisfy { (($0["error"] as? [String: Any])?["message"] as? String)?.contains("stayed open past circuit_breaker.give_up_after") == true })
                let inbox = daemon.records(daemon.stateDirectory + "/out/list.jsonl")
                #expect(Self.kinds(inbox) == Array(repeating: "circuit_open", count: 3))
                // A crawl job's seed and an api job's page too: nothing sent.
                #expect(try await daemon.json(.post, "/jobs/site/run").status == 202)
                try await daemon.waitForRun("site-1")
                #expect(Self.kinds(daemon.records(daemon.stateDirectory + "/site.jsonl")) == ["circuit_open"])
                #expect(try await daemon.json(.post, "/jobs/feed/run").status == 202)
                try await daemon.waitForRun("feed-1", toBe: "failed")
                let feed = try await daemon.json(.get, "/runs/feed-1").object
                #expect((feed["message"] as? String)?.contains("circuit breaker of its origin stayed open") == true, "\(feed)")
                #expect(server.log.count(path: "/always/503") == 3, "no request from the crawl or the api job")
            }
        }
    }

    @Test func anotherJobWaitsForTheProbeAfterTheCooldown() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                // /flaky fails its first 3 requests of key k, then answers: job a's 3 open the
                // breaker; job b, asked for at once, waits out the cooldown, and its probe succeeds.
                let flaky = { (n: Int) in server.url("/flaky?key=k&fail=3&n=\(n)") }
                try daemon.write("a.txt", (1...3).map(flaky).joined(separator: "\n") + "\n")
                try daemon.write("b.txt", (4...7).map(flaky).joined(separator: "\n") + "\n")
                try daemon.writeConfig(
                    "http: {robots_txt: ignore, retries: 0, per_host_concurrency: 1, circuit_breaker: {failures: 3, cooldown: 3s, give_up_after: 1m}}\n" + """
                    jobs:
                      - name: a
                        scrape: {urls_file: \(daemon.directory)/a.txt}
                        at_start: true
                      - name: b
                        scrape: {urls_file: \(daemon.directory)/b.txt}
                    """)
                try await daemon.start()
                try await daemon.waitForRun("a-1")
                #expect(try await daemon.json(.post, "/jobs/b/run").status == 202)
                try await daemon.waitForRun("b-1")

                let requests = server.log.all.filter { $0.path == "/flaky" }
                #expect(requests.count == 7, "a's 3, then b's probe and its 3 others")
                guard requests.count == 7 else { return }
                // The breaker opened after the 3rd request's answer: b's first request (the
                // probe) came no sooner than the cooldown after it.
                let wait = requests[3].time - requests[2].time
                #expect(wait >= .seconds(3), "b's first request \(wait) after a's last")
                #expect(Self.kinds(daemon.records(daemon.stateDirectory + "/a.jsonl")) == ["http", "http", "http"])
                let b = daemon.records(daemon.stateDirectory + "/b.jsonl")
                #expect(b.count == 4)
                #expect(b.allSatisfy { $0["status"] as? Int == 200 && $0["error"] as? [String: Any] == nil }, "\(b)")
                let metrics = try PrometheusText(try await daemon.request(.get, "/metrics").body)
                #expect(metrics.total("scrape_circuit_open_hosts") == 0, "closed by the probe")
            }
        }
    }
}
