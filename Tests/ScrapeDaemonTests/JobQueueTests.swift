import ScrapeCore
import ScrapeTestSupport
import Testing

@testable import ScrapeDaemon

/// The run queue's decisions on a mock clock (``JobTable`` and `JobTable+Queue.swift`):
/// priority then due time, the starvation rule, `overlap: skip` against `queue`,
/// `max_concurrent_runs`. Exact and instant: no tasks, no timing.
@Suite struct JobQueueTests {
    typealias Table = JobTable<MockClock.Instant>

    static let t0 = MockClock.Instant(offset: .seconds(1000))

    static func at(_ seconds: Int) -> MockClock.Instant { t0.advanced(by: .seconds(seconds)) }

    static func table(_ yaml: String, maxConcurrentRuns: Int) throws -> Table {
        Table(jobs: try ScrapeConfiguration(yaml: "jobs:\n" + yaml).jobs, saved: [:], now: t0, maxConcurrentRuns: maxConcurrentRuns) { _ in .zero }
    }

    static func ids(_ table: Table, at instant: MockClock.Instant) -> [String] { table.queue(now: instant).map { $0.id } }

    @Test func higherPriorityStartsFirstThenTheEarlierDueThenTheEarlierJob() throws {
        var table = try Self.table("""
              - {name: low, scrape: {urls_file: a.txt}, at_start: true}
              - {name: high, scrape: {urls_file: a.txt}, at_start: true, priority: 5}
              - {name: also-low, scrape: {urls_file: a.txt}, at_start: true}
              - {name: later, scrape: {urls_file: a.txt}, priority: 5}
              - {name: negative, scrape: {urls_file: a.txt}, at_start: true, priority: -1}
            """, maxConcurrentRuns: 1)
        let first = table.takeDue(now: Self.t0)
        #expect(first.starts.map(\.id) == ["high-1"])
        #expect(first.queued.map { $0.id } == ["low-1", "also-low-1", "negative-1"])  // in config order; the queue orders them
        #expect(table.trigger("later", draining: false, now: Self.at(1)) == .queued(id: "later-1"))
        // Priority 5 first, then 0 (low and also-low due together: config order), then -1.
        #expect(Self.ids(table, at: Self.at(1)) == ["later-1", "low-1", "also-low-1", "negative-1"])
        #expect(table.queue(now: Self.at(1)).map { $0.position } == [1, 2, 3, 4])
        var order = ["high-1"]
        for second in 2...6 {
            table.finished(order.last!)
            let due = table.takeDue(now: Self.at(second))
            #expect(due.starts.count <= 1)  // one slot
            order += due.starts.map(\.id)
        }
        #expect(order == ["high-1", "later-1", "low-1", "also-low-1", "negative-1"])
        #expect(table.queue(now: Self.at(6)).isEmpty)
    }

