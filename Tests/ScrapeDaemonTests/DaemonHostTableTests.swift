import Foundation
import ScrapeBase
import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// One polite engine per daemon (issue 28): the daemon's runs share one host table, so
/// `daemon.per_host_rate` is what a host sees from all of them together, and runs waiting
/// on one host take turns.
@Suite(.timeLimit(.minutes(2)))
struct DaemonHostTableTests {
    @Test func twoJobsOnOneHostShareItsRateAndItsTurns() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let perJob = 15
                for job in ["a", "b"] {
                    try daemon.write("\(job).txt", (1...perJob).map { server.url("/page/shared-\(job)\($0)") }.joined(separator: "\n") + "\n")
                }
                // Each job may go at 5/s on its own (http:); the daemon allows the host 5/s in all.
                try daemon.writeConfig("http: {per_host_rate: 5/s, robots_txt: ignore, retries: 0}\n" + """
                    jobs:
                      - name: a
                        scrape: {urls_file: \(daemon.directory)/a.txt}
                        at_start: true
                      - name: b
                        scrape: {urls_file: \(daemon.directory)/b.txt}
                        at_start: true
                    """, daemon: "  per_host_rate: 5/s")
                try await daemon.start()
                try await daemon.waitForRun("a-1")
                try await daemon.waitForRun("b-1")

                // (The test server may be shared with other suites: only this test's pages count.)
                let requests = server.log.all.filter { $0.path.hasPrefix("/page/shared-") }.sorted { $0.time < $1.time }
                #expect(requests.count == 2 * perJob)
                // At most 5 a second (+1 for timer jitter), both jobs together: over the whole run,
                // and in each second after the first. (In the first, the in-process server, busy
                // with its first connections, once logged two requests late together: 7 in that
                // second with the whole run at 5.0/s. The server's log is the host's view, and a
                // late entry in it is not a request sent early.)
                // The whole run's rate is taken from the second request: the first request's
                // log entry, made while the server still set up its first connections, was
                // seen 0.3 s late once under load, shortening the span (5.27/s for a run the
                // token bucket kept at 5.0/s).
                let start = requests[0].time
                let span = (requests.last!.time - requests[1].time).inSeconds
                #expect(Double(requests.count - 2) / span <= 5.2, "\(requests.count - 1) requests in \(span) s")
                var perSecond: [Int: Int] = [:]
                for request in requests { perSecond[Int((request.time - start).inSeconds), default: 0] += 1 }
                #expect(perSecond.filter { $0.key > 0 }.values.allSatisfy { $0 <= 6 }, "requests per second: \(perSecond.sorted { $0.key < $1.key })")
                // Turns: each job's requests are spread over the whole run, not one job after the other.
                let lastA = try #require(requests.last { $0.path.hasPrefix("/page/shared-a") }?.time)
                let lastB = try #require(requests.last { $0.path.hasPrefix("/page/shared-b") }?.time)
                let total = requests.last!.time - start
                #expect(total >= .seconds(4), "30 requests at 5/s take about 6 s: \(total)")
                #expect(abs((lastA - lastB).inSeconds) <= 1.5, "a ended at \(lastA - start), b at \(lastB - start)")
                let firstHalf = requests.prefix(perJob)
                #expect(firstHalf.filter { $0.path.hasPrefix("/page/shared-a") }.count >= perJob / 3)
                #expect(firstHalf.filter { $0.path.hasPrefix("/page/shared-b") }.count >= perJob / 3)
            }
        }
    }
}
