import Foundation
import ScrapeTestSupport
import Testing

/// `scrape api --job NAME` runs with the job's own `http:` (over the top-level one); jobs
/// run together share one client and scheduler, so theirs must be the same (exit 2
/// otherwise, naming the job). Attempts are counted at the in-process server.
@Suite(.timeLimit(.minutes(2)))
struct APIJobHTTPTests {
    @Test func aJobsOwnHTTPAppliesAndJobsTogetherMustAgree() async throws {
        try await TestServer.withRunning { server in
            try await TemporaryFiles.withDirectory { directory in
                let yaml = """
                    http: {retries: 0, backoff: {initial: 10ms, max: 20ms}}
                    jobs:
                      - name: own
                        api: {base_url: "\(server.url("/"))", path: "always/503?job=own"}
                        output: \(directory)/own.jsonl
                        http: {retries: 2}
                      - name: plain
                        api: {base_url: "\(server.url("/"))", path: "always/503?job=plain"}
                        output: \(directory)/plain.jsonl
                    """
                let path = try TemporaryFiles.file("api.yaml", yaml)
                defer { try? FileManager.default.removeItem(atPath: path) }
                let own = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["api", path, "--job", "own", "-q"], stdinPath: "/dev/null").wait()
                #expect(own.status == 1, "\(own.stderr)")
                #expect(server.log.count(path: "/always/503") == 3, "1 + the job's own 2 retries")
                let plain = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["api", path, "--job", "plain", "-q"], stdinPath: "/dev/null").wait()
                #expect(plain.status == 1, "\(plain.stderr)")
                #expect(server.log.count(path: "/always/503") == 4, "the top-level retries: 0")
                let both = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["api", path, "--job", "own", "--job", "plain"], stdinPath: "/dev/null").wait()
                #expect(both.status == 2)
                #expect(both.stderr.contains("jobs[1].http: jobs run together share one client and scheduler"), "\(both.stderr)")
                #expect(server.log.count(path: "/always/503") == 4)
            }
        }
    }
}