    @Test func aRunGainsOnePriorityForEachWholePeriodItWaited() throws {
        var table = try Self.table("""
              - {name: busy, scrape: {urls_file: a.txt}, at_start: true, priority: 9}
              - {name: cheap, scrape: {urls_file: a.txt}, every: 10m}
              - {name: urgent, scrape: {urls_file: a.txt}, priority: 2}
              - {name: urgent-too, scrape: {urls_file: a.txt}, priority: 3}
            """, maxConcurrentRuns: 1)
        #expect(table.takeDue(now: Self.t0).starts.map(\.id) == ["busy-1"])
        #expect(table.takeDue(now: Self.at(600)).queued.map { $0.id } == ["cheap-1"])  // due at t0 + 10m; busy-1 holds the slot
        let cheap = try #require(table.entries[1].queued)
        let job = table.entries[1].job
        #expect(Table.effectivePriority(of: cheap, job: job, now: Self.at(600 + 599)) == 0)  // less than one period: no gain
        #expect(Table.effectivePriority(of: cheap, job: job, now: Self.at(600 + 600)) == 1)
        #expect(Table.effectivePriority(of: cheap, job: job, now: Self.at(600 + 1500)) == 2)  // 25 minutes: two whole periods
        // Asked for at t0 + 25m with priority 2: cheap-1 has 2 by then and was due earlier, so it goes first;
        // urgent-too's 3 beats it.
        #expect(table.trigger("urgent", draining: false, now: Self.at(2100)) == .queued(id: "urgent-1"))
        #expect(table.trigger("urgent-too", draining: false, now: Self.at(2100)) == .queued(id: "urgent-too-1"))
        #expect(Self.ids(table, at: Self.at(2100)) == ["urgent-too-1", "cheap-1", "urgent-1"])
        // Its turns at 20m and 30m found it queued: skipped (counted), not queued twice.
        #expect(table.takeDue(now: Self.at(2100)).skipped == ["cheap"])
        // After 100 minutes of waiting (ten periods) it has 10: more than any job's own priority.
        #expect(Table.effectivePriority(of: cheap, job: job, now: Self.at(600 + 6000)) == 10)
        table.finished("busy-1")
        #expect(table.trigger("busy", draining: false, now: Self.at(6600)) == .queued(id: "busy-2"))
        #expect(Self.ids(table, at: Self.at(6600)).first == "cheap-1")  // 10 beats busy's fresh 9 and urgent-too's 3 (+1 for its hour)
        #expect(table.takeDue(now: Self.at(6600)).starts.map(\.id) == ["cheap-1"])
    }

    @Test func jobsWithoutEveryAgeByTheHour() throws {
        let table = try Self.table("  - {name: manual, scrape: {urls_file: a.txt}, priority: 1}\n", maxConcurrentRuns: 1)
        let job = table.entries[0].job
        let run = Table.QueuedRun(id: "manual-1", number: 1, due: Self.t0, resume: nil)
        #expect(Table.effectivePriority(of: run, job: job, now: Self.at(3599)) == 1)
        #expect(Table.effectivePriority(of: run, job: job, now: Self.at(3600)) == 2)
        #expect(Table.effectivePriority(of: run, job: job, now: Self.at(3 * 3600 + 5)) == 4)
    }

    @Test func overlapSkipCountsTheTurnAndQueueRunsItOnceAfter() throws {
        var table = try Self.table("""
              - {name: skipper, scrape: {urls_file: a.txt}, every: 10m, at_start: true}
              - {name: queuer, scrape: {urls_file: a.txt}, every: 10m, at_start: true, overlap: queue}
            """, maxConcurrentRuns: 4)
        #expect(table.takeDue(now: Self.t0).starts.map(\.id) == ["skipper-1", "queuer-1"])
        // Both still running at their next turn: skipper's is skipped, queuer's waits behind queuer-1.
        let second = table.takeDue(now: Self.at(600))
        #expect(second.starts.isEmpty)
        #expect(second.skipped == ["skipper"])
        #expect(second.queued.map { $0.id } == ["queuer-2"])
        #expect(table.entries[1].running == "queuer-1")
        #expect(table.entries[1].queued?.id == "queuer-2")
        // Two more turns pass: they collapse into queuer-2 (counted as skipped), never a third run.
        #expect(table.takeDue(now: Self.at(1200)).skipped == ["skipper", "queuer"])
        #expect(table.takeDue(now: Self.at(1800)).skipped == ["skipper", "queuer"])
        // POST /jobs/NAME/run now: skip refuses (409), queue answers with the waiting run (202).
        #expect(table.trigger("skipper", draining: false, now: Self.at(1800)) == .alreadyRunning(id: "skipper-1"))
        #expect(table.trigger("queuer", draining: false, now: Self.at(1800)) == .joined(id: "queuer-2"))
        // A free slot does not start queuer-2 while queuer-1 runs; its end does.
        #expect(table.takeDue(now: Self.at(1801)).starts.isEmpty)
        table.finished("queuer-1")
        #expect(table.takeDue(now: Self.at(1802)).starts.map(\.id) == ["queuer-2"])
        table.finished("skipper-1")
        #expect(table.takeDue(now: Self.at(1803)).starts.isEmpty)  // skip kept no missed turn
        #expect(table.entries.map(\.runs) == [1, 2])
    }

