import ScrapeCore
import ScrapeResilience
import ScrapeBase
import Testing
import ScrapePages

/// The bounded task group with per-host queues, on synthetic jobs (no network).
@Suite(.timeLimit(.minutes(1)))
struct SchedulerTests {
    /// Tracks how many jobs run at once, overall and per host.
    final class Gauge: Sendable {
        private struct State {
            var current: [String: Int] = [:]
            var peak: [String: Int] = [:]
            var total = 0
            var peakTotal = 0
        }
        private let state = Locked(State())

        func enter(_ host: String) {
            state.withLock { state in
                let now = state.current[host, default: 0] + 1
                state.current[host] = now
                state.peak[host] = max(state.peak[host] ?? 0, now)
                state.total += 1
                state.peakTotal = max(state.peakTotal, state.total)
            }
        }

        func leave(_ host: String) {
            state.withLock { state in
                state.current[host, default: 0] -= 1
                state.total -= 1
            }
        }

        var peakTotal: Int { state.withLock { $0.peakTotal } }
        func peak(_ host: String) -> Int { state.withLock { $0.peak[host] ?? 0 } }
    }

    struct Payload: Sendable {
        let id: Int
        let host: String
    }

    struct Job: Sendable {
        let id: Int
        let host: String
        let delay: Duration
    }

    /// A `read` that hands out `items` one at a time, as a slow input would.
    static func reader<Item: Sendable>(_ items: [Item]) -> @Sendable () async -> [Item]? {
        let remaining = Locked(items[...])
        return { remaining.withLock { $0.popFirst().map { [$0] } } }
    }

    /// Runs `jobs` and returns the ids in emission order.
    private func run(
        _ jobs: [Job], limits: Scheduler<ContinuousClock>.Limits, gauge: Gauge = Gauge(), invalid: Set<Int> = []
    ) async throws -> (order: [Int], outcome: Scheduler<ContinuousClock>.Outcome) {
        var order: [Int] = []
        let outcome = try await Scheduler(limits: limits).run(
            read: Self.reader(jobs),
            admit: { (job: Job) -> Scheduler<ContinuousClock>.Input<Job, Int> in
                invalid.contains(job.id) ? .ready(job.id) : .work(job, host: job.host)
            },
            perform: { job, _ in
                gauge.enter(job.host)
                defer { gauge.leave(job.host) }
                try? await Task.sleep(for: job.delay)
                return Task.isCancelled ? nil : .init(output: job.id, outcome: .success)
            },
            reject: { job, _ in job.id },
            emit: { id, _ in order.append(id) }
        )
        return (order, outcome)
    }

    /// The daemon's drain: once the intake closes, the jobs in flight finish and are
    /// emitted, and no waiting job starts, although all of them were already read.
    @Test func closingTheIntakeStartsNothingNew() async throws {
        let jobs = (0..<16).map { Job(id: $0, host: "h", delay: .milliseconds(200)) }
        let batches = Locked([jobs])
        let open = Locked(true)
        let started = Locked<[Int]>([])
        var order: [Int] = []
        let politeness = Scheduler<ContinuousClock>.Politeness(retry: RetryPolicy(maxAttempts: 3))
        // Room for all 16 overall, 8 on the host: 8 start, 8 wait in the host's queue.
        let outcome = try await Scheduler(limits: .init(concurrency: 16, perHostConcurrency: 8), politeness: politeness).run(
            read: { batches.withLock { $0.popLast() } },  // the whole list in one batch, as a short inbox file is read
            admit: { (job: Job) -> Scheduler<ContinuousClock>.Input<Job, Int> in .work(job, host: job.host) },
            perform: { job, _ in
                // The drain begins once all 8 slots are busy.
                if started.withLock({ $0.append(job.id); return $0.count }) == 8 { open.withLock { $0 = false } }
                try? await Task.sleep(for: job.delay)
                // Odd ones fail as a retry would fix: no retry starts during the drain either.
                return .init(output: job.id, outcome: job.id % 2 == 0 ? .success : .failure(retryable: true, retryAfter: nil))
            },
            reject: { job, _ in job.id },
            emit: { id, _ in order.append(id) },
            intakeOpen: { open.withLock { $0 } }
        )
        #expect(started.withLock { $0.count } == 8)
        #expect(outcome.drained)
        #expect(!outcome.cancelled)
        #expect(outcome.dropped == 8 + 4)
        #expect(outcome.retries == 0)
        #expect(Set(order) == [0, 2, 4, 6])
    }

