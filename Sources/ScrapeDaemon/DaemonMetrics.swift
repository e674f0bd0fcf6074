import CoreMetrics
import Prometheus
import ScrapeCore
import ScrapeBase
import ScrapeFrontier
import ScrapePages

/// The daemon's metrics, recorded through swift-metrics into a Prometheus registry that
/// `/metrics` renders.
///
/// The factory is passed in rather than bootstrapped globally, so tests can make as many
/// daemons' worth as they like. Request counters count every attempt (retries included)
/// from the record each attempt made; gauges that describe "now" (in-flight requests,
/// inbox files waiting, open circuits) are set when `/metrics` is read, so they are
/// never stale.
final class DaemonMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["scrape_request_duration_seconds"] = [
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
        ]
        self.factory = factory
    }

    /// Counts one request (a scrape attempt or an API page request).
    func attempt(_ report: RequestReport) {
        if let status = report.status {
            Counter(label: "scrape_requests_total", dimensions: [("status_class", "\(status / 100)xx")], factory: factory).increment()
        }
        if let kind = report.errorKind {
            Counter(label: "scrape_errors_total", dimensions: [("kind", kind.rawValue)], factory: factory).increment()
        }
        if report.bytes > 0 {
            Counter(label: "scrape_bytes_total", factory: factory).increment(by: report.bytes)
        }
        if let elapsed = report.elapsed {
            Timer(label: "scrape_request_duration_seconds", factory: factory).recordNanoseconds(elapsed.inNanoseconds)
        }
    }

    /// Notes a host's adaptive limit (`scrape_host_concurrency_limit{host}`: one series per
    /// host ever limited adaptively). Breaker changes need nothing here: the breakers are
    /// the daemon's (``HostTable/breakers``), counted when `/metrics` is read.
    func policy(_ event: Scheduler<ContinuousClock>.Event) {
        if case .concurrencyLimit(let host, let limit) = event {
            Gauge(label: "scrape_host_concurrency_limit", dimensions: [("host", host)], factory: factory).record(limit)
        }
    }

    /// Counts what a run of job `job` found against its last run (`revisit`):
    /// `scrape_not_modified_total{job}` (304s) and `scrape_changed_total{job}`.
    func revisit(_ since: RunSummary.Since, job: String) {
        Counter(label: "scrape_not_modified_total", dimensions: [("job", job)], factory: factory).increment(by: since.notModified)
        Counter(label: "scrape_changed_total", dimensions: [("job", job)], factory: factory).increment(by: since.changed)
    }

    /// A run's per-proxy counts (labels never hold credentials): `scrape_proxy_requests_total`,
    /// `scrape_proxy_failures_total` and `scrape_proxy_bans_total`, by proxy and job.
    func proxies(_ counts: [ProxyRotator.Count], job: String) {
        for count in counts {
            let dimensions = [("proxy", count.label), ("job", job)]
            Counter(label: "scrape_proxy_requests_total", dimensions: dimensions, factory: factory).increment(by: count.requests)
            Counter(label: "scrape_proxy_failures_total", dimensions: dimensions, factory: factory).increment(by: count.failures)
            Counter(label: "scrape_proxy_bans_total", dimensions: dimensions, factory: factory).increment(by: count.bans)
        }
    }

    /// Counts a finished job run and, on success, its time.
    func jobRun(_ job: String, outcome: RunState, at seconds: Double) {
        Counter(label: "scrape_job_runs_total", dimensions: [("job", job), ("outcome", outcome.rawValue)], factory: factory).increment()
        if outcome == .succeeded {
            Gauge(label: "scrape_job_last_success_timestamp_seconds", dimensions: [("job", job)], factory: factory).record(seconds)
        }
    }

    /// A job's last success from an earlier process, so the gauge survives restarts.
    func restoreLastSuccess(_ job: String, at seconds: Double) {
        Gauge(label: "scrape_job_last_success_timestamp_seconds", dimensions: [("job", job)], factory: factory).record(seconds)
    }

    /// A `ws:` job's message and byte counters, made once so each message costs no lookup.
    func streamCounters(job: String) -> (messages: CoreMetrics.Counter, bytes: CoreMetrics.Counter) {
        (
            Counter(label: "scrape_ws_messages_total", dimensions: [("job", job)], factory: factory),
            Counter(label: "scrape_ws_bytes_total", dimensions: [("job", job)], factory: factory)
        )
    }

    /// Counts a `ws:` connection attempt: `opened` (handshake done) or `failed`.
    func streamConnection(job: String, outcome: String) {
        Counter(label: "scrape_ws_connections_total", dimensions: [("job", job), ("outcome", outcome)], factory: factory).increment()
    }

    /// Whether a `ws:` job's stream is open now (1) or not (0).
    func streamConnected(job: String, _ connected: Bool) {
        Gauge(label: "scrape_ws_connected", dimensions: [("job", job)], factory: factory).record(connected ? 1 : 0)
    }

    /// A `crawl:` job's counters and queue gauge, for one run.
    func crawl(job: String) -> CrawlMetrics {
        CrawlMetrics(job: job, factory: factory)
    }

    /// Counts what the daemon's frontier worker did (`daemon.frontier`).
    func frontier(_ event: FrontierWorker.Event) {
        switch event {
        case .claimed(let count):
            Counter(label: "scrape_frontier_claimed_total", factory: factory).increment(by: count)
        case .finished(let completed, let failed, let retried, let leaseLosses):
            Counter(label: "scrape_frontier_completed_total", dimensions: [("outcome", "ok")], factory: factory).increment(by: completed - failed)
            Counter(label: "scrape_frontier_completed_total", dimensions: [("outcome", "error")], factory: factory).increment(by: failed)
            Counter(label: "scrape_frontier_retries_total", factory: factory).increment(by: retried)
            Counter(label: "scrape_frontier_lease_losses_total", factory: factory).increment(by: leaseLosses)
        case .reclaimed(let count):
            Counter(label: "scrape_frontier_reclaimed_total", factory: factory).increment(by: count)
        case .databaseLost:
            Gauge(label: "scrape_frontier_database_up", factory: factory).record(0)
        case .databaseBack:
            Gauge(label: "scrape_frontier_database_up", factory: factory).record(1)
        }
    }

    /// The frontier counters at 0 and the database gauge at 1, so dashboards see them
    /// before the first claim.
    func frontierStarted() {
        Counter(label: "scrape_frontier_claimed_total", factory: factory).increment(by: 0)
        for outcome in ["ok", "error"] {
            Counter(label: "scrape_frontier_completed_total", dimensions: [("outcome", outcome)], factory: factory).increment(by: 0)
        }
        Counter(label: "scrape_frontier_retries_total", factory: factory).increment(by: 0)
        Counter(label: "scrape_frontier_lease_losses_total", factory: factory).increment(by: 0)
        Counter(label: "scrape_frontier_reclaimed_total", factory: factory).increment(by: 0)
        Gauge(label: "scrape_frontier_database_up", factory: factory).record(1)
    }

    /// The Prometheus text exposition, with the "now" gauges set first: requests in
    /// flight, inbox files waiting, origins whose (shared) breaker is open or half-open, and
    /// job runs waiting in the run queue.
    func render(inflight: Int, inboxPending: Int, openCircuits: Int, queuedRuns: Int) -> [UInt8] {
        Gauge(label: "scrape_inflight_requests", factory: factory).record(inflight)
        Gauge(label: "scrape_inbox_pending", factory: factory).record(inboxPending)
        Gauge(label: "scrape_circuit_open_hosts", factory: factory).record(openCircuits)
        Gauge(label: "scrape_job_queue_length", factory: factory).record(queuedRuns)
        // Counters that have not moved yet still appear, at 0, so dashboards see them.
        Counter(label: "scrape_bytes_total", factory: factory).increment(by: 0)
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
