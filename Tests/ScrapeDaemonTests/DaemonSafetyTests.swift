import Foundation
import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// The daemon's promises about what it touches: one daemon per state directory, nothing
/// started before the control address is bound, no reload that silently empties the
/// service, and a drain that starts nothing new.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct DaemonSafetyTests {
    private static let quietHTTP = "http: {robots_txt: ignore, retries: 0}\n"

    /// A job that runs at start, fetching one URL of `server`.
    private static func atStartJob(_ server: TestServer, list: String) -> String {
        quietHTTP + """
            jobs:
              - name: once
                scrape: {urls_file: \(list)}
                every: 1h
                at_start: true
            """
    }

    @Test func aSecondDaemonOnTheSameStateDirectoryExitsAtOnce() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let list = try daemon.write("urls.txt", server.url("/get?job=once") + "\n")
                try daemon.writeConfig(Self.atStartJob(server, list: list))
                try await daemon.start()
                let output = daemon.stateDirectory + "/once.jsonl"
                try await daemon.eventually("the first daemon's run, saved") {
                    let job = (try await daemon.json(.get, "/jobs").object["jobs"] as? [[String: Any]])?.first
                    return daemon.records(output).count == 1 && (job?["last_run"] as? [String: Any])?["outcome"] as? String == "succeeded"
                }
                let stateBefore = try String(contentsOfFile: daemon.stateDirectory + "/state.json", encoding: .utf8)

                let second = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["daemon", "--config", daemon.configPath]).wait()
                #expect(second.status == 1)
                #expect(second.stderr.contains("another scrape daemon (pid \(daemon.process?.pid ?? 0)) is using this state directory"), "\(second.stderr)")
                // It ran nothing and wrote nothing.
                #expect(server.log.count(prefix: "/get") == 1)
                #expect(daemon.records(output).count == 1)
                #expect(try String(contentsOfFile: daemon.stateDirectory + "/state.json", encoding: .utf8) == stateBefore)
                #expect(try await daemon.json(.get, "/healthz").status == 200)
            }
        }
    }

    @Test func aPortInUseExitsOneNamingTheAddressBeforeAnyJobRuns() async throws {
        let taken = try SilentServer()
        defer { taken.close() }
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let list = try daemon.write("urls.txt", server.url("/get?job=once") + "\n")
                let config = Self.atStartJob(server, list: list) + """

                    daemon:
                      listen: 127.0.0.1:\(taken.port)
                      state_dir: \(daemon.stateDirectory)
                    """
                try config.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
                let result = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["daemon", "--config", daemon.configPath]).wait()
                #expect(result.status == 1)
                #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(taken.port) (daemon.listen): Address already in use"), "\(result.stderr)")
                #expect(server.log.count(prefix: "/get") == 0)
                #expect(!FileManager.default.fileExists(atPath: daemon.stateDirectory + "/once.jsonl"))
            }
        }
    }

    @Test func aReloadNeverSilentlyDropsEveryJob() async throws {
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
            func jobNames() async throws -> [String] {
                (try await daemon.json(.get, "/jobs").object["jobs"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            // An empty file, then one that lost its jobs: key (a half-saved edit): both refused.
            for (text, reason) in [("", "the file is empty"), (Self.quietHTTP, "no jobs: key")] {
                try text.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
                daemon.notify.clear()
                daemon.send(SIGHUP)
                _ = try await daemon.notify.wait { $0.fields["READY"] == "1" }
                #expect(daemon.log.contains(reason), "\(daemon.log)")
                #expect(try await jobNames() == ["hourly"])
            }
            // Said explicitly, it applies.
            try daemon.writeConfig(Self.quietHTTP + "jobs: []\n")
            daemon.notify.clear()
            daemon.send(SIGHUP)
            _ = try await daemon.notify.wait { $0.fields["READY"] == "1" }
            try await daemon.eventually("the jobs removed") { try await jobNames().isEmpty }
        }
        // check-config calls the empty file invalid.
        let empty = try TemporaryFiles.file("empty.yaml", "")
        defer { unlink(empty) }
        let checked = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["check-config", empty]).wait()
        #expect(checked.status == 2)
        #expect(checked.stderr.contains("the file is empty"), "\(checked.stderr)")
    }

    /// SIGTERM during an inbox run with its slots full: the transfers in flight finish,
    /// and not one queued URL starts, though the whole file was read at once.
    @Test func drainingStartsNoQueuedURL() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                try daemon.writeConfig("http: {robots_txt: ignore, retries: 0, concurrency: 8, per_host_concurrency: 8}\n", daemon: "  drain_timeout: 5s")
                try await daemon.start()
                let urls = (1...24).map { server.url("/delay/1000?n=\($0)") }
                try daemon.dropInbox("slow", urls)
                try await daemon.eventually("8 transfers in flight") { server.log.count(prefix: "/delay/") >= 8 }
                daemon.send(SIGTERM)
                let exit = try await daemon.waitForExit(timeout: .seconds(30))
                #expect(exit.status == 0, "\(exit.stderr)")
                #expect(server.log.count(prefix: "/delay/") == 8)
                let recorded = daemon.records(daemon.stateDirectory + "/out/slow.jsonl")
                #expect(recorded.count == 8)
                #expect(recorded.allSatisfy { $0["status"] as? Int == 200 })
                // The rest waits for the next start.
                #expect(FileManager.default.fileExists(atPath: daemon.inbox + "/claimed/slow.txt"))
            }
        }
    }
}
