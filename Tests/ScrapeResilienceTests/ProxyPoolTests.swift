import ScrapeResilience
import ScrapeTestSupport
import Testing

/// The proxy pool's rules on a manual clock: round-robin, health with jittered doubling
/// outages and probes, (proxy, host) bans, waiting and giving up.
struct ProxyPoolTests {
    let clock = MockClock()
    typealias Pool = ProxyPool<MockClock.Instant>

    @Test func roundRobinOverHealthyProxies() {
        var pool = Pool(configuration: .init(count: 3))
        let picks = (0..<6).map { _ in pool.choose(for: "a.test", at: clock.now) }
        #expect(picks == [.use(0), .use(1), .use(2), .use(0), .use(1), .use(2)])
    }

    @Test func hostRotationKeepsAHostOnItsProxy() {
        var pool = Pool(configuration: .init(count: 3, rotation: .host))
        #expect(pool.choose(for: "a.test", at: clock.now) == .use(0))
        #expect(pool.choose(for: "b.test", at: clock.now) == .use(1))
        #expect(pool.choose(for: "a.test", at: clock.now) == .use(0))
        #expect(pool.choose(for: "b.test", at: clock.now) == .use(1))
        var generator = SeededGenerator(state: 7)
        pool.recordFailure(proxy: 0, at: clock.now, using: &generator)
        let moved = pool.choose(for: "a.test", at: clock.now)
        #expect(moved != .use(0))
        #expect(pool.choose(for: "a.test", at: clock.now) == moved, "the host stays on its new proxy")
    }

    @Test func failedProxyIsOutThenProbedOnceThenHealthy() {
        var pool = Pool(configuration: .init(count: 2))
        var generator = SeededGenerator(state: 1)
        let outFor = pool.recordFailure(proxy: 0, at: clock.now, using: &generator)
        #expect(outFor >= .zero && outFor <= .seconds(30), "full jitter up to 30 s")
        for _ in 0..<4 { #expect(pool.choose(for: "a.test", at: clock.now) == .use(1)) }
        clock.advance(by: outFor)
        // The first request after the outage probes proxy 0; no other takes it meanwhile.
        var picks: [Pool.Choice] = []
        for _ in 0..<3 { picks.append(pool.choose(for: "a.test", at: clock.now)) }
        #expect(picks.filter { $0 == .use(0) }.count == 1)
        #expect(pool.health[0] == .probing(failures: 1))
        pool.recordCarried(proxy: 0, host: "a.test", at: clock.now)
        #expect(pool.health[0] == .healthy)
        #expect(pool.counts[0] == .init(requests: 1, failures: 1, bans: 0))
    }

    @Test func outagesDoubleUpToAnHour() {
        var pool = Pool(configuration: .init(count: 1))
        var ceilings: [Duration] = []
        var generator = SeededGenerator(state: 3)
        for _ in 0..<10 {
            let outFor = pool.recordFailure(proxy: 0, at: clock.now, using: &generator)
            ceilings.append(outFor)
            guard case .out(let until, _) = pool.health[0] else { Issue.record("not out"); return }
            clock.advance(by: clock.now.duration(to: until))
            #expect(pool.choose(for: "a.test", at: clock.now) == .use(0), "probed after its outage")
        }
        #expect(pool.health[0] == .probing(failures: 10))
        #expect(ceilings.allSatisfy { $0 <= .seconds(3600) })
        #expect(ceilings.suffix(4).contains { $0 > .seconds(240) }, "the ceiling grew past the first 30 s: \(ceilings)")
        #expect(Pool.Configuration(count: 1).outage.ceiling(afterAttempt: 10) == .seconds(3600))
    }

    @Test func bansArePerHostAndDouble() {
        var pool = Pool(configuration: .init(count: 2, banCooldown: .seconds(10), maximumBanCooldown: .seconds(40)))
        #expect(pool.choose(for: "a.test", at: clock.now) == .use(0))
        pool.recordBlocked(proxy: 0, host: "a.test", at: clock.now)
        #expect(pool.isBanned(0, for: "a.test", at: clock.now))
        #expect(!pool.isBanned(0, for: "b.test", at: clock.now), "other hosts keep the proxy")
        #expect(pool.choose(for: "a.test", excluding: [0], at: clock.now) == .use(1))
        #expect(pool.choose(for: "a.test", at: clock.now) == .use(1))
        #expect(pool.choose(for: "b.test", at: clock.now) == .use(0))
        clock.advance(by: .seconds(10))
        #expect(!pool.isBanned(0, for: "a.test", at: clock.now))
        pool.recordBlocked(proxy: 0, host: "a.test", at: clock.now)
        clock.advance(by: .seconds(19))
        #expect(pool.isBanned(0, for: "a.test", at: clock.now), "the second ban lasts 20 s")
        clock.advance(by: .seconds(1))
        #expect(!pool.isBanned(0, for: "a.test", at: clock.now))
        #expect(pool.counts[0].bans == 2)
    }

    @Test func aSingleProxyIsNeverBanned() {
        var pool = Pool(configuration: .init(count: 1))
        pool.recordBlocked(proxy: 0, host: "a.test", at: clock.now)
        #expect(!pool.isBanned(0, for: "a.test", at: clock.now))
        #expect(pool.choose(for: "a.test", at: clock.now) == .use(0))
    }

    @Test func everyProxyTriedIsExhausted() {
        var pool = Pool(configuration: .init(count: 2))
        pool.recordBlocked(proxy: 0, host: "a.test", at: clock.now)
        pool.recordBlocked(proxy: 1, host: "a.test", at: clock.now)
        #expect(pool.choose(for: "a.test", excluding: [0, 1], at: clock.now) == .exhausted)
    }

    @Test func noUsableProxyWaitsThenGivesUp() {
        var pool = Pool(configuration: .init(count: 2, giveUpAfter: .seconds(100)))
        var generator = SeededGenerator(state: 5)
        pool.recordFailure(proxy: 0, at: clock.now, using: &generator)
        pool.recordFailure(proxy: 1, at: clock.now, using: &generator)
        // Out for at most 30 s each: wait until the first comes back.
        guard case .wait(let until) = pool.choose(for: "a.test", at: clock.now) else { Issue.record("expected wait"); return }
        #expect(until <= clock.now.advanced(by: .seconds(30)))
        // Each comes back, is probed, and fails again, until the host gives up after 100 s
        // without a usable proxy, even before the next probe.
        var gaveUp = false
        for _ in 0..<50 where !gaveUp {
            switch pool.choose(for: "a.test", at: clock.now) {
            case .use(let proxy): pool.recordFailure(proxy: proxy, at: clock.now, using: &generator)
            case .wait(let next): clock.advance(by: max(.milliseconds(1), clock.now.duration(to: next)))
            case .giveUp: gaveUp = true
            case .exhausted: Issue.record("no proxy was excluded")
            }
        }
        #expect(gaveUp)
        // A proxy that carries a request again ends the host's wait.
        pool.recordCarried(proxy: 0, host: "a.test", at: clock.now)
        #expect(pool.choose(for: "a.test", at: clock.now) == .use(0))
    }
}
