import ScrapeBase
import ScrapePages
import ScrapeResilience
import Testing

/// The scheduler's attempts in two steps (`run(read:admit:perform:complete:…)`, `scrape
/// crawl`'s): the host's slot is freed when the answer is in, and the output (the parse,
/// the links) is made after, in a task of its own. Synthetic jobs, no network.
@Suite(.timeLimit(.minutes(1)))
struct SchedulerCompletionTests {
    struct Job: Sendable {
        let id: Int
        let host: String
    }

    /// What an output says: its job, the attempt it came from, and whether the event the
    /// test watches for had happened by the time it was made.
    struct Made: Sendable, Equatable {
        let id: Int
        let attempt: Int
        let sawEvent: Bool
    }

    /// At per-host concurrency 1, job 2's request is sent while job 1's output is still
    /// being made: job 1's `complete` waits for job 2's `perform`. A scheduler that held the
    /// host's slot through `complete` would send job 2 only after it, so job 1's output
    /// would say it never saw job 2 (after the 20 s bound, which only keeps a broken
    /// scheduler from hanging the suite).
    @Test func theHostsNextRequestGoesOutWhileTheLastPageIsProcessed() async throws {
        let secondSent = AtomicFlag()
        let bell = Doorbell()
        var made: [Made] = []
        let outcome = try await Scheduler(limits: .init(concurrency: 8, perHostConcurrency: 1)).run(
            read: SchedulerTests.reader([Job(id: 1, host: "h"), Job(id: 2, host: "h")]),
            admit: { (job: Job) -> Scheduler<ContinuousClock>.Input<Job, Made> in .work(job, host: job.host) },
            perform: { job, attempt in
                if job.id == 2 {
                    secondSent.set()
                    bell.ring()
                }
                return .init(output: attempt, outcome: .success)
            },
            complete: { job, attempt in
                guard job.id == 1 else { return Made(id: job.id, attempt: attempt, sawEvent: true) }
                await bell.wait(upTo: .seconds(20))
                return Made(id: job.id, attempt: attempt, sawEvent: secondSent.isSet)
            },
            reject: { job, attempts in Made(id: job.id, attempt: attempts, sawEvent: false) },
            emit: { output, _ in made.append(output) }
        )
        #expect(outcome.emitted == 2)
        #expect(made.sorted { $0.id < $1.id } == [Made(id: 1, attempt: 1, sawEvent: true), Made(id: 2, attempt: 1, sawEvent: true)])
    }

    /// Outputs being made count against the run's concurrency with the requests in flight,
    /// so the pages held in memory stay bounded by it: at concurrency 2, never more than two
    /// jobs between the start of their `perform` and the end of their `complete`, however
    /// many hosts have free slots.
    @Test func outputsBeingMadeCountAgainstTheConcurrency() async throws {
        let gauge = SchedulerTests.Gauge()
        let jobs = (1...12).map { Job(id: $0, host: "h\($0 % 6)") }
        var emitted: [Int] = []
        let outcome = try await Scheduler(limits: .init(concurrency: 2, perHostConcurrency: 1)).run(
            read: SchedulerTests.reader(jobs),
            admit: { (job: Job) -> Scheduler<ContinuousClock>.Input<Job, Int> in .work(job, host: job.host) },
            perform: { job, _ in
                gauge.enter("all")
                return .init(output: job.id, outcome: .success)
            },
            complete: { job, id in
                try? await Task.sleep(for: .milliseconds(5))  // a slow parse: the next jobs would start meanwhile
                gauge.leave("all")
                return id
            },
            reject: { job, _ in job.id },
            emit: { id, _ in emitted.append(id) }
        )
        #expect(outcome.emitted == 12)
        #expect(emitted.sorted() == Array(1...12))
        #expect(gauge.peak("all") <= 2)
    }

    /// At most ``Scheduler/Limits/maxCompleting`` outputs are made at once: with 1, two
    /// `complete` calls never overlap, although the concurrency and the hosts' slots would
    /// allow 8 attempts at once.
    @Test func outputsAreMadeAtMostMaxCompletingAtOnce() async throws {
        let gauge = SchedulerTests.Gauge()
        let jobs = (1...12).map { Job(id: $0, host: "h\($0 % 6)") }
        let outcome = try await Scheduler(limits: .init(concurrency: 8, perHostConcurrency: 2, maxCompleting: 1)).run(
            read: SchedulerTests.reader(jobs),
            admit: { (job: Job) -> Scheduler<ContinuousClock>.Input<Job, Int> in .work(job, host: job.host) },
            perform: { job, _ in .init(output: job.id, outcome: .success) },
            complete: { job, id in
                gauge.enter("complete")
                try? await Task.sleep(for: .milliseconds(5))
                gauge.leave("complete")
                return id
            },
            reject: { job, _ in job.id },
            emit: { _, _ in }
        )
        #expect(outcome.emitted == 12)
        #expect(gauge.peak("complete") == 1)
    }

    /// A retried attempt's output is made too (it is the record if the origin's breaker
    /// gives up), and the job still ends as exactly one output: the last attempt's.
    @Test func aRetriedJobEndsAsOneOutputOfItsLastAttempt() async throws {
        let politeness = Scheduler<ContinuousClock>.Politeness(
            retry: RetryPolicy(maxAttempts: 3, backoff: Backoff(initial: .milliseconds(1), maximum: .milliseconds(2))))
        let completed = Locked<[Int]>([])
        var made: [Made] = []
        let outcome = try await Scheduler(limits: .init(concurrency: 4, perHostConcurrency: 1), politeness: politeness).run(
            read: SchedulerTests.reader([Job(id: 1, host: "h"), Job(id: 2, host: "h")]),
            admit: { (job: Job) -> Scheduler<ContinuousClock>.Input<Job, Made> in .work(job, host: job.host) },
            perform: { job, attempt in
                // Job 1 fails as a retry would fix twice, then succeeds.
                .init(output: attempt, outcome: job.id == 1 && attempt < 3 ? .failure(retryable: true, retryAfter: nil) : .success)
            },
            complete: { job, attempt in
                completed.withLock { $0.append(job.id) }
                return Made(id: job.id, attempt: attempt, sawEvent: false)
            },
            reject: { job, attempts in Made(id: job.id, attempt: attempts, sawEvent: false) },
            emit: { output, _ in made.append(output) }
        )
        #expect(outcome.retries == 2)
        #expect(made.sorted { $0.id < $1.id } == [Made(id: 1, attempt: 3, sawEvent: false), Made(id: 2, attempt: 1, sawEvent: false)])
        #expect(completed.withLock { $0.sorted() } == [1, 1, 1, 2])
    }
}
