import ScrapeCore
import ScrapeResilience
import ScrapeTestSupport
import Testing
@testable import ScrapePages

/// The daemon's shared host table, decided without tasks on a manual clock: limits across
/// runs, the line and its hand-offs, rates, pauses, and runs that leave.
struct HostTableTests {
    typealias Table = HostTable<MockClock.Instant>
    let clock = MockClock()

    @Test func twoRunsShareOneHostsSlots() {
        let table = Table(limits: .init(perHostConcurrency: 2))
        let a = table.join()
        let b = table.join()
        #expect(table.acquire("h", for: a, at: clock.now) == .granted)
        #expect(table.acquire("h", for: a, at: clock.now) == .granted)
        // Full for b, which joins the line; b's ask again comes at the hand-off's end at the latest.
        #expect(table.acquire("h", for: b, at: clock.now) == .later(clock.now.advanced(by: Table.handOff)))
        #expect(table.acquire("other", for: b, at: clock.now) == .granted)  // other hosts are not held up
        // a frees a slot: it is b's (handed over), not a's.
        table.release("h", for: a, at: clock.now)
        #expect(table.acquire("h", for: a, at: clock.now) != .granted)
        #expect(table.acquire("h", for: b, at: clock.now) == .granted)
    }

    @Test func waitingRunsTakeTurns() {
        let table = Table(limits: .init(perHostConcurrency: 1))
        let a = table.join()
        let b = table.join()
        var order: [String] = []
        #expect(table.acquire("h", for: a, at: clock.now) == .granted)
        _ = table.acquire("h", for: b, at: clock.now)  // b in line
        var holder = (name: "a", member: a)
        for _ in 0..<6 {
            order.append(holder.name)
            let other = holder.name == "a" ? (name: "b", member: b) : (name: "a", member: a)
            _ = table.acquire("h", for: holder.member, at: clock.now)  // wants more: back of the line
            table.release("h", for: holder.member, at: clock.now)
            #expect(table.acquire("h", for: other.member, at: clock.now) == .granted)
            holder = other
        }
        #expect(order == ["a", "b", "a", "b", "a", "b"])
    }

    @Test func theRateIsTheWholeDaemons() {
        let table = Table(limits: .init(perHostConcurrency: 8, perHostRate: 4))  // one every 250 ms
        let a = table.join()
        let b = table.join()
        #expect(table.acquire("h", for: a, at: clock.now) == .granted)
        table.release("h", for: a, at: clock.now)
        #expect(table.acquire("h", for: b, at: clock.now) == .later(clock.now.advanced(by: .milliseconds(250))))
        // a asks too, behind b: only b gets the next token.
        #expect(table.acquire("h", for: a, at: clock.now) != .granted)
        clock.advance(by: .milliseconds(250))
        #expect(table.acquire("h", for: a, at: clock.now) != .granted)
        #expect(table.acquire("h", for: b, at: clock.now) == .granted)
    }

    @Test func tokensGoRoundWhoeverAsksFirst() {
        let table = Table(limits: .init(perHostConcurrency: 8, perHostRate: 5))  // one every 200 ms
        let a = table.join()
        let b = table.join()
        var order: [String] = []
        for _ in 0..<6 {
            // a always asks first at each token's instant (its timer happens to fire first).
            if table.acquire("h", for: a, at: clock.now) == .granted { order.append("a") }
            if table.acquire("h", for: b, at: clock.now) == .granted { order.append("b") }
            table.release("h", for: a, at: clock.now)
            clock.advance(by: .milliseconds(200))
        }
        #expect(order.count == 6)
        #expect(order == ["a", "b", "a", "b", "a", "b"])
    }

    @Test func aHandOffNotTakenReturnsToTheLine() {
        let table = Table(limits: .init(perHostConcurrency: 1))
        let a = table.join()
        let b = table.join()
        let c = table.join()
        #expect(table.acquire("h", for: a, at: clock.now) == .granted)
        _ = table.acquire("h", for: b, at: clock.now)
        _ = table.acquire("h", for: c, at: clock.now)
        table.release("h", for: a, at: clock.now)  // handed to b, which never comes for it
        #expect(table.acquire("h", for: c, at: clock.now) != .granted)
        clock.advance(by: Table.handOff + .milliseconds(1))
        #expect(table.acquire("h", for: c, at: clock.now) == .granted)
    }

