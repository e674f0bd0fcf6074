import ScrapeCore
import ScrapeTestSupport
import Testing

@testable import ScrapeDaemon

/// The job scheduler's decisions on a mock clock: due times, skipped turns, triggers,
/// reloads, resumed runs. Exact and instant, as HostQueuesTests are for the scraper.
@Suite struct JobTableTests {
    typealias Table = JobTable<MockClock.Instant>

    static func jobs(_ yaml: String) throws -> [ScrapeConfiguration.Job] {
        try ScrapeConfiguration(yaml: "jobs:\n" + yaml).jobs
    }

    static let t0 = MockClock.Instant(offset: .seconds(1000))

    static func table(_ jobs: [ScrapeConfiguration.Job], saved: [String: DaemonState.Job] = [:], sinceLastStart: Duration = .zero) -> Table {
        Table(jobs: jobs, saved: saved, now: t0) { _ in sinceLastStart }
    }

    @Test func atStartRunsAtOnceAndEveryJobWaitsItsTurn() throws {
        var table = Self.table(try Self.jobs("""
              - {name: hourly, scrape: {urls_file: a.txt}, every: 1h}
              - {name: eager, scrape: {urls_file: a.txt}, every: 1h, at_start: true}
              - {name: manual, scrape: {urls_file: a.txt}}
            """))
        let first = table.takeDue(now: Self.t0)
        #expect(first.starts.map(\.id) == ["eager-1"])
        #expect(table.earliestDue == Self.t0.advanced(by: .seconds(3600)))
        #expect(table.takeDue(now: Self.t0.advanced(by: .seconds(3599))).starts.isEmpty)
        let due = table.takeDue(now: Self.t0.advanced(by: .seconds(3600)))
        #expect(due.starts.map(\.id) == ["hourly-1"])  // eager-1 is still going: its turn is skipped
        #expect(due.skipped == ["eager"])
        #expect(table.entries.first { $0.job.name == "manual" }?.next == nil)
    }

    @Test func aRestartCountsEveryFromTheLastStart() throws {
        let saved = ["hourly": DaemonState.Job(runs: 4, lastRun: .init(id: "hourly-4", started: 0, outcome: .succeeded))]
        var table = Self.table(try Self.jobs("  - {name: hourly, scrape: {urls_file: a.txt}, every: 1h}\n"), saved: saved, sinceLastStart: .seconds(3000))
        #expect(table.earliestDue == Self.t0.advanced(by: .seconds(600)))
        #expect(table.takeDue(now: Self.t0.advanced(by: .seconds(600))).starts.map(\.id) == ["hourly-5"])
    }

    @Test func anUnfinishedRunResumesFirstUnderItsOwnID() throws {
        let saved = ["nightly": DaemonState.Job(runs: 7, unfinished: .init(id: "nightly-7", outputOffset: 1234))]
        var table = Self.table(try Self.jobs("  - {name: nightly, scrape: {urls_file: a.txt}, every: 24h}\n"), saved: saved)
        let starts = table.takeDue(now: Self.t0).starts
        #expect(starts.count == 1)
        #expect(starts.first?.id == "nightly-7")
        #expect(starts.first?.resume?.outputOffset == 1234)
        table.finished("nightly-7")
        #expect(table.trigger("nightly", draining: false, now: Self.t0) == .queued(id: "nightly-9"))  // numbered on from runs
    }

    @Test func aTriggerStartsOnceAndNeverOverlaps() throws {
        var table = Self.table(try Self.jobs("  - {name: manual, scrape: {urls_file: a.txt}}\n"))
        #expect(table.trigger("nope", draining: false, now: Self.t0) == .unknownJob)
        #expect(table.trigger("manual", draining: false, now: Self.t0) == .queued(id: "manual-1"))
        #expect(table.trigger("manual", draining: false, now: Self.t0) == .alreadyQueued(id: "manual-1"))
        #expect(table.takeDue(now: Self.t0).starts.map(\.id) == ["manual-1"])
        #expect(table.takeDue(now: Self.t0).starts.isEmpty)  // handed out once
        #expect(table.trigger("manual", draining: false, now: Self.t0) == .alreadyRunning(id: "manual-1"))
        table.finished("manual-1")
        #expect(table.trigger("manual", draining: true, now: Self.t0) == .shuttingDown)
        #expect(table.stop().running == 0)
        #expect(table.trigger("manual", draining: false, now: Self.t0) == .shuttingDown)
    }

    @Test func aReloadReschedulesFromTheLastStartAndKeepsARemovedJobsRunUntilItEnds() throws {
        var table = Self.table(try Self.jobs("""
              - {name: a, scrape: {urls_file: a.txt}, every: 1h, at_start: true}
              - {name: b, scrape: {urls_file: a.txt}, every: 1h, at_start: true}
            """))
        #expect(table.takeDue(now: Self.t0).starts.map(\.id) == ["a-1", "b-1"])
        table.finished("a-1")
        let later = Self.t0.advanced(by: .seconds(600))
        table.apply(try Self.jobs("  - {name: a, scrape: {urls_file: a.txt}, every: 30m}\n  - {name: c, scrape: {urls_file: a.txt}, every: 2h}\n"), saved: [:], now: later)
        #expect(table.entries.map(\.job.name) == ["a", "c", "b"])
        #expect(table.entries[0].next == Self.t0.advanced(by: .seconds(1800)))  // 30m after a's last start
        #expect(table.entries[1].next == later.advanced(by: .seconds(7200)))
        #expect(table.entries[2].next == nil)  // b is gone from the file: its run ends, nothing more
        #expect(table.runningCount == 1)
        table.finished("b-1")
        table.apply(try Self.jobs("  - {name: a, scrape: {urls_file: a.txt}, every: 1m}\n"), saved: [:], now: later)
        #expect(table.entries.map(\.job.name) == ["a"])
        #expect(table.entries[0].next == later)  // a shorter schedule already overdue: at once
    }
}
