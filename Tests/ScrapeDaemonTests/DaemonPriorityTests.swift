import Foundation
import Hummingbird
import HummingbirdTesting
import ScrapeHTTP
import ScrapeTestSupport
import Testing

@testable import ScrapeDaemon

/// Priorities and overlap through the daemon: `scrape daemon` with one run slot and two
/// jobs due together (the higher runs first; 409 under `overlap: skip`, 202 under `queue`;
/// positions in `/jobs` and `/runs`), and the drain cancelling a queued run in process.
/// Order is asserted, never timing.
@Suite struct DaemonPriorityTests {
    private static let quietHTTP = "http: {robots_txt: ignore, retries: 0}\n"

    static func job(_ name: String, in object: [String: Any]) -> [String: Any] {
        (object["jobs"] as? [[String: Any]] ?? []).first { $0["name"] as? String == name } ?? [:]
    }

    @Test func withOneSlotTheHigherPriorityRunsFirstAndOverlapDecidesTheAnswer() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                // Long enough that the checks below, on a loaded machine, all happen while high-1 runs.
                let slow = try daemon.write("slow.txt", server.url("/delay/6000") + "\n")
                let quick = try daemon.write("quick.txt", server.url("/page/1") + "\n")
                try daemon.writeConfig(Self.quietHTTP + """
                    jobs:
                      - name: low
                        scrape: {urls_file: \(quick)}
                        at_start: true
                      - name: high
                        scrape: {urls_file: \(slow)}
                        at_start: true
                        priority: 10
                        overlap: queue
                    """, daemon: "  max_concurrent_runs: 1")
                try await daemon.start()
                // Both due at start: high-1 takes the one slot, low-1 waits first in line.
                try await daemon.eventually("high-1 running") {
                    Self.job("high", in: try await daemon.json(.get, "/jobs").object)["state"] as? String == "running"
                }
                let waiting = Self.job("low", in: try await daemon.json(.get, "/jobs").object)
                #expect(waiting["state"] as? String == "queued")
                #expect(waiting["queued_run"] as? String == "low-1")
                #expect(waiting["position"] as? Int == 1)
                #expect(waiting["priority"] as? Int == 0)
                #expect(waiting["overlap"] as? String == "skip")

                // overlap: skip refuses a second run (409, the waiting run's id);
                // overlap: queue queues one behind the running run (202), and a third ask joins it.
                let refused = try await daemon.json(.post, "/jobs/low/run")
                #expect(refused.status == 409)
                #expect(refused.object["id"] as? String == "low-1")
                #expect((refused.object["error"] as? String)?.contains("already queued") == true)
                let accepted = try await daemon.json(.post, "/jobs/high/run")
                #expect(accepted.status == 202)
                #expect(accepted.object["id"] as? String == "high-2")
                #expect(accepted.object["status"] as? String == "/runs/high-2")
                let joined = try await daemon.json(.post, "/jobs/high/run")
                #expect(joined.status == 202)
                #expect(joined.object["id"] as? String == "high-2")

                // high-2 (priority 10) is first in line although it waits for high-1 to end.
                let jobs = try await daemon.json(.get, "/jobs").object
                #expect(Self.job("high", in: jobs)["running_run"] as? String == "high-1")
                #expect(Self.job("high", in: jobs)["queued_run"] as? String == "high-2")
                #expect(Self.job("high", in: jobs)["position"] as? Int == 1)
                #expect(Self.job("low", in: jobs)["position"] as? Int == 2)
                let runs = try await daemon.json(.get, "/runs").object["runs"] as? [[String: Any]] ?? []
                #expect(runs.map { $0["id"] as? String } == ["high-2", "low-1", "high-1"])
                #expect(runs.map { $0["state"] as? String } == ["queued", "queued", "running"])
                #expect(runs.map { $0["position"] as? Int } == [1, 2, nil])
                let lowRun = try await daemon.json(.get, "/runs/low-1").object
                #expect(lowRun["state"] as? String == "queued")
                #expect(lowRun["position"] as? Int == 2)

                // They run one at a time, in that order.
                try await daemon.waitForRun("low-1")
                var times: [String: (started: String, finished: String)] = [:]
                for id in ["high-1", "high-2", "low-1"] {
                    let run = try await daemon.json(.get, "/runs/\(id)").object
                    #expect(run["state"] as? String == "succeeded", "\(id): \(run)")
                    times[id] = (run["started"] as? String ?? "", run["finished"] as? String ?? "~")
                }
                #expect(times["high-2"]!.started >= times["high-1"]!.finished)
                #expect(times["low-1"]!.started >= times["high-2"]!.finished)
                #expect(daemon.records(daemon.stateDirectory + "/high.jsonl").count == 2)
                #expect(daemon.records(daemon.stateDirectory + "/low.jsonl").count == 1)
            }
        }
    }

    @Test func aQueuedRunTheDrainStopsIsCancelledNotStarted() async throws {
        try await DaemonPartsFixture.with { parts, _ in
            let app = Application(router: parts.control.makeRouter())
            try await app.test(.router) { client in
                let authorized: HTTPFields = [.authorization: "Bearer \(DaemonPartsFixture.token)"]
                try await client.execute(uri: "/jobs/manual/run", method: .post, headers: authorized) { #expect($0.status == .accepted) }
                try await client.execute(uri: "/runs", method: .get) { response in
                    let runs = ControlRouterTests.json(response)["runs"] as? [[String: Any]] ?? []
                    #expect(runs.map { $0["id"] as? String } == ["manual-1"])
                    #expect(runs.first?["position"] as? Int == 1)
                }
                // The drain begins before the scheduler's loop takes the run: it never starts.
                parts.drain.begin(timeout: .seconds(1))
                let scheduler = Task { try await parts.jobs.run() }
                let deadline = ContinuousClock.now + .seconds(30)
                while parts.registry["manual-1"]?.state == .queued, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                scheduler.cancel()
                _ = try? await scheduler.value
                try await client.execute(uri: "/runs/manual-1", method: .get) { response in
                    let run = ControlRouterTests.json(response)
                    #expect(run["state"] as? String == "cancelled")
                    #expect(run["started"] == nil)
                    #expect((run["message"] as? String)?.hasPrefix("not started: the daemon began to stop") == true)
                }
                try await client.execute(uri: "/jobs", method: .get) { response in
                    let jobs = ControlRouterTests.json(response)["jobs"] as? [[String: Any]] ?? []
                    #expect(jobs.first?["state"] as? String == "idle")
                    #expect(jobs.first?["position"] == nil)
                }
            }
        }
    }
}