    @Test func aRunThatStopsAskingLeavesTheLine() {
        let table = Table(limits: .init(perHostConcurrency: 8, perHostRate: 1))
        let a = table.join()
        let b = table.join()
        #expect(table.acquire("h", for: a, at: clock.now) == .granted)
        // b waits for the next token (1 s) and then never comes back for it.
        #expect(table.acquire("h", for: b, at: clock.now) == .later(clock.now.advanced(by: .seconds(1))))
        clock.advance(by: .seconds(1))
        #expect(table.acquire("h", for: a, at: clock.now) != .granted)  // b's token, b's turn
        clock.advance(by: Table.handOff + .milliseconds(1))
        #expect(table.acquire("h", for: a, at: clock.now) == .granted)
    }

    @Test func aRunThatLeavesGivesItsPlaceAndHandOffAway() {
        let table = Table(limits: .init(perHostConcurrency: 1))
        let a = table.join()
        let b = table.join()
        let c = table.join()
        #expect(table.acquire("h", for: a, at: clock.now) == .granted)
        _ = table.acquire("h", for: b, at: clock.now)
        _ = table.acquire("h", for: c, at: clock.now)
        table.release("h", for: a, at: clock.now)  // handed to b
        table.leave(b, at: clock.now)  // ... which ends: c gets it
        #expect(table.acquire("h", for: c, at: clock.now) == .granted)
        table.release("h", for: c, at: clock.now)
        table.leave(a, at: clock.now)
        table.leave(c, at: clock.now)
        #expect(table.trackedHosts == 0)
    }

    @Test func aPauseHoldsEveryRun() {
        let table = Table(limits: .init(perHostConcurrency: 4))
        let a = table.join()
        let b = table.join()
        table.pause("h", until: clock.now.advanced(by: .seconds(2)))
        #expect(table.acquire("h", for: a, at: clock.now) == .later(clock.now.advanced(by: .seconds(2))))
        #expect(table.acquire("h", for: b, at: clock.now) != .granted)  // in line behind a
        clock.advance(by: .seconds(2))
        #expect(table.acquire("h", for: a, at: clock.now) == .granted)
        #expect(table.acquire("h", for: b, at: clock.now) == .granted)
    }

    @Test func theHostQueuesOfTwoRunsStayWithinTheTablesLimit() {
        let table = Table(limits: .init(perHostConcurrency: 3))
        var one = HostQueues<Int, MockClock.Instant>(perHostLimit: 8, shared: .init(table: table, member: table.join()))
        var two = HostQueues<Int, MockClock.Instant>(perHostLimit: 8, shared: .init(table: table, member: table.join()))
        for id in 1...10 {
            one.add(id, host: "h")
            two.add(100 + id, host: "h")
        }
        var started = 0
        while case .start = one.next(at: clock.now) { started += 1 }
        while case .start = two.next(at: clock.now) { started += 1 }
        #expect(started == 3)
        #expect(one.inFlightCount == 3 && two.inFlightCount == 0)
        // Both are in line, one first (it asked first). Freed slots go one, two, one, two.
        var turns: [String] = []
        for _ in 0..<4 {
            if one.inFlightCount > 0 {
                one.finished(host: "h", outcome: .success, at: clock.now)
            } else {
                two.finished(host: "h", outcome: .success, at: clock.now)
            }
            let first = one.next(at: clock.now)
            let second = two.next(at: clock.now)
            if case .start = first { turns.append("one") }
            if case .start = second { turns.append("two") }
        }
        #expect(turns == ["one", "two", "one", "two"])
        #expect(one.inFlightCount + two.inFlightCount == 3)
    }

    @Test func theDaemonsHostLimitsAreKeysOfDaemon() throws {
        let file = try ScrapeConfiguration(yaml: "daemon:\n  per_host_concurrency: 3\n  per_host_rate: 2/s\n")
        #expect(file.daemon.perHostConcurrency == 3)
        #expect(file.daemon.perHostRate?.perSecond == 2)
        #expect(file.daemon.effectiveSettings.contains("per_host_rate: 2/s"))
        #expect(try ScrapeConfiguration(yaml: "daemon: {}\n").daemon.perHostRate == nil)
        do {
            _ = try ScrapeConfiguration(yaml: "daemon:\n  per_host_rate: fast\n")
            Issue.record("a bad rate was accepted")
        } catch {
            #expect("\(error)".contains("daemon.per_host_rate: expected N/s, N/m or N/h"), "\(error)")
        }
    }
}
