import ScrapeCore
import ScrapeResilience
import ScrapeBase
import Testing
import ScrapePages

/// The scheduler and its per-origin queues under contention: many rounds of thousands of
/// jobs over many hosts and origins, with random delays and every kind of outcome, so
/// retries, breakers opening and giving up, Retry-After pauses and slot hand-offs all
/// interleave. Invariants: every job is emitted exactly once, and no host ever has more
/// than its limit in flight.
@Suite(.timeLimit(.minutes(5)))
struct SchedulerStressTests {
    struct Job: Sendable {
        let id: Int
        let host: String
        let origin: String
    }

    final class Gauge: Sendable {
        private let state = Locked<(current: [String: Int], peak: Int)>(([:], 0))

        func enter(_ host: String) {
            state.withLock { state in
                let now = state.current[host, default: 0] + 1
                state.current[host] = now
                state.peak = max(state.peak, now)
            }
        }

        func leave(_ host: String) { state.withLock { $0.current[host, default: 0] -= 1 } }
        var peak: Int { state.withLock { $0.peak } }
    }

    @Test(arguments: 0..<20)
    func everyJobIsEmittedExactlyOnceWithinTheHostLimit(round: Int) async throws {
        let count = 2_000
        let jobs = (0..<count).map { id in
            Job(id: id, host: "h\(id % 23)", origin: "http://h\(id % 23):\(8000 + id % 3)")
        }
        let remaining = Locked(jobs[...])
        let gauge = Gauge()
        var emitted = [Int](repeating: 0, count: count)
        let politeness = Scheduler<ContinuousClock>.Politeness(
            retry: RetryPolicy(maxAttempts: 3, backoff: Backoff(initial: .microseconds(200), maximum: .milliseconds(2))),
            breaker: .init(failureThreshold: 3, cooldown: .milliseconds(3), giveUpAfter: .milliseconds(15))
        )
        let outcome = try await Scheduler(limits: .init(concurrency: 32, perHostConcurrency: 2, maxQueued: 64), politeness: politeness).run(
            read: { () async -> [Job]? in
                remaining.withLock { queue -> [Job]? in
                    guard !queue.isEmpty else { return nil }
                    let batch = Array(queue.prefix(Int.random(in: 1...40)))
                    queue.removeFirst(batch.count)
                    return batch
                }
            },
            admit: { (job: Job) -> Scheduler<ContinuousClock>.Input<Int, Int> in
                job.id % 97 == 0 ? .ready(job.id) : .work(job.id, host: job.host, origin: job.origin)
            },
            perform: { id, attempt in
                let host = "h\(id % 23)"
                gauge.enter(host)
                defer { gauge.leave(host) }
                if Bool.random() { await Task.yield() } else { try? await Task.sleep(for: .microseconds(Int.random(in: 0...400))) }
                // Origin :8002 of every host fails most of the time; the rest mix every outcome.
                let roll = Int.random(in: 0..<100)
                let outcome: AttemptOutcome = switch (id % 3, roll) {
                case (2, 0..<85): .failure(retryable: true, retryAfter: nil)
                case (_, 0..<8): .failure(retryable: true, retryAfter: nil)
                case (_, 8..<11): .throttled(retryAfter: .milliseconds(1))
                case (_, 11..<14): .neutral
                case (_, 14..<16): .failure(retryable: false, retryAfter: nil)
                default: .success
                }
                return .init(output: id, outcome: outcome)
            },
            reject: { id, _ in id },
            emit: { id, _ in emitted[id] += 1 }
        )
        #expect(emitted.allSatisfy { $0 == 1 }, "round \(round): \(emitted.enumerated().filter { $0.element != 1 }.prefix(5))")
        #expect(outcome.emitted == count)
        #expect(outcome.dropped == 0)
        #expect(gauge.peak <= 2)
    }
}