    /// A run whose only work waits (a retry 5 minutes away) still ends as soon as the intake
    /// closes: the scheduler watches the intake, not only its own events. Without the watch
    /// this test waits for the retry and fails at the suite's time limit.
    @Test func closingTheIntakeEndsARunThatOnlyWaits() async throws {
        let open = Locked(true)
        async let closer: Void = {
            try? await Task.sleep(for: .milliseconds(300))
            open.withLock { $0 = false }
        }()
        let politeness = Scheduler<ContinuousClock>.Politeness(retry: RetryPolicy(maxAttempts: 3, maxRetryAfter: .seconds(600)))
        let batches = Locked([[1]])
        var emitted: [Int] = []
        let outcome = try await Scheduler(limits: .init(concurrency: 4, perHostConcurrency: 4), politeness: politeness).run(
            read: { batches.withLock { $0.popLast() } },
            admit: { (id: Int) -> Scheduler<ContinuousClock>.Input<Int, Int> in .work(id, host: "h") },
            perform: { id, _ in .init(output: id, outcome: .failure(retryable: true, retryAfter: .seconds(300))) },
            reject: { id, _ in id },
            emit: { id, _ in emitted.append(id) },
            intakeOpen: { open.withLock { $0 } }
        )
        await closer
        #expect(outcome.drained && !outcome.cancelled)
        #expect(outcome.retries == 1 && outcome.dropped == 1 && emitted.isEmpty)
    }

