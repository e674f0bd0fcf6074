@testable import ScrapeCore
import Testing

/// Per-host slots and queues, decided without tasks.
struct HostQueuesTests {
    @Test func admitsUpToTheLimitThenQueues() {
        var queues = HostQueues<Int>(perHostLimit: 2)
        #expect(queues.admit(1, host: "a") == 1)
        #expect(queues.admit(2, host: "a") == 2)
        #expect(queues.admit(3, host: "a") == nil)
        #expect(queues.admit(4, host: "b") == 4)
        #expect(queues.inFlightCount == 3)
        #expect(queues.waitingCount == 1)
        #expect(queues.nextReady() == nil)
        queues.finished(host: "a")
        #expect(queues.nextReady()?.job == 3)
        #expect(queues.waitingCount == 0)
    }

    @Test func queuedJobsKeepTheirOrderAndNewOnesDoNotJumpAhead() {
        var queues = HostQueues<Int>(perHostLimit: 1)
        _ = queues.admit(1, host: "a")
        _ = queues.admit(2, host: "a")
        queues.finished(host: "a")
        // 2 is waiting and the slot is free: a new job must queue behind it.
        #expect(queues.admit(3, host: "a") == nil)
        #expect(queues.nextReady()?.job == 2)
        queues.finished(host: "a")
        #expect(queues.nextReady()?.job == 3)
    }

    @Test func readyHostsTakeTurns() {
        var queues = HostQueues<String>(perHostLimit: 1)
        for host in ["a", "b"] {
            _ = queues.admit("\(host)0", host: host)
            for index in 1...3 { _ = queues.admit("\(host)\(index)", host: host) }
        }
        queues.finished(host: "a")
        queues.finished(host: "b")
        var order: [String] = []
        while let next = queues.nextReady() {
            order.append(next.job)
            queues.finished(host: next.host)
        }
        #expect(order == ["a1", "b1", "a2", "b2", "a3", "b3"])
    }

    @Test func idleHostsAreForgotten() {
        var queues = HostQueues<Int>(perHostLimit: 4)
        for index in 0..<1000 {
            _ = queues.admit(index, host: "host\(index)")
            queues.finished(host: "host\(index)")
        }
        #expect(queues.trackedHosts == 0)
        #expect(queues.inFlightCount == 0)
    }

    @Test func drainingDropsWaitingJobs() {
        var queues = HostQueues<Int>(perHostLimit: 1)
        _ = queues.admit(1, host: "a")
        _ = queues.admit(2, host: "a")
        _ = queues.admit(3, host: "a")
        #expect(queues.drainWaiting() == 2)
        #expect(queues.waitingCount == 0)
        queues.finished(host: "a")
        #expect(queues.nextReady() == nil)
        #expect(queues.trackedHosts == 0)
    }
}
