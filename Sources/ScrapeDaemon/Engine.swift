import Logging
import ScrapeCore
import ScrapeHTTP
import ScrapePages
import ServiceLifecycle
import ScrapeBase
import Synchronization

/// The HTTP engine all runs share, as a service: one `HTTPClient` (one curl multi handle
/// and its I/O thread), plus the liveness loop behind systemd's watchdog and `/healthz`.
///
/// Liveness is proven by the I/O loop itself: each tick awaits `HTTPClient.heartbeat()`,
/// which returns only after the I/O thread takes a turn. A wedged loop never answers, so
/// the pings stop and systemd restarts the service, and `/healthz` turns 503.
///
/// A reload that changes `http:` makes a new client for new runs; the old one is shut
/// down when the last run holding it ends, so no transfer in flight is dropped.
final class Engine: Service, Sendable {
    private struct State {
        var client: HTTPClient
        var http: ScrapeConfiguration.HTTP
        /// Runs holding each client, by identity.
        var leases: [ObjectIdentifier: Int] = [:]
        /// Replaced clients still held by runs.
        var retired: [ObjectIdentifier: HTTPClient] = [:]
    }

    private let state: Locked<State>
    /// The daemon's hosts, shared by every run: what one host sees from the whole daemon
    /// (`daemon.per_host_concurrency`, `daemon.per_host_rate`, `Retry-After` pauses).
    let hosts: HostTable<ContinuousClock.Instant>
    private let notifier: SystemdNotifier
    private let logger: Logger
    /// The last time the I/O loop answered, as uptime nanoseconds.
    private let lastBeat = Atomic<Int64>(0)
    private let started = ContinuousClock.now
    /// How often the loop is checked: half of `WATCHDOG_USEC`, else every second.
    let tick: Duration

    init(
        http: ScrapeConfiguration.HTTP, daemon: ScrapeConfiguration.Daemon = .init(), notifier: SystemdNotifier, logger: Logger
    ) throws(HTTPClientError) {
        state = Locked(State(client: try HTTPClient(configuration: http.clientConfiguration), http: http))
        hosts = HostTable(limits: Self.hostLimits(http: http, daemon: daemon))
        self.notifier = notifier
        self.logger = logger
        tick = min(notifier.watchdogInterval ?? .seconds(1), .seconds(1))
        lastBeat.store((ContinuousClock.now - started).inNanoseconds, ordering: .relaxed)
    }

    /// The client and settings for a new run; pair with ``release(_:)``.
    func lease() -> (client: HTTPClient, http: ScrapeConfiguration.HTTP) {
        state.withLock { state in
            state.leases[ObjectIdentifier(state.client), default: 0] += 1
            return (state.client, state.http)
        }
    }

    /// Ends a run's hold on `client`; shuts a replaced client down after its last run.
    func release(_ client: HTTPClient) async {
        let retired = state.withLock { state -> HTTPClient? in
            let key = ObjectIdentifier(client)
            let remaining = (state.leases[key] ?? 1) - 1
            state.leases[key] = remaining > 0 ? remaining : nil
            return remaining > 0 ? nil : state.retired.removeValue(forKey: key)
        }
        await retired?.shutdown()
    }

    /// What one host may get from the whole daemon: `daemon.per_host_concurrency` and
    /// `daemon.per_host_rate`, by default the file's `http:` ones.
    static func hostLimits(http: ScrapeConfiguration.HTTP, daemon: ScrapeConfiguration.Daemon) -> HostTable<ContinuousClock.Instant>.Limits {
        .init(perHostConcurrency: daemon.perHostConcurrency ?? http.perHostConcurrency, perHostRate: (daemon.perHostRate ?? http.perHostRate)?.perSecond)
    }

    /// Applies a reloaded `http:` section to runs started from now on; the host limits at
    /// once (runs in flight included).
    ///
    /// - Throws: `HTTPClientError` when the new client cannot start (the old one stays).
    func apply(_ http: ScrapeConfiguration.HTTP, daemon: ScrapeConfiguration.Daemon) async throws(HTTPClientError) {
        hosts.update(Self.hostLimits(http: http, daemon: daemon))
        guard state.withLock({ $0.http != http }) else { return }
        let replacement = try HTTPClient(configuration: http.clientConfiguration)
        let idle = state.withLock { state -> HTTPClient? in
            let old = state.client
            state.client = replacement
            state.http = http
            if state.leases[ObjectIdentifier(old)] == nil { return old }
            state.retired[ObjectIdentifier(old)] = old
            return nil
        }
        await idle?.shutdown()
    }

    /// Requests in flight on every client.
    var inflight: Int {
        state.withLock { state in
            state.client.statistics.runningTransfers + state.retired.values.reduce(0) { $0 + $1.statistics.runningTransfers }
        }
    }

    /// Whether the I/O loop answered within three ticks (and at least within 3 s).
    var isAlive: Bool {
        let age = (ContinuousClock.now - started).inNanoseconds - lastBeat.load(ordering: .relaxed)
        return age <= max(tick * 3, .seconds(3)).inNanoseconds
    }

    func run() async throws {
        // Beat every tick (for /healthz); ping systemd every `watchdogInterval`, i.e. every
        // `pingEvery` beats, and only right after a beat.
        let pingEvery = notifier.watchdogInterval.map { max(1, Int(($0 / tick).rounded(.down))) }
        await cancelWhenGracefulShutdown {
            var beats = 0
            while !Task.isCancelled {
                let current = self.state.withLock { $0.client }
                guard await current.heartbeat() else {
                    // A reload replaced (and may have shut down) that client: beat the new one.
                    if self.state.withLock({ $0.client !== current }) { continue }
                    break
                }
                self.lastBeat.store((ContinuousClock.now - self.started).inNanoseconds, ordering: .relaxed)
                beats += 1
                if let pingEvery, beats % pingEvery == 0 { self.notifier.watchdog() }
                try? await Task.sleep(for: self.tick)
            }
        }
        let clients = state.withLock { [$0.client] + Array($0.retired.values) }
        for client in clients { await client.shutdown() }
        logger.debug("engine stopped")
    }
}
