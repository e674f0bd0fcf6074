import Logging
import ScrapeBase
import ScrapeCore
import ScrapeFrontier
import ServiceLifecycle

/// `daemon.frontier`: the daemon as a fleet member, working the frontier's jobs
/// continuously with a ``FrontierWorker`` (docs/frontier.md), its counts in `/metrics`.
///
/// SIGTERM stops claiming; fetches in hand finish and are recorded within the daemon's
/// `drain_timeout`, then the rest are cancelled (their leases expire and other workers
/// take the URLs). A database unreachable for `unreachable_timeout` ends the service with an error,
/// so the daemon exits 1 and systemd restarts it. The section is read at start: a reload
/// that changes it says so and keeps the running worker.
final class FrontierMember: Service, Sendable {
    let settings: ScrapeConfiguration.Frontier
    private let drainTimeout: Duration
    private let worker: FrontierWorker
    private let store: FrontierStore
    private let logger: Logger

    /// - Throws: ``DaemonError/configuration(_:)`` when the URL's variable is unset or not a URL.
    init(
        settings: ScrapeConfiguration.Frontier, http: ScrapeConfiguration.HTTP, drainTimeout: Duration, environment: [String: String],
        metrics: DaemonMetrics, logger: Logger
    ) throws(DaemonError) {
        self.drainTimeout = drainTimeout
        let key = "daemon.frontier.database_url_env"
        guard let text = environment[settings.databaseURLEnvironment], !text.isEmpty else {
            throw .configuration(ConfigurationError(key: key, message: "the environment variable \(settings.databaseURLEnvironment) is not set (it holds the postgres:// URL)"))
        }
        var url: DatabaseURL
        do {
            // With password_env, that variable stands in for PGPASSWORD.
            url = try DatabaseURL(parsing: text, environment: settings.passwordEnvironment == nil ? environment : environment.filter { $0.key != "PGPASSWORD" })
        } catch {
            throw .configuration(ConfigurationError(key: key, message: "\(settings.databaseURLEnvironment): \(error)"))
        }
        if let name = settings.passwordEnvironment, url.password == nil {
            guard let password = environment[name] else {
                throw .configuration(ConfigurationError(key: "daemon.frontier.password_env", message: "the environment variable \(name) is not set"))
            }
            url.password = password
        }
        var database = FrontierDatabase.Configuration(url: url)
        database.unreachableTimeout = settings.unreachableTimeout
        database.unreachableTimeoutSetting = "daemon.frontier.unreachable_timeout"
        database.applicationName = "scrape-daemon"
        var quiet = logger
        quiet.logLevel = .critical  // PostgresNIO's own lines
        store = FrontierStore(
            database: FrontierDatabase(configuration: database, logger: quiet) { available, detail in
                if available {
                    logger.notice("frontier database reachable again", metadata: ["after": "\(detail)"])
                    metrics.frontier(.databaseBack(detail))
                } else {
                    logger.error("frontier database unreachable; pausing and reconnecting", metadata: ["error": "\(detail)"])
                    metrics.frontier(.databaseLost(detail))
                }
            },
            logger: quiet)
        var options = FrontierWorker.Options(workerID: settings.workerID ?? FrontierWorker.defaultWorkerID())
        options.jobs = settings.jobs
        options.concurrency = settings.concurrency
        options.lease = settings.lease
        options.http = http
        worker = FrontierWorker(options: options, store: store, logger: logger) { event in metrics.frontier(event) }
        self.settings = settings
        self.logger = logger
        metrics.frontierStarted()
    }

    func run() async throws {
        logger.info(
            "frontier worker starting",
            metadata: [
                "worker": "\(worker.options.workerID)", "database": "\(store.database.configuration.url)",
                "jobs": "\(settings.jobs.isEmpty ? "all" : settings.jobs.joined(separator: ","))", "concurrency": "\(settings.concurrency)",
            ])
        let running = Task { try await worker.run() }
        let result = await withGracefulShutdownHandler {
            await running.result
        } onGracefulShutdown: { [worker, drainTimeout] in
            worker.stop()
            // Fetches still going at the end of the drain are cancelled: their leases
            // expire and other workers take the URLs.
            Task {
                try? await Task.sleep(for: drainTimeout)
                running.cancel()
            }
        }
        await store.database.close()
        switch result {
        case .success(let summary):
            logger.info(
                "frontier worker stopped",
                metadata: ["recorded": "\(summary.completed)", "retries": "\(summary.retried)", "lease_losses": "\(summary.leaseLosses)"])
        case .failure(let error):
            logger.critical("frontier worker failed: \(error)")
            throw error
        }
    }
}