    @Test func respectsGlobalAndPerHostLimits() async throws {
        let jobs = (0..<200).map { Job(id: $0, host: "h\($0 % 5)", delay: .milliseconds(2)) }
        let gauge = Gauge()
        let (order, outcome) = try await run(jobs, limits: .init(concurrency: 8, perHostConcurrency: 2), gauge: gauge)
        #expect(Set(order) == Set(0..<200))
        #expect(order.count == 200)
        #expect(outcome == .init(emitted: 200, cancelled: false, dropped: 0))
        #expect(gauge.peakTotal <= 8)
        for host in 0..<5 { #expect(gauge.peak("h\(host)") <= 2) }
        #expect(gauge.peakTotal >= 2)  // it did run things in parallel
    }

    @Test func slowHostDoesNotHoldUpTheOthers() async throws {
        // 6 slow jobs first in the input, then 40 fast ones on another host. The slow ones
        // finish only once every fast one is out (or after 10 s, when the scheduler is broken).
        let fastDone = Locked(0)
        let payloads = (0..<6).map { Payload(id: $0, host: "slow") } + (100..<140).map { Payload(id: $0, host: "fast") }
        var order: [Int] = []
        _ = try await Scheduler(limits: .init(concurrency: 4, perHostConcurrency: 2)).run(
            read: Self.reader(payloads),
            admit: { (payload: Payload) -> Scheduler<ContinuousClock>.Input<Payload, Int> in .work(payload, host: payload.host) },
            perform: { job, _ in
                if job.host == "slow" {
                    let deadline = ContinuousClock.now + .seconds(10)
                    while fastDone.withLock({ $0 }) < 40, ContinuousClock.now < deadline {
                        try? await Task.sleep(for: .milliseconds(5))
                    }
                }
                return .init(output: job.id, outcome: .success)
            },
            reject: { job, _ in job.id },
            emit: { id, _ in
                order.append(id)
                if id >= 100 { fastDone.withLock { $0 += 1 } }
            }
        )
        let lastFast = order.lastIndex { $0 >= 100 }!
        let firstSlow = order.firstIndex { $0 < 100 }!
        #expect(lastFast < firstSlow, "every fast job finishes while the slow ones hold their host's slots")
        #expect(order.count == 46)
    }

    @Test func readyOutputsAreEmittedWithoutASlot() async throws {
        let jobs = (0..<10).map { Job(id: $0, host: "h", delay: .milliseconds(1)) }
        let (order, outcome) = try await run(jobs, limits: .init(concurrency: 1, perHostConcurrency: 1), invalid: [3, 7])
        #expect(Set(order) == Set(0..<10))
        #expect(outcome.emitted == 10)
    }

    @Test func inputIsPulledLazily() async throws {
        let pulled = Locked(0)
        let outcome = try await Scheduler(limits: .init(concurrency: 2, perHostConcurrency: 1, maxQueued: 3)).run(
            read: { () -> [Int]? in
                let count = pulled.withLock { count in
                    count += 1
                    return count
                }
                return count <= 1000 ? [count] : nil
            },
            admit: { (id: Int) -> Scheduler<ContinuousClock>.Input<Int, Int> in .work(id, host: "one") },
            perform: { job, _ in
                try? await Task.sleep(for: .milliseconds(1))
                return .init(output: job, outcome: .success)
            },
            reject: { job, _ in job },
            emit: { id, _ in
                // One host, one slot: the input is read at most 3 queued + 1 running + 1 ahead.
                let read = pulled.withLock { $0 }
                #expect(read <= id + 5)
            }
        )
        #expect(outcome.emitted == 1000)
    }

    @Test func cancellationDropsUnfinishedJobsAndEmitsFinishedOnes() async throws {
        let jobs = (0..<50).map { Job(id: $0, host: "h\($0 % 2)", delay: $0 < 4 ? .zero : .seconds(20)) }
        let emitted = Locked<[Int]>([])
        let slowStarted = Locked(0)
        let task = Task {
            try await Scheduler(limits: .init(concurrency: 6, perHostConcurrency: 3)).run(
                read: Self.reader(jobs),
                admit: { (job: Job) -> Scheduler<ContinuousClock>.Input<Job, Int> in .work(job, host: job.host) },
                perform: { job, _ in
                    if job.delay > .zero { slowStarted.withLock { $0 += 1 } }
                    try? await Task.sleep(for: job.delay)
                    return Task.isCancelled ? nil : .init(output: job.id, outcome: .success)
                },
                reject: { job, _ in job.id },
                emit: { id, _ in emitted.withLock { $0.append(id) } }
            )
        }
        // Cancel once the four quick jobs are out and the slow ones fill every slot.
        while emitted.withLock({ $0.count }) < 4 || slowStarted.withLock({ $0 }) < 6 { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        let outcome = try await task.value
        #expect(outcome.cancelled)
        #expect(Set(emitted.withLock { $0 }) == Set(0..<4))
        #expect(outcome.emitted == 4)
        #expect(outcome.dropped >= 6)  // the in-flight slow ones, plus whatever was queued
    }

    @Test func outputsAreEmittedAndFlushedWhileTheInputWaits() async throws {
        // A pipe fed slowly: the second read waits (up to 5 s) for the first job's output to
        // be flushed. A scheduler that waits on its input before handling results never flushes.
        let flushed = Locked<[Int]>([])
        let reads = Locked(0)
        let sawFlushWhileWaiting = Locked(false)
        var emitted: [Int] = []
        var buffered: [Int] = []
        let outcome = try await Scheduler(limits: .init(concurrency: 4, perHostConcurrency: 4, flushDelay: .milliseconds(20))).run(
            read: { () async -> [Int]? in
                let call = reads.withLock { count in
                    count += 1
                    return count
                }
                if call == 1 { return [1] }
                let deadline = ContinuousClock.now + .seconds(5)
                while ContinuousClock.now < deadline, !Task.isCancelled {
                    if flushed.withLock({ $0.contains(1) }) {
                        sawFlushWhileWaiting.withLock { $0 = true }
                        break
                    }
                    try? await Task.sleep(for: .milliseconds(5))
                }
                return call == 2 ? [2] : nil
            },
            admit: { (id: Int) -> Scheduler<ContinuousClock>.Input<Int, Int> in .work(id, host: "h") },
            perform: { id, _ in .init(output: id, outcome: .success) },
            reject: { id, _ in id },
            emit: { id, _ in
                emitted.append(id)
                buffered.append(id)
            },
            flush: {
                let batch = buffered
                buffered.removeAll()
                flushed.withLock { $0.append(contentsOf: batch) }
            }
        )
        #expect(sawFlushWhileWaiting.withLock { $0 })
        #expect(emitted == [1, 2])
        #expect(flushed.withLock { $0 } == [1, 2])  // the last output is flushed before the run returns
        #expect(outcome.emitted == 2)
    }

    @Test func cancellationEndsAReadThatWaitsForever() async throws {
        let task = Task {
            try await Scheduler(limits: .init(concurrency: 2, perHostConcurrency: 1)).run(
                read: { () async -> [Int]? in
                    // An input that never speaks (a FIFO held open); ends only when cancelled.
                    while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
                    return nil
                },
                admit: { (id: Int) -> Scheduler<ContinuousClock>.Input<Int, Int> in .work(id, host: "h") },
                perform: { id, _ in .init(output: id, outcome: .success) },
                reject: { id, _ in id },
                emit: { _, _ in }
            )
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        let outcome = try await task.value
        #expect(outcome.cancelled)
        #expect(outcome.emitted == 0)
    }
}
