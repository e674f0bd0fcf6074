import Foundation
import ScrapeTestSupport
import ScrapeHTTP
import Testing

/// `scrape_job_queue_length` in `/metrics`: the job runs waiting in the run queue, read
/// when `/metrics` is asked. With one run slot held by a slow run, a second job's run waits.
@Suite(.timeLimit(.minutes(2)))
struct DaemonQueueMetricTests {
    @Test func theGaugeCountsTheRunsWaitingForASlot() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                // Long enough that the checks below, on a loaded machine, all happen while slow-1 runs.
                let slow = try daemon.write("slow.txt", server.url("/delay/6000") + "\n")
                let quick = try daemon.write("quick.txt", server.url("/page/1") + "\n")
                try daemon.writeConfig("http: {robots_txt: ignore, retries: 0}\n" + """
                    jobs:
                      - name: slow
                        scrape: {urls_file: \(slow)}
                        at_start: true
                      - name: quick
                        scrape: {urls_file: \(quick)}
                    """, daemon: "  max_concurrent_runs: 1")
                try await daemon.start()
                try await daemon.eventually("slow-1 running") {
                    try await daemon.json(.get, "/runs/slow-1").object["state"] as? String == "running"
                }
                func queueLength() async throws -> Double? {
                    try PrometheusText(try await daemon.request(.get, "/metrics").body).total("scrape_job_queue_length")
                }
                #expect(try await queueLength() == 0)
                #expect(try await daemon.json(.post, "/jobs/quick/run").status == 202)
                #expect(try await daemon.json(.get, "/runs/quick-1").object["state"] as? String == "queued")
                let metrics = try PrometheusText(try await daemon.request(.get, "/metrics").body)
                #expect(metrics.total("scrape_job_queue_length") == 1)
                #expect(metrics.types["scrape_job_queue_length"] == "gauge")
                try await daemon.waitForRun("quick-1")
                #expect(try await queueLength() == 0)
            }
        }
    }
}
