import Foundation
import ScrapeTestSupport
import Testing

/// `scrape check-config` on a file with `jobs[].http:`, from the built binary: each such
/// job's effective settings under `job_http:`, and a refused key exits 2 naming it and its line.
@Suite(.timeLimit(.minutes(2)))
struct CheckConfigJobHTTPTests {
    private func checkConfig(_ yaml: String) async throws -> ChildProcess.Result {
        let path = try TemporaryFiles.file("scrape.yaml", yaml)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await ChildProcess(ChildProcess.builtProduct("scrape"), ["check-config", path], stdinPath: "/dev/null").wait()
    }

    @Test func eachJobsEffectiveSettingsArePrinted() async throws {
        let result = try await checkConfig("""
            http: {timeout: 20s}
            jobs:
              - name: gentle
                scrape: {urls_file: a.txt}
                http: {per_host_rate: 1/s, retries: 5}
              - name: plain
                scrape: {urls_file: a.txt}
            daemon:
              per_host_concurrency: 4
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("job_http:\n  gentle:\n    # each run's own caps; from all runs together a host sees at most 4 in flight, with no rate limit (daemon.per_host_*)\n    concurrency: 64\n"), "\(result.stdout)")
        #expect(result.stdout.contains("\n    per_host_rate: 1/s\n    timeout: 20s\n"))
        #expect(result.stdout.contains("\n    retries: 5\n"))
        #expect(!result.stdout.contains("  plain:\n    "))
    }

    @Test func aJobsBreakerIsRefusedNamingTheKeyAndLine() async throws {
        let result = try await checkConfig("jobs:\n  - name: j\n    scrape: {urls_file: a.txt}\n    http: {circuit_breaker: {failures: 2}}\n")
        #expect(result.status == 2)
        #expect(result.stderr.contains("line 4: jobs[0].http.circuit_breaker: the circuit breakers are shared by every job"), "\(result.stderr)")
    }
}
