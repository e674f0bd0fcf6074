import Foundation
import ScrapeTestSupport
import ScrapeHTTP
import Testing

/// The daemon's runs share one robots.txt cache, keyed by origin and user agent (issue 28):
/// two jobs on one host, and a job run twice, fetch its robots.txt once; a job with its own
/// `http.user_agent` reads it for itself. Requests are counted at the in-process server.
@Suite(.timeLimit(.minutes(2)))
struct DaemonSharedRobotsTests {
    @Test func twoJobsAndASecondRunFetchRobotsTxtOnce() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                for job in ["a", "b", "c"] {
                    try daemon.write("\(job).txt", (1...3).map { server.url("/page/robots-\(job)\($0)") }.joined(separator: "\n") + "\n")
                }
                try daemon.writeConfig("http: {retries: 0}\n" + """
                    jobs:
                      - name: a
                        scrape: {urls_file: \(daemon.directory)/a.txt}
                        at_start: true
                      - name: b
                        scrape: {urls_file: \(daemon.directory)/b.txt}
                        at_start: true
                      - name: c
                        scrape: {urls_file: \(daemon.directory)/c.txt}
                        http: {user_agent: otherbot/2.0}
                    """)
                try await daemon.start()
                try await daemon.waitForRun("a-1")
                try await daemon.waitForRun("b-1")
                #expect(try await daemon.json(.post, "/jobs/a/run").status == 202)
                try await daemon.waitForRun("a-2")
                #expect(server.log.count(path: "/robots.txt") == 1, "a-1, b-1 and a-2 read one robots.txt")
                #expect(server.log.count(prefix: "/page/robots-a") == 6)
                #expect(server.log.count(prefix: "/page/robots-b") == 3)

                // Another user agent: its own fetch, and the group for otherbot (Disallow: /).
                #expect(try await daemon.json(.post, "/jobs/c/run").status == 202)
                try await daemon.waitForRun("c-1")
                #expect(server.log.count(path: "/robots.txt") == 2)
                #expect(server.log.count(prefix: "/page/robots-c") == 0)
                let c = daemon.records(daemon.stateDirectory + "/c.jsonl")
                #expect(c.count == 3)
                #expect(c.allSatisfy { ($0["error"] as? [String: Any])?["kind"] as? String == "robots_disallowed" }, "\(c)")
            }
        }
    }
}
