import Foundation
import ScrapeTestSupport
import Testing

/// `scrape check-config` on a daemon file with the run queue's keys, from the built binary:
/// it prints them with their defaults, and a bad one exits 2 naming the key and the line.
@Suite(.timeLimit(.minutes(2)))
struct CheckConfigScheduleTests {
    static let binary = ChildProcess.builtProduct("scrape")

    private func checkConfig(_ yaml: String) async throws -> ChildProcess.Result {
        let path = try TemporaryFiles.file("scrape.yaml", yaml)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await ChildProcess(Self.binary, ["check-config", path], stdinPath: "/dev/null").wait()
    }

    static let jobs = """
        jobs:
          - {name: prices, scrape: {urls_file: a.txt}, every: 5m, priority: 10, overlap: queue}
          - {name: manual, scrape: {urls_file: a.txt}}
        """

    @Test func theQueueKeysArePrintedWithTheirDefaults() async throws {
        let result = try await checkConfig(Self.jobs + "\ndaemon:\n  max_concurrent_runs: 2\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("  max_concurrent_runs: 2\n"))
        #expect(result.stdout.contains("job_schedules:\n  prices: {every: 5m, at_start: false, priority: 10, overlap: queue}\n"))
        #expect(result.stdout.contains("  manual: {every: none, at_start: false, priority: 0, overlap: skip}"))
    }

    @Test func aBadValueExitsTwoNamingTheKeyAndTheLine() async throws {
        let priority = try await checkConfig(Self.jobs + "\n  - {name: c, scrape: {urls_file: a.txt}, priority: high}\n")
        #expect(priority.status == 2)
        #expect(priority.stderr.contains(#"line 4: jobs[2].priority: expected a whole number, got "high""#), "\(priority.stderr)")
        let slots = try await checkConfig(Self.jobs + "\ndaemon:\n  max_concurrent_runs: 0\n")
        #expect(slots.status == 2)
        #expect(slots.stderr.contains(#"line 5: daemon.max_concurrent_runs: expected a whole number >= 1, got "0""#), "\(slots.stderr)")
    }
}
