import ScrapeResilience
import ScrapeTestSupport
import Testing

/// GCRA token buckets on a manual clock.
struct TokenBucketTests {
    let clock = MockClock()

    @Test func evenlySpacedWithBurstOne() {
        var bucket = TokenBucket<MockClock.Instant>(rate: 10)
        var taken: [Duration] = []
        for _ in 0..<100 {
            if let next = bucket.nextAvailable(at: clock.now) {
                clock.advance(by: clock.now.duration(to: next))
            }
            bucket.take(at: clock.now)
            taken.append(clock.now.offset)
        }
        #expect(taken.first == .zero)
        #expect(taken.last == .milliseconds(9900))
        #expect(zip(taken, taken.dropFirst()).allSatisfy { $1 - $0 == .milliseconds(100) })
    }

    @Test func burstAllowsThatManyAtOnceThenTheRate() {
        var bucket = TokenBucket<MockClock.Instant>(rate: 2, burst: 3)
        for _ in 0..<3 {
            #expect(bucket.nextAvailable(at: clock.now) == nil)
            bucket.take(at: clock.now)
        }
        #expect(bucket.nextAvailable(at: clock.now) == clock.now.advanced(by: .milliseconds(500)))
        clock.advance(by: .seconds(10))  // idle: refills to the burst, not beyond
        for _ in 0..<3 { bucket.take(at: clock.now) }
        #expect(bucket.nextAvailable(at: clock.now) != nil)
    }

    @Test func idleTimeIsNotBanked() {
        var bucket = TokenBucket<MockClock.Instant>(rate: 1)
        bucket.take(at: clock.now)
        clock.advance(by: .seconds(60))
        bucket.take(at: clock.now)
        #expect(bucket.nextAvailable(at: clock.now) == clock.now.advanced(by: .seconds(1)))
        #expect(!bucket.isFull(at: clock.now))
        clock.advance(by: .seconds(1))
        #expect(bucket.isFull(at: clock.now))
    }

    @Test func slowerIntervalWinsFasterIsIgnored() {
        var bucket = TokenBucket<MockClock.Instant>(rate: 10)
        bucket.limit(toInterval: .seconds(2))
        #expect(bucket.interval == .seconds(2))
        bucket.limit(toInterval: .milliseconds(10))
        #expect(bucket.interval == .seconds(2))
    }

    @Test(arguments: [0.5, 20.0, 600.0 / 60])
    func fractionalRates(rate: Double) {
        let bucket = TokenBucket<MockClock.Instant>(rate: rate)
        #expect(bucket.interval == .seconds(1 / rate))
    }
}
