import DequeModule

/// Per-host bookkeeping for the scheduler: how many requests each host has in flight and
/// which jobs wait for it. A value type that decides; the scheduler acts.
///
/// Hosts with waiting jobs and a free slot sit in a round-robin `ready` queue, so no
/// host is starved and one slow host never holds the others up. A host with nothing in
/// flight and nothing waiting is forgotten, so memory stays bounded over millions of hosts.
struct HostQueues<Job> {
    private struct Host {
        var inFlight = 0
        var waiting = Deque<Job>()
        var isReady = false
    }

    let perHostLimit: Int
    private var hosts: [String: Host] = [:]
    private var ready = Deque<String>()
    /// Jobs waiting across all hosts.
    private(set) var waitingCount = 0
    /// Jobs started and not finished across all hosts.
    private(set) var inFlightCount = 0

    init(perHostLimit: Int) {
        self.perHostLimit = max(1, perHostLimit)
    }

    /// Hosts currently tracked (for tests of eviction).
    var trackedHosts: Int { hosts.count }

    /// Takes a new job: returns it when it may start now (the host has a free slot and no
    /// queue), or queues it and returns nil.
    mutating func admit(_ job: Job, host: String) -> Job? {
        var state = hosts[host] ?? Host()
        defer { hosts[host] = state }
        if state.inFlight < perHostLimit, state.waiting.isEmpty {
            state.inFlight += 1
            inFlightCount += 1
            return job
        }
        state.waiting.append(job)
        waitingCount += 1
        return nil
    }

    /// A queued job whose host has a free slot, marked started; nil when none can start.
    mutating func nextReady() -> (job: Job, host: String)? {
        while let host = ready.popFirst() {
            guard var state = hosts[host] else { continue }
            state.isReady = false
            guard state.inFlight < perHostLimit, let job = state.waiting.popFirst() else {
                hosts[host] = state
                continue
            }
            state.inFlight += 1
            inFlightCount += 1
            waitingCount -= 1
            markReadyIfPossible(&state, host: host)
            hosts[host] = state
            return (job, host)
        }
        return nil
    }

    /// Records that a job for `host` finished, freeing its slot.
    mutating func finished(host: String) {
        guard var state = hosts[host] else { return }
        state.inFlight -= 1
        inFlightCount -= 1
        if state.inFlight == 0, state.waiting.isEmpty {
            hosts.removeValue(forKey: host)
            return
        }
        markReadyIfPossible(&state, host: host)
        hosts[host] = state
    }

    /// Empties every queue (on cancellation); returns how many jobs were waiting.
    mutating func drainWaiting() -> Int {
        let drained = waitingCount
        for key in Array(hosts.keys) {
            hosts[key]?.waiting.removeAll()
            if hosts[key]?.inFlight == 0 { hosts.removeValue(forKey: key) }
        }
        ready.removeAll()
        waitingCount = 0
        return drained
    }

    private mutating func markReadyIfPossible(_ state: inout Host, host: String) {
        if !state.isReady, !state.waiting.isEmpty, state.inFlight < perHostLimit {
            state.isReady = true
            ready.append(host)
        }
    }
}
