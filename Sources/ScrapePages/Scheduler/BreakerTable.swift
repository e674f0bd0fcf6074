import ScrapeBase
public import ScrapeResilience

/// The daemon's circuit breakers, one per origin, shared by all its runs: an origin that
/// one job's run found failing is open for every other run (scrape, crawl and api jobs,
/// inbox lists) until the cooldown's probe succeeds, so a second job does not spend its
/// own `failures` on a server the daemon already knows is down, and the probe after the
/// cooldown is one request from the whole daemon, not one from each run.
///
/// It sits beside the ``HostTable`` (which owns it), not in each run's ``HostQueues``:
/// runs reach it through the table they are already given (`PageRunHooks.hosts`), so
/// every kind of run shares it without a second hook, and a run on its own (`scrape`,
/// `scrape crawl`, `scrape api`) keeps its per-run breakers exactly as before.
///
/// The decisions are still ``CircuitBreaker``'s; this only holds them under one lock. A
/// run asks ``breaker(for:)`` for a copy to see whether the origin is open (and whether
/// to give up), ``permission(_:at:)`` before dispatch and ``record(_:for:at:)`` after the
/// outcome; transitions are returned to the run whose request caused them, so the log
/// line about an origin opening is written once. A run told to wait while another run's
/// probe is out asks again after ``probeWait`` (a probe ends within the request timeout).
///
/// Breakers are forgotten when they hold nothing (closed with no failure counted) after
/// an outcome, and any breaker untouched for longer than the longest cooldown is dropped
/// in a sweep, so memory stays bounded over a crawl of millions of origins.
public final class BreakerTable<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    private struct Entry {
        var breaker: CircuitBreaker<Instant>
        var touched: Instant
    }

    private struct State {
        var configuration: CircuitBreaker<Instant>.Configuration
        var entries: [String: Entry] = [:]
        var recordsSinceSweep = 0
    }

    /// How long a run waits before asking again while another run's probe is out.
    public static var probeWait: Duration { .milliseconds(250) }

    private let state: Locked<State>

    public init(configuration: CircuitBreaker<Instant>.Configuration) {
        state = Locked(State(configuration: configuration))
    }

    /// The settings of breakers made from now on (a reload); a breaker that is open or
    /// counting failures keeps the settings it started with until it closes.
    public func update(_ configuration: CircuitBreaker<Instant>.Configuration) {
        state.withLock { $0.configuration = configuration }
    }

    /// A copy of `origin`'s breaker (a closed one when none is held), to read its state.
    public func breaker(for origin: String) -> CircuitBreaker<Instant> {
        state.withLock { state in state.entries[origin]?.breaker ?? CircuitBreaker(configuration: state.configuration) }
    }

    /// Whether a request to `origin` may go now (``CircuitBreaker/permission(at:)``).
    public func permission(_ origin: String, at now: Instant) -> (CircuitBreaker<Instant>.Permission, CircuitBreaker<Instant>.Transition?) {
        state.withLock { state in
            guard var entry = state.entries[origin] else { return (.allowed, nil) }  // closed, nothing counted
            let answer = entry.breaker.permission(at: now)
            entry.touched = now
            state.entries[origin] = entry
            return answer
        }
    }

    /// Feeds one attempt's outcome at `origin` back (``CircuitBreaker/record(_:at:)``).
    @discardableResult
    public func record(_ outcome: AttemptOutcome, for origin: String, at now: Instant) -> CircuitBreaker<Instant>.Transition? {
        let failed = if case .failure = outcome { true } else { false }
        return state.withLock { state in
            // A closed breaker with nothing counted stays so unless this is a failure: no entry to make.
            guard var entry = state.entries[origin] ?? (failed ? Entry(breaker: CircuitBreaker(configuration: state.configuration), touched: now) : nil)
            else { return nil }
            let transition = entry.breaker.record(outcome, at: now)
            entry.touched = now
            state.entries[origin] = entry.breaker.isPristine ? nil : entry
            state.recordsSinceSweep += 1
            if state.recordsSinceSweep >= 1024 {
                state.recordsSinceSweep = 0
                let idle = state.configuration.maximumCooldown
                state.entries = state.entries.filter { _, entry in
                    if case .halfOpen(let probes, _) = entry.breaker.state, probes > 0 { return true }
                    return now < entry.touched.advanced(by: max(idle, entry.breaker.configuration.maximumCooldown))
                }
            }
            return transition
        }
    }

    /// Origins whose breaker is open or half-open now (the `scrape_circuit_open_hosts` gauge).
    public var openCount: Int {
        state.withLock { state in state.entries.values.count { entry in
            if case .closed = entry.breaker.state { return false }
            return true
        } }
    }

    /// Breakers held (for tests of forgetting).
    var trackedOrigins: Int { state.withLock { $0.entries.count } }
}
