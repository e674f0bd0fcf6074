import Logging
import ScrapeBase
import ScrapeCore
import ScrapeFrontier
import ServiceLifecycle

/// `daemon.frontier`: the daemon as a fleet member, working the frontier's jobs
/// continuously with a ``FrontierWorker`` (docs/frontier.md), its counts in `/metrics`.
///
/// It drains as the daemon's runs do, on the daemon's ``Drain``: SIGTERM stops claiming;
/// fetches in hand finish and are recorded until the drain's deadline (`drain_timeout` as
/// the config holds it at the signal, so a reload's value counts; a second signal makes
/// it now), then the rest are cancelled and their leases expire for other workers to
/// take. A database unreachable for `unreachable_timeout` ends the service with an error,
/// so the daemon exits 1 and systemd restarts it. The section itself is read at start: a
/// reload that changes it says so and keeps the running worker.
final class FrontierMember: Service, Sendable {
    let settings: ScrapeConfiguration.Frontier
    private let drain: Drain
    private let worker: FrontierWorker
    private let store: FrontierStore
    private let logger: Logger

    /// - Throws: ``DaemonError/configuration(_:)`` naming `daemon.frontier.database_url_env`
    ///   or `password_env` when the URL or the password cannot be had from `environment`.
    init(
        settings: ScrapeConfiguration.Frontier, http: ScrapeConfiguration.HTTP, drain: Drain, environment: [String: String],
        metrics: DaemonMetrics, logger: Logger
    ) throws(DaemonError) {
        var database: FrontierDatabase.Configuration
        do throws(DatabaseSource.Problem) {
            database = FrontierDatabase.Configuration(url: try DatabaseSource(settings: settings).resolve(in: environment))
        } catch {
            throw .configuration(error.configurationError(section: "daemon.frontier"))
        }
        database.unreachableTimeout = settings.unreachableTimeout
        database.unreachableTimeoutSetting = "daemon.frontier.unreachable_timeout"
        database.applicationName = "scrape-nio"
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
        worker = FrontierWorker(options: FrontierWorker.Options(settings: settings, http: http), store: store, logger: logger) { event in
            metrics.frontier(event)
        }
        self.settings = settings
        self.drain = drain
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
        let result = await withGracefulShutdownHandler {
            await drain.cancellingAtDeadline { [worker] () async -> Result<FrontierWorker.Summary, FrontierError> in
                do throws(FrontierError) {
                    return .success(try await worker.run())
                } catch {
                    return .failure(error)
                }
            }
        } onGracefulShutdown: { [worker] in
            worker.stop()
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
