import ScrapeBase
import ScrapeResilience
import Testing

/// The adaptive limit against simulated hosts: a discrete-event model of a server with a
/// fixed capacity (K requests served at once in `service` each, the rest queued in order,
/// 503 at once beyond 3K in flight), driven by a client that keeps `limit` requests in
/// flight. Simulated time only: the same answers on any machine.
struct AdaptiveLimitTests {
    /// An instant of simulated time.
    struct SimulatedInstant: InstantProtocol {
        var offset: Duration

        func advanced(by duration: Duration) -> Self { Self(offset: offset + duration) }
        func duration(to other: Self) -> Duration { other.offset - offset }
        static func < (lhs: Self, rhs: Self) -> Bool { lhs.offset < rhs.offset }
    }

    typealias Limit = AdaptiveLimit<SimulatedInstant>

    /// What a simulated run saw: per simulated second, the most requests in flight at the
    /// host, and the answers by kind.
    struct Trace {
        var peakInFlightPerSecond: [Int] = []
        var answered = 0
        var rejected = 0
        var finalLimit = 0
        var elapsed: Duration = .zero
    }

    /// Runs `requests` requests through `limit` against a host of capacity `capacity`.
    static func simulate(capacity: Int, requests: Int, limit: inout Limit, service: Duration = .milliseconds(50)) -> Trace {
        var trace = Trace()
        var now = SimulatedInstant(offset: .zero)
        // In flight at the host: when each started (served or queued), in order.
        var serving: [(sent: SimulatedInstant, done: SimulatedInstant)] = []
        var queue: [SimulatedInstant] = []
        var sent = 0
        var finished = 0
        var rejectedNow: [SimulatedInstant] = []
        func note(_ inFlight: Int, at instant: SimulatedInstant) {
            let second = Int(instant.offset.components.seconds)
            while trace.peakInFlightPerSecond.count <= second { trace.peakInFlightPerSecond.append(0) }
            trace.peakInFlightPerSecond[second] = max(trace.peakInFlightPerSecond[second], inFlight)
        }
        while finished < requests {
            // Send while the limit allows.
            while sent < requests, serving.count + queue.count + rejectedNow.count < limit.limit {
                sent += 1
                let inFlight = serving.count + queue.count
                if inFlight >= 3 * capacity {
                    rejectedNow.append(now)
                } else if serving.count < capacity {
                    serving.append((now, now.advanced(by: service)))
                } else {
                    queue.append(now)
                }
                note(serving.count + queue.count, at: now)
            }
            let saturated = sent < requests
            if !rejectedNow.isEmpty {
                rejectedNow.removeFirst()
                finished += 1
                trace.rejected += 1
                limit.record(.overloaded, saturated: saturated, at: now)
                continue
            }
            // The next answer.
            guard let index = serving.indices.min(by: { serving[$0].done < serving[$1].done }) else { break }
            let answer = serving.remove(at: index)
            now = answer.done
            if !queue.isEmpty {
                serving.append((queue.removeFirst(), now.advanced(by: service)))
            }
            finished += 1
            trace.answered += 1
            limit.record(.answered(latency: answer.sent.duration(to: now)), saturated: saturated, at: now)
        }
        trace.finalLimit = limit.limit
        trace.elapsed = now.offset
        return trace
    }

    @Test func aSmallHostSettlesJustAboveItsCapacityWithoutRejections() {
        var limit = Limit()
        let trace = Self.simulate(capacity: 4, requests: 2000, limit: &limit)
        let secondHalf = trace.peakInFlightPerSecond.suffix(trace.peakInFlightPerSecond.count / 2)
        let within = secondHalf.filter { (3...6).contains($0) }.count
        #expect(Double(within) >= 0.8 * Double(secondHalf.count), "peaks per second: \(trace.peakInFlightPerSecond)")
        #expect(trace.rejected <= 20)
        // Throughput: the ideal is capacity / service = 80 answers a second.
        #expect(Double(trace.answered) / trace.elapsed.inSeconds >= 0.85 * 80)
    }

    @Test func aLargeHostIsFoundQuicklyUpToTheCeiling() {
        var limit = Limit(configuration: .init(ceiling: 128))
        let trace = Self.simulate(capacity: 64, requests: 4000, limit: &limit)
        // Fixed 64 would take 4000 / 64 × 50 ms = 3.125 s.
        #expect(trace.elapsed.inSeconds <= 3.125 / 0.8, "took \(trace.elapsed), final limit \(trace.finalLimit)")
        #expect(trace.finalLimit >= 60 && trace.finalLimit <= 100)
        #expect(trace.rejected == 0)
    }

    @Test func theCeilingHolds() {
        var limit = Limit(configuration: .init(ceiling: 8))
        let trace = Self.simulate(capacity: 64, requests: 2000, limit: &limit)
        #expect(trace.finalLimit == 8)
        #expect(trace.peakInFlightPerSecond.max() == 8)
    }

    @Test func overloadHalvesOncePerAnswerTime() {
        var limit = Limit(configuration: .init(initial: 16, ceiling: 16))
        let start = SimulatedInstant(offset: .zero)
        limit.record(.answered(latency: .milliseconds(100)), saturated: false, at: start)
        #expect(limit.limit == 16)
        limit.record(.overloaded, saturated: true, at: start)
        #expect(limit.limit == 8)
        // A second failure of the same round trip does not count again.
        limit.record(.overloaded, saturated: true, at: start.advanced(by: .milliseconds(50)))
        #expect(limit.limit == 8)
        limit.record(.overloaded, saturated: true, at: start.advanced(by: .milliseconds(150)))
        #expect(limit.limit == 4)
    }

    @Test func itNeverGrowsWhenTheLimitDidNotHoldWorkBack() {
        var limit = Limit()
        var now = SimulatedInstant(offset: .zero)
        for _ in 0..<500 {
            now = now.advanced(by: .milliseconds(10))
            limit.record(.answered(latency: .milliseconds(10)), saturated: false, at: now)
        }
        #expect(limit.limit == 2)
        #expect(!limit.isPristine)
    }

    @Test func itNeverFallsBelowOne() {
        var limit = Limit()
        var now = SimulatedInstant(offset: .zero)
        for _ in 0..<50 {
            now = now.advanced(by: .seconds(1))
            limit.record(.overloaded, saturated: true, at: now)
        }
        #expect(limit.limit == 1)
    }
}
