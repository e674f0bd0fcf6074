import ScrapeCore
import Testing

/// `jobs[].priority`, `jobs[].overlap` and `daemon.max_concurrent_runs`: defaults, what
/// `check-config` prints, and errors that name the key and the line.
@Suite struct JobQueueConfigTests {
    static func error(_ yaml: String) -> String {
        do {
            _ = try ScrapeConfiguration(yaml: yaml)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func theKeysHaveTheirDefaultsAndAreRead() throws {
        let plain = try ScrapeConfiguration(yaml: "jobs:\n  - {name: a, scrape: {urls_file: a.txt}}\n")
        #expect(plain.jobs[0].priority == 0)
        #expect(plain.jobs[0].overlap == .skip)
        #expect(plain.daemon.maxConcurrentRuns == 4)
        let set = try ScrapeConfiguration(yaml: """
            jobs:
              - {name: a, scrape: {urls_file: a.txt}, priority: -3, overlap: queue}
              - {name: b, scrape: {urls_file: a.txt}, priority: 12, overlap: skip, every: 5m}
            daemon:
              max_concurrent_runs: 1
            """)
        #expect(set.jobs.map(\.priority) == [-3, 12])
        #expect(set.jobs.map(\.overlap) == [.queue, .skip])
        #expect(set.daemon.maxConcurrentRuns == 1)
    }

    @Test func badValuesNameTheKeyAndTheLine() {
        let jobs = "jobs:\n  - {name: a, scrape: {urls_file: a.txt}}\n  - {name: b, scrape: {urls_file: a.txt}}\n"
        #expect(Self.error(jobs + "  - name: c\n    scrape: {urls_file: a.txt}\n    priority: high\n")
            == #"line 6: jobs[2].priority: expected a whole number, got "high""#)
        #expect(Self.error(jobs + "  - name: c\n    scrape: {urls_file: a.txt}\n    priority: 1.5\n")
            == #"line 6: jobs[2].priority: expected a whole number, got "1.5""#)
        #expect(Self.error(jobs + "  - name: c\n    scrape: {urls_file: a.txt}\n    overlap: always\n")
            == #"line 6: jobs[2].overlap: expected skip or queue, got "always""#)
        #expect(Self.error("daemon:\n  max_concurrent_runs: 0\n") == #"line 2: daemon.max_concurrent_runs: expected a whole number >= 1, got "0""#)
        #expect(Self.error("daemon:\n  max_concurrent_runs: many\n").contains("daemon.max_concurrent_runs: expected a whole number >= 1"))
        #expect(Self.error("jobs:\n  - name: t\n    ws: {url: \"ws://127.0.0.1:9/\"}\n    priority: 2\n")
            == "line 4: jobs[0].priority: a ws: job runs for as long as the daemon does; priority: does not apply")
        #expect(Self.error("jobs:\n  - name: t\n    ws: {url: \"ws://127.0.0.1:9/\"}\n    overlap: queue\n").contains("jobs[0].overlap: a ws: job"))
    }

    @Test func checkConfigShowsEachJobsScheduleWithDefaults() throws {
        let daemonFile = try ScrapeConfiguration(yaml: """
            jobs:
              - {name: news, scrape: {urls_file: a.txt}, every: 1h, at_start: true, priority: 5, overlap: queue}
              - {name: manual, scrape: {urls_file: a.txt}}
              - {name: ticker, ws: {url: "ws://127.0.0.1:9/"}}
            daemon:
              drain_timeout: 5s
            """)
        #expect(daemonFile.daemon.effectiveSettings.contains("max_concurrent_runs: 4"))
        let schedules = try #require(daemonFile.daemonJobSettings)
        #expect(schedules.contains("news: {every: 1h, at_start: true, priority: 5, overlap: queue}"))
        #expect(schedules.contains("manual: {every: none, at_start: false, priority: 0, overlap: skip}  # runs when asked"))
        #expect(schedules.contains("ticker: ws  # a stream"))
        // A `scrape api` file (no daemon: section, no daemon keys) prints no schedules.
        #expect(try ScrapeConfiguration(yaml: "jobs:\n  - {name: a, scrape: {urls_file: a.txt}}\n").daemonJobSettings == nil)
    }
}