    @Test func underQueueATriggerWhileRunningQueuesOneRunAndLaterOnesJoinIt() throws {
        var table = try Self.table("  - {name: manual, scrape: {urls_file: a.txt}, overlap: queue}\n", maxConcurrentRuns: 2)
        #expect(table.trigger("manual", draining: false, now: Self.t0) == .queued(id: "manual-1"))
        #expect(table.takeDue(now: Self.t0).starts.map(\.id) == ["manual-1"])
        #expect(table.trigger("manual", draining: false, now: Self.at(1)) == .queued(id: "manual-2"))
        #expect(table.trigger("manual", draining: false, now: Self.at(2)) == .joined(id: "manual-2"))
        #expect(table.queue(now: Self.at(2)).map { $0.position } == [1])
        #expect(table.takeDue(now: Self.at(3)).starts.isEmpty)
        table.finished("manual-1")
        #expect(table.takeDue(now: Self.at(4)).starts.map(\.id) == ["manual-2"])
    }

    @Test func atMostMaxConcurrentRunsGoAndStreamsTakeNoSlot() throws {
        var table = try Self.table("""
              - {name: ticker, ws: {url: "ws://127.0.0.1:9/feed"}}
              - {name: a, scrape: {urls_file: a.txt}, at_start: true}
              - {name: b, scrape: {urls_file: a.txt}, at_start: true}
              - {name: c, scrape: {urls_file: a.txt}, at_start: true}
            """, maxConcurrentRuns: 2)
        let first = table.takeDue(now: Self.t0)
        #expect(first.starts.map(\.id) == ["a-1", "b-1"])
        #expect(first.queued.map { $0.id } == ["c-1"])
        #expect(table.runningCount == 2)
        #expect(table.trigger("ticker", draining: false, now: Self.t0) == .stream)
        #expect(table.trigger("c", draining: false, now: Self.t0) == .alreadyQueued(id: "c-1"))
        table.finished("b-1")
        #expect(table.takeDue(now: Self.at(1)).starts.map(\.id) == ["c-1"])
        // A reload may raise the limit: queued runs start at once.
        #expect(table.trigger("b", draining: false, now: Self.at(2)) == .queued(id: "b-2"))
        #expect(table.takeDue(now: Self.at(2)).starts.isEmpty)
        table.apply(table.entries.map(\.job), saved: [:], now: Self.at(3), maxConcurrentRuns: 3)
        #expect(table.takeDue(now: Self.at(3)).starts.map(\.id) == ["b-2"])
    }

    @Test func theDrainAndAReloadDropQueuedRunsAndNeverStartThem() throws {
        var table = try Self.table("""
              - {name: a, scrape: {urls_file: a.txt}, at_start: true}
              - {name: b, scrape: {urls_file: a.txt}, at_start: true}
              - {name: c, scrape: {urls_file: a.txt}, at_start: true}
            """, maxConcurrentRuns: 1)
        #expect(table.takeDue(now: Self.t0).starts.map(\.id) == ["a-1"])
        // A reload without c: its queued run is dropped; b's stays.
        let kept = table.entries.map(\.job).filter { $0.name != "c" }
        #expect(table.apply(kept, saved: [:], now: Self.at(1)) == ["c-1"])
        #expect(Self.ids(table, at: Self.at(1)) == ["b-1"])
        let stopped = table.stop()
        #expect(stopped.running == 1)
        #expect(stopped.dropped == ["b-1"])
        #expect(table.stop().dropped.isEmpty)  // said once
        table.finished("a-1")
        #expect(table.takeDue(now: Self.at(2)).starts.isEmpty)
    }
}
