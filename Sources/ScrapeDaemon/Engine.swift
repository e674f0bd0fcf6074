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
/// down when the last run holding it ends, so no transfer in flight is dropped. A job
/// whose own `http:` needs other client settings (another user agent, timeout, body
/// limit, larger connection pools) runs on a client of its own while it runs
/// (``lease(_:)``); the host table, breakers and robots.txt documents stay the daemon's.
final class Engine: Service, Sendable {
    private struct State {
        var client: HTTPClient
        var http: ScrapeConfiguration.HTTP
        /// Runs holding each client, by identity.
        var leases: [ObjectIdentifier: Int] = [:]
        /// Replaced clients still held by runs.
        var retired: [ObjectIdentifier: HTTPClient] = [:]
        /// Clients of jobs whose own `http:` the shared client cannot serve, while runs hold them.
        var jobClients: [(http: ScrapeConfiguration.HTTP, client: HTTPClient)] = []
    }

    private let state: Locked<State>
    /// The daemon's hosts, shared by every run: what one host sees from the whole daemon
    /// (`daemon.per_host_concurrency`, `daemon.per_host_rate`, `Retry-After` pauses), and
    /// the per-origin circuit breakers (`http.circuit_breaker`).
    let hosts: HostTable<ContinuousClock.Instant>
    /// robots.txt documents every run reads, by origin and user agent, until they expire
    /// (24 h, or the answer's `max-age`; a failed fetch 10 min).
    let robots = SharedRobotsDocuments()
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
        hosts = HostTable(limits: Self.hostLimits(http: http, daemon: daemon), breaker: http.circuitBreaker)
        self.notifier = notifier
        self.logger = logger
        tick = min(notifier.watchdogInterval ?? .seconds(1), .seconds(1))
        lastBeat.store((ContinuousClock.now - started).inNanoseconds, ordering: .relaxed)
    }

    /// The shared client and the top-level settings for a new run; pair with ``release(_:)``.
    func lease() -> (client: HTTPClient, http: ScrapeConfiguration.HTTP) {
        state.withLock { state in
            state.leases[ObjectIdentifier(state.client), default: 0] += 1
            return (state.client, state.http)
        }
    }

    /// The client and settings for a new run of a job; pair with ``release(_:)``.
    ///
    /// - Parameter job: the job's own `http:` (over the top-level one); nil for the
    ///   top-level settings. A job whose settings the shared client can serve
    ///   (``fits(_:on:)``) gets it; another gets a client of its own, shared with the other
    ///   runs of equal settings and shut down after the last of them.
    /// - Throws: `HTTPClientError` when a job's own client cannot start.
    func lease(_ job: ScrapeConfiguration.HTTP?) throws(HTTPClientError) -> (client: HTTPClient, http: ScrapeConfiguration.HTTP) {
        try state.withLock { state throws(HTTPClientError) in
            guard let job, !Self.fits(job, on: state.http) else {
                state.leases[ObjectIdentifier(state.client), default: 0] += 1
                return (state.client, job ?? state.http)
            }
            let client: HTTPClient
            if let held = state.jobClients.first(where: { Self.fits(job, on: $0.http) }) {
                client = held.client
            } else {
                client = try HTTPClient(configuration: job.clientConfiguration)
                state.jobClients.append((job, client))
            }
            state.leases[ObjectIdentifier(client), default: 0] += 1
            return (client, job)
        }
    }

    /// Ends a run's hold on `client`; shuts a replaced client or a job's own client down
    /// after its last run.
    func release(_ client: HTTPClient) async {
        let idle = state.withLock { state -> HTTPClient? in
            let key = ObjectIdentifier(client)
            let remaining = (state.leases[key] ?? 1) - 1
            state.leases[key] = remaining > 0 ? remaining : nil
            guard remaining <= 0 else { return nil }
            if let index = state.jobClients.firstIndex(where: { $0.client === client }) { return state.jobClients.remove(at: index).client }
            return state.retired.removeValue(forKey: key)
        }
        await idle?.shutdown()
    }

    /// Whether runs with settings `job` can fetch with the client made for `shared`: the
    /// client's settings are equal (timeouts, body and redirect limits, user agent, and
    /// whatever else `http:` gives the client), and the job's connection limits are no
    /// larger. The scheduler's settings (rates, retries, backoff, robots.txt) are each
    /// run's own whatever client it uses, so they do not count.
    static func fits(_ job: ScrapeConfiguration.HTTP, on shared: ScrapeConfiguration.HTTP) -> Bool {
        var job = job
        job.rate = shared.rate
        job.perHostRate = shared.perHostRate
        job.retries = shared.retries
        job.backoff = shared.backoff
        job.maxRetryAfter = shared.maxRetryAfter
        job.circuitBreaker = shared.circuitBreaker
        job.robotsTxt = shared.robotsTxt
        job.adaptivePerHostConcurrency = shared.adaptivePerHostConcurrency
        // Per request, not the client's: a run's session (RunSession) carries them.
        job.headers = shared.headers
        job.cookies = shared.cookies
        job.cookieJar = shared.cookieJar
        let jobPerHost = min(job.perHostConcurrency, job.concurrency)
        if job.concurrency <= shared.concurrency, jobPerHost <= min(shared.perHostConcurrency, shared.concurrency) {
            job.concurrency = shared.concurrency
            job.perHostConcurrency = shared.perHostConcurrency
        }
        return job == shared
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
        hosts.breakers.update(http.circuitBreaker)
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
                + state.jobClients.reduce(0) { $0 + $1.client.statistics.runningTransfers }
        }
    }

    /// Origins whose breaker (the daemon's) is open or half-open now.
    var openCircuits: Int { hosts.breakers.openCount }

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
        let clients = state.withLock { [$0.client] + Array($0.retired.values) + $0.jobClients.map(\.client) }
        for client in clients { await client.shutdown() }
        logger.debug("engine stopped")
    }
}
