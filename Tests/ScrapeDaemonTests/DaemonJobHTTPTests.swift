import Foundation
import ScrapeTestSupport
import ScrapeHTTP
import Testing

/// `jobs[].http:` in the daemon (issue 28): a job's own keys replace the top-level ones for
/// its runs (a scheduler key, `retries`; a client key, `max_body`, which gives the job a
/// client of its own), the other jobs keep the top-level ones, and a reload that changes a
/// job's `http:` applies at its next run. Attempts are counted at the in-process server.
@Suite(.timeLimit(.minutes(2)))
struct DaemonJobHTTPTests {
    static func config(_ directory: String, hastyHTTP: String) -> String {
        "http: {robots_txt: ignore, retries: 0, backoff: {initial: 10ms, max: 20ms}, circuit_breaker: {failures: 100}}\n" + """
            jobs:
              - name: patient
                scrape: {urls_file: \(directory)/patient.txt}
                http: {retries: 2}
              - name: hasty
                scrape: {urls_file: \(directory)/hasty.txt}
            \(hastyHTTP)
              - name: small
                scrape: {urls_file: \(directory)/small.txt}
                http: {max_body: 1KiB}
            """
    }

    @Test func aJobsOwnHTTPKeysApplyToItsRunsAndAReloadChangesTheNextRun() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                try daemon.write("patient.txt", server.url("/always/503?job=patient") + "\n")
                try daemon.write("hasty.txt", server.url("/always/503?job=hasty") + "\n" + server.url("/bytes/4096?job=hasty") + "\n")
                try daemon.write("small.txt", server.url("/bytes/4096?job=small") + "\n")
                try daemon.writeConfig(Self.config(daemon.directory, hastyHTTP: ""))
                try await daemon.start()
                for job in ["patient", "hasty", "small"] {
                    #expect(try await daemon.json(.post, "/jobs/\(job)/run").status == 202)
                    try await daemon.waitForRun("\(job)-1")
                }
                // patient: 1 + its own 2 retries; hasty: the top-level 0.
                #expect(server.log.count(path: "/always/503") == 4)
                let patient = daemon.records(daemon.stateDirectory + "/patient.jsonl")
                #expect(patient.first?["attempts"] as? Int == 3)
                // small's own max_body fails the 4 KiB body; hasty (the top-level 10 MiB) keeps it.
                let small = daemon.records(daemon.stateDirectory + "/small.jsonl")
                #expect((small.first?["error"] as? [String: Any])?["kind"] as? String == "too_large", "\(small)")
                let hasty = daemon.records(daemon.stateDirectory + "/hasty.jsonl")
                #expect(hasty.contains { $0["status"] as? Int == 200 && ($0["url"] as? String)?.contains("/bytes/") == true }, "\(hasty)")

                // A reload gives hasty retries: 1; its next run makes 2 attempts.
                try daemon.writeConfig(Self.config(daemon.directory, hastyHTTP: "    http: {retries: 1}"))
                daemon.send(SIGHUP)
                try await daemon.eventually("the reload") { daemon.log.contains("reloaded") }
                #expect(try await daemon.json(.post, "/jobs/hasty/run").status == 202)
                try await daemon.waitForRun("hasty-2")
                #expect(server.log.count(path: "/always/503") == 6)
                let second = daemon.records(daemon.stateDirectory + "/hasty.jsonl").filter { ($0["url"] as? String)?.contains("/always/") == true }
                #expect(second.map { $0["attempts"] as? Int } == [1, 2])
            }
        }
    }
}
