import Foundation
import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// The built `scrape daemon`, run as systemd would run it: a temporary config, a
/// test-owned datagram socket as `NOTIFY_SOCKET`, the loopback test server as the web.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct DaemonTests {
    private static let quietHTTP = "http: {robots_txt: ignore, retries: 0}\n"

    @Test func readyThenWatchdogPingsAtHalfTheInterval() async throws {
        try await DaemonHarness.with { daemon in
            try daemon.writeConfig(Self.quietHTTP)
            try await daemon.start(environment: ["WATCHDOG_USEC": "400000"])
            daemon.notify.clear()
            try await Task.sleep(for: .seconds(2))
            let pings = daemon.notify.messages.filter { $0.fields["WATCHDOG"] == "1" }
            // 200 ms apart: about 10 in 2 s; the bounds leave room for a loaded machine.
            #expect((6...14).contains(pings.count), "pings: \(pings.count)")
            let gaps = zip(pings.dropFirst(), pings).map { ($0.received - $1.received) }
            if let longest = gaps.max() { #expect(longest < .milliseconds(400), "a gap of \(longest) would trip a 400 ms watchdog") }
            daemon.send(SIGTERM)
            let exit = try await daemon.waitForExit()
            #expect(exit.status == 0)
            #expect(daemon.notify.messages.contains { $0.fields["STOPPING"] == "1" })
        }
    }

    @Test func healthzAndMetricsAnswer() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let urls = try daemon.write("urls.txt", (1...5).map { server.url("/page/\($0)") }.joined(separator: "\n") + "\n" + server.url("/status/404") + "\n")
                try daemon.writeConfig(Self.quietHTTP + """
                    jobs:
                      - name: pages
                        scrape: {urls_file: \(urls)}
                        every: 1h
                        at_start: true
                    """)
                try await daemon.start()
                let health = try await daemon.json(.get, "/healthz")
                #expect(health.status == 200)
                #expect(health.object["engine"] as? String == "alive")
                #expect(health.object["state_dir"] as? String == "writable")
                try await daemon.eventually("the at_start run") {
                    let jobs = try await daemon.json(.get, "/jobs").object["jobs"] as? [[String: Any]]
                    return (jobs?.first?["last_run"] as? [String: Any])?["outcome"] as? String == "succeeded"
                }
                let (status, text) = try await daemon.request(.get, "/metrics")
                #expect(status == 200)
                let metrics = try PrometheusText(text)
                #expect(metrics.total("scrape_requests_total", ["status_class": "2xx"]) == 5)
                #expect(metrics.total("scrape_requests_total", ["status_class": "4xx"]) == 1)
                #expect(metrics.total("scrape_errors_total", ["kind": "http"]) == 1)
                #expect((metrics.total("scrape_bytes_total") ?? 0) >= 5 * 2000)
                #expect(metrics.total("scrape_job_runs_total", ["job": "pages", "outcome": "succeeded"]) == 1)
                #expect((metrics.total("scrape_job_last_success_timestamp_seconds", ["job": "pages"]) ?? 0) > 1.7e9)
                #expect(metrics.total("scrape_request_duration_seconds_count") == 6)
                for name in ["scrape_inflight_requests", "scrape_circuit_open_hosts", "scrape_inbox_pending"] {
                    #expect(metrics.total(name) == 0, "\(name)")
                }
                #expect(metrics.types["scrape_request_duration_seconds"] == "histogram")
                let records = daemon.records(daemon.stateDirectory + "/pages.jsonl")
                #expect(records.count == 6)
            }
        }
    }

    @Test func inboxFileIsScrapedExactlyOnce() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                try daemon.writeConfig(Self.quietHTTP)
                try await daemon.start()
                let urls = (1...20).map { server.url("/page/\($0)") } + ["not a url", server.url("/page/1")]
                try daemon.dropInbox("batch", urls)
                try daemon.dropInbox(".hidden", [server.url("/page/99")])
                let done = daemon.inbox + "/done/batch.txt"
                try await daemon.eventually("batch.txt in done/") { FileManager.default.fileExists(atPath: done) }
                let output = daemon.stateDirectory + "/out/batch.jsonl"
                #expect(daemon.records(output).count == urls.count)
                let run = try await daemon.json(.get, "/runs/batch")
                #expect(run.object["state"] as? String == "succeeded")
                #expect(run.object["records"] as? Int == urls.count)
                // Restarting does not process it again, and a second list of the same name is refused.
                daemon.send(SIGTERM)
                _ = try await daemon.waitForExit()
                try await daemon.start()
                try daemon.dropInbox("batch", [server.url("/page/50")])
                try await daemon.eventually("the reused name in failed/") {
                    FileManager.default.fileExists(atPath: daemon.inbox + "/failed/batch.error")
                }
                let reason = try String(contentsOfFile: daemon.inbox + "/failed/batch.error", encoding: .utf8)
                #expect(reason.contains("already processed"))
                #expect(daemon.records(output).count == urls.count)
                #expect(server.log.count(path: "/page/50") == 0)
                #expect(server.log.count(path: "/page/99") == 0)
                #expect(FileManager.default.fileExists(atPath: daemon.inbox + "/.hidden.txt"))
            }
        }
    }

    @Test func unreadableInboxEntryMovesToFailedWithAReason() async throws {
        try await DaemonHarness.with { daemon in
            try daemon.writeConfig(Self.quietHTTP)
            try await daemon.start()
            try FileManager.default.createDirectory(atPath: daemon.inbox + "/folder.txt", withIntermediateDirectories: true)
            try await daemon.eventually("folder.txt in failed/") {
                FileManager.default.fileExists(atPath: daemon.inbox + "/failed/folder.error")
            }
            let run = try await daemon.json(.get, "/runs/folder")
            #expect(run.object["state"] as? String == "failed")
        }
    }

    @Test func postScrapeNeedsTheTokenAndBecomesAnInboxFile() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let token = "0123456789abcdef0123456789abcdef"
                let tokenFile = try daemon.write("token", token + "\n")
                try daemon.writeConfig(Self.quietHTTP + """
                    jobs:
                      - name: manual
                        scrape: {urls_file: \(try daemon.write("urls.txt", server.url("/page/1") + "\n"))}
                    """, daemon: "  token_file: \(tokenFile)")
                try await daemon.start()
                let list = [server.url("/page/7"), server.url("/page/8")].joined(separator: "\n")
                #expect(try await daemon.request(.post, "/scrape", body: list).status == 401)
                #expect(try await daemon.request(.post, "/scrape", body: list, token: "wrong-token-wrong-token").status == 401)
                #expect(try await daemon.request(.post, "/jobs/manual/run").status == 401)
                #expect(try await daemon.request(.post, "/scrape", body: "\n# nothing\n", token: token).status == 400)
                let huge = String(repeating: server.url("/page/1") + "\n", count: 8 * 1024 * 1024 / 20)  // lines are over 20 bytes: more than the 8 MiB cap
                #expect(try await daemon.request(.post, "/scrape", body: huge, token: token).status == 413)
                let accepted = try await daemon.json(.post, "/scrape", body: list, token: token)
                #expect(accepted.status == 202)
                #expect(accepted.object["urls"] as? Int == 2)
                let id = try #require(accepted.object["id"] as? String)
                try await daemon.waitForRun(id)
                let titles = daemon.records(daemon.stateDirectory + "/out/\(id).jsonl").compactMap { $0["title"] as? String }.sorted()
                #expect(titles == ["Page 7", "Page 8"])
                #expect(try await daemon.request(.get, "/runs/no-such-run").status == 404)
                // Reading stays open; a job runs on demand and its run can be looked up.
                #expect(try await daemon.request(.get, "/jobs").status == 200)
                let started = try await daemon.json(.post, "/jobs/manual/run", token: token)
                #expect(started.status == 202)
                #expect(try await daemon.request(.post, "/jobs/nope/run", token: token).status == 404)
                let runID = try #require(started.object["id"] as? String)
                try await daemon.waitForRun(runID)
            }
        }
    }

    @Test func triggeringARunningJobIsAConflict() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let urls = try daemon.write("slow.txt", server.url("/delay/2000") + "\n")
                try daemon.writeConfig(Self.quietHTTP + """
                    jobs:
                      - name: slow
                        scrape: {urls_file: \(urls)}
                    """)
                try await daemon.start()
                #expect(try await daemon.request(.post, "/jobs/slow/run").status == 202)
                let second = try await daemon.json(.post, "/jobs/slow/run")
                #expect(second.status == 409)
                #expect(second.object["id"] as? String == "slow-1")
            }
        }
    }

    @Test func sighupWithABrokenConfigKeepsTheOldOne() async throws {
        try await DaemonHarness.with { daemon in
            let urls = try daemon.write("urls.txt", "http://127.0.0.1:9/\n")
            let good = Self.quietHTTP + """
                jobs:
                  - name: hourly
                    scrape: {urls_file: \(urls)}
                    every: 1h
                """
            try daemon.writeConfig(good)
            try await daemon.start()
            try daemon.writeConfig(good.replacingOccurrences(of: "every: 1h", with: "every: soon"))
            daemon.notify.clear()
            daemon.send(SIGHUP)
            try await daemon.eventually("the reload refused") { daemon.log.contains("reload failed") }
            #expect(daemon.log.contains("jobs[0].every"))
            _ = try await daemon.notify.wait { $0.fields["READY"] == "1" }
            #expect(daemon.notify.messages.contains { $0.fields["RELOADING"] == "1" })
            let jobs = try await daemon.json(.get, "/jobs").object["jobs"] as? [[String: Any]]
            #expect(jobs?.first?["every"] as? String == "1h")
            #expect(try await daemon.json(.get, "/healthz").status == 200)
        }
    }

    @Test func sighupWithANewScheduleAppliesIt() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let urls = try daemon.write("urls.txt", server.url("/page/1") + "\n")
                let config = Self.quietHTTP + """
                    jobs:
                      - name: ticking
                        scrape: {urls_file: \(urls)}
                        every: 1h
                    """
                try daemon.writeConfig(config)
                try await daemon.start()
                try await Task.sleep(for: .milliseconds(500))
                #expect(server.log.count(path: "/page/1") == 0)
                try daemon.writeConfig(config.replacingOccurrences(of: "every: 1h", with: "every: 300ms") + "\n  - name: added\n    scrape: {urls_file: \(urls)}\n")
                daemon.send(SIGHUP)
                try await daemon.eventually("three runs on the new schedule") { server.log.count(path: "/page/1") >= 3 }
                let jobs = try await daemon.json(.get, "/jobs").object["jobs"] as? [[String: Any]]
                #expect(jobs?.map { $0["name"] as? String } == ["ticking", "added"])
                #expect(jobs?.first?["every"] as? String == "300ms")
                // Each run appended its records to the one output.
                #expect(daemon.records(daemon.stateDirectory + "/ticking.jsonl").count >= 3)
            }
        }
    }

    @Test func reloadWithNewHTTPSettingsKeepsTransfersInFlight() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let urls = (1...4).map { server.url("/delay/1000?n=\($0)") }
                let list = try daemon.write("slow.txt", urls.joined(separator: "\n") + "\n")
                let jobs = """
                    jobs:
                      - name: slow
                        scrape: {urls_file: \(list)}
                        every: 1h
                        at_start: true
                    """
                try daemon.writeConfig("http: {robots_txt: ignore, retries: 0, concurrency: 4, per_host_concurrency: 4}\n" + jobs)
                try await daemon.start()
                try await Task.sleep(for: .milliseconds(300))
                try daemon.writeConfig("http: {robots_txt: ignore, retries: 0, concurrency: 8, per_host_concurrency: 8, timeout: 20s}\n" + jobs)
                daemon.send(SIGHUP)
                try await daemon.eventually("the reload") { daemon.log.contains("reloaded") }
                try await daemon.eventually("the run begun before the reload") {
                    let jobs = try await daemon.json(.get, "/jobs").object["jobs"] as? [[String: Any]]
                    return (jobs?.first?["last_run"] as? [String: Any])?["outcome"] as? String == "succeeded"
                }
                let records = daemon.records(daemon.stateDirectory + "/slow.jsonl")
                #expect(records.count == 4)
                #expect(records.allSatisfy { $0["status"] as? Int == 200 })
                // The engine's heartbeat moved to the new client, and new runs use it.
                try await Task.sleep(for: .milliseconds(1200))
                #expect(try await daemon.json(.get, "/healthz").status == 200)
                let again = try await daemon.json(.post, "/jobs/slow/run")
                let id = try #require(again.object["id"] as? String)
                try await daemon.waitForRun(id)
            }
        }
    }

    @Test func sigtermDuringASlowJobDrainsThenTheNextStartFinishesIt() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let urls = (1...12).map { server.url("/delay/1500?n=\($0)") }
                let list = try daemon.write("slow.txt", urls.joined(separator: "\n") + "\n")
                try daemon.writeConfig("http: {robots_txt: ignore, retries: 0, concurrency: 4, per_host_concurrency: 4}\n" + """
                    jobs:
                      - name: slow
                        scrape: {urls_file: \(list)}
                        every: 1h
                        at_start: true
                    """, daemon: "  drain_timeout: 1s")
                try await daemon.start()
                try await Task.sleep(for: .milliseconds(500))  // four transfers in flight
                let signalled = ContinuousClock.now
                daemon.send(SIGTERM)
                let exit = try await daemon.waitForExit(timeout: .seconds(20))
                let took = ContinuousClock.now - signalled
                #expect(exit.status == 0, "\(exit.stderr)")
                #expect(took < .seconds(5), "drain took \(took)")
                let output = daemon.stateDirectory + "/slow.jsonl"
                let first = daemon.records(output)
                #expect(first.count < urls.count)
                // The next start resumes the unfinished run and records only what is missing.
                try await daemon.start()
                try await daemon.eventually("the resumed run") { daemon.records(output).count >= urls.count }
                try await Task.sleep(for: .milliseconds(300))
                let all = daemon.records(output).compactMap { $0["url"] as? String }
                #expect(all.sorted() == urls.sorted())
            }
        }
    }

    /// A supervisor that stops reading its notify socket must not stall the daemon: each
    /// message waits a bounded time for room and is dropped, and SIGTERM still ends it.
    @Test func aStalledNotifySocketNeverStopsTheDaemon() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let list = try daemon.write("urls.txt", (1...5).map { server.url("/page/\($0)") }.joined(separator: "\n") + "\n")
                try daemon.writeConfig("http: {robots_txt: ignore, retries: 0}\n" + """
                    jobs:
                      - name: pages
                        scrape: {urls_file: \(list)}
                    """)
                try await daemon.start()
                let filled = try daemon.notify.fill()
                #expect(filled > 0)
                // Three runs: each sends STATUS at its start and end into the full queue.
                let output = daemon.stateDirectory + "/pages.jsonl"
                for run in 1...3 {
                    let trigger = try await daemon.request(.post, "/jobs/pages/run")
                    #expect(trigger.status == 202, "run \(run): \(trigger.body)")
                    try await daemon.eventually("run \(run) recorded", timeout: .seconds(20)) { daemon.records(output).count == 5 * run }
                    try await Task.sleep(for: .milliseconds(300))  // the run's end STATUS
                }
                let signalled = ContinuousClock.now
                daemon.send(SIGTERM)
                let exit = try await daemon.waitForExit(timeout: .seconds(20))
                #expect(exit.status == 0, "\(exit.stderr)")
                #expect(ContinuousClock.now - signalled < .seconds(5))
            }
        }
    }

    @Test func killDashNineMidInboxFileThenRestartGivesOneRecordPerURL() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                try daemon.writeConfig("http: {robots_txt: ignore, retries: 0, concurrency: 2, per_host_concurrency: 2}\n")
                try await daemon.start()
                let urls = (1...30).map { server.url("/delay/100?n=\($0)") }
                try daemon.dropInbox("big", urls)
                let output = daemon.stateDirectory + "/out/big.jsonl"
                try await daemon.eventually("some records") { daemon.records(output).count >= 4 }
                daemon.send(SIGKILL)
                _ = try await daemon.waitForExit()
                #expect(daemon.records(output).count < urls.count)
                #expect(FileManager.default.fileExists(atPath: daemon.inbox + "/claimed/big.txt"))
                try await daemon.start()
                try await daemon.eventually("big.txt in done/") { FileManager.default.fileExists(atPath: daemon.inbox + "/done/big.txt") }
                let recorded = daemon.records(output).compactMap { $0["url"] as? String }
                #expect(recorded.sorted() == urls.sorted())
            }
        }
    }

    @Test func apiJobKeepsItsIncrementalCursorAcrossRestarts() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let tokenFile = try daemon.write("api-token", "t0ken\n")
                func config(_ n: Int) -> String {
                    Self.quietHTTP + """
                        jobs:
                          - name: changes
                            api:
                              base_url: \(server.url("/api/"))
                              path: since?n=\(n)
                              auth: {type: bearer, token_file: \(tokenFile)}
                              incremental: {cursor_path: updated_at, param: updated_since, initial_value: "2024-01-01T00:00:01Z"}
                            every: 1h
                            at_start: true
                            output: api/changes.jsonl
                        """
                }
                let output = daemon.stateDirectory + "/api/changes.jsonl"
                func ids() -> [Int] { daemon.records(output).compactMap { $0["id"] as? Int } }
                try daemon.writeConfig(config(5))
                try await daemon.start()
                try await daemon.eventually("the first run") { ids() == [2, 3, 4] }
                try await daemon.eventually("the cursor saved") {
                    (try? String(contentsOfFile: daemon.stateDirectory + "/cursors/changes.json", encoding: .utf8))?.contains("2024-01-01T00:00:04Z") == true
                }
                daemon.send(SIGTERM)
                #expect(try await daemon.waitForExit().status == 0)
                // Two more records upstream; the next start sends the saved cursor and appends only those.
                try daemon.writeConfig(config(7))
                try await daemon.start()
                try await daemon.eventually("the second run, finished") {
                    let job = (try await daemon.json(.get, "/jobs").object["jobs"] as? [[String: Any]])?.first
                    return ids() == [2, 3, 4, 5, 6] && job?["state"] as? String == "idle"
                        && (job?["last_run"] as? [String: Any])?["outcome"] as? String == "succeeded"
                }
                let run = try await daemon.json(.post, "/jobs/changes/run")
                #expect(run.status == 202)
                try await daemon.waitForRun(try #require(run.object["id"] as? String))
                #expect(ids() == [2, 3, 4, 5, 6])
                // API page requests are counted like scrape attempts (two runs of this process).
                let metrics = try PrometheusText(try await daemon.request(.get, "/metrics").body)
                #expect(metrics.total("scrape_requests_total", ["status_class": "2xx"]) == 2)
                #expect(metrics.total("scrape_job_runs_total", ["job": "changes", "outcome": "succeeded"]) == 2)
            }
        }
    }

    /// A child job under the daemon fetches its parent again in the same run to feed its
    /// walks: the parent's records are not written (its own output stays its own runs').
    @Test func aChildJobFetchesItsParentInTheSameRun() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let tokenFile = try daemon.write("api-token", "t0ken\n")
                try daemon.writeConfig(Self.quietHTTP + """
                    jobs:
                      - name: users
                        api: {base_url: \(server.url("/api/")), path: "users?n=5&size=2", auth: {type: bearer, token_file: \(tokenFile)}, data_selector: users, paginator: {type: page_number, total_path: total_pages}}
                        output: api/users.jsonl
                      - name: orders
                        api:
                          base_url: \(server.url("/api/"))
                          path: "users/{user_id}/orders"
                          auth: {type: bearer, token_file: \(tokenFile)}
                          resolve: {user_id: {job: users, field: id}}
                          include_from_parent: [id]
                          paginator: {type: header_link}
                        at_start: true
                        output: api/orders.jsonl
                    """)
                try await daemon.start()
                let orders = daemon.stateDirectory + "/api/orders.jsonl"
                try await daemon.eventually("the child run") { daemon.records(orders).count == 15 }
                try await daemon.waitForRun("orders-1")
                #expect(Set(daemon.records(orders).compactMap { $0["_users_id"] as? Int }) == [1, 2, 3, 4, 5])
                #expect(!FileManager.default.fileExists(atPath: daemon.stateDirectory + "/api/users.jsonl") || daemon.records(daemon.stateDirectory + "/api/users.jsonl").isEmpty)
            }
        }
    }

    @Test func statusLinesAndJSONLogsSayWhatItIsDoing() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let urls = try daemon.write("urls.txt", server.url("/page/1") + "\n")
                try daemon.writeConfig(Self.quietHTTP + """
                    jobs:
                      - name: once
                        scrape: {urls_file: \(urls)}
                        at_start: true
                    """)
                try await daemon.start(arguments: ["--log-format", "json"])
                _ = try await daemon.notify.wait { $0.fields["STATUS"] == "idle; last: once-1 succeeded, 1 records" }
                #expect(daemon.notify.messages.contains { $0.fields["STATUS"] == "running once-1" })
                daemon.send(SIGTERM)
                let exit = try await daemon.waitForExit()
                #expect(exit.status == 0)
                let lines = exit.stderr.split(separator: "\n")
                #expect(!lines.isEmpty)
                for line in lines {
                    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    #expect(object?["level"] is String && object?["message"] is String && object?["time"] is String, "\(line)")
                }
                #expect(lines.contains { $0.contains(#""message":"job run ended""#) && $0.contains(#""job":"once""#) })
            }
        }
    }

    @Test func invalidConfigExitsTwoNamingTheKey() async throws {
        try await DaemonHarness.with { daemon in
            try daemon.writeConfig(Self.quietHTTP, daemon: "  drain_timeout: forever")
            let result = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["daemon", "--config", daemon.configPath]).wait()
            #expect(result.status == 2)
            #expect(result.stderr.contains("daemon.drain_timeout"))
            try "daemon:\n  listen: 0.0.0.0:9464\n".write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
            let open = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["daemon", "--config", daemon.configPath]).wait()
            #expect(open.status == 2)
            #expect(open.stderr.contains("daemon.token_file"))
            let usage = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["daemon", "--config", daemon.configPath, "--log-format", "xml"]).wait()
            #expect(usage.status == 2)
            #expect(usage.stderr.contains("--log-format"))
        }
    }
}
