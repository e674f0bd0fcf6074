import ScrapeBase
import Logging
import ScrapeCore
import Synchronization

/// SIGHUP: re-read the config file and apply what can change while running.
///
/// Jobs, schedules, `ws:` jobs (only changed ones reconnect), `http:` (rates, limits, timeouts: a new client for new runs) and the
/// token apply at once. `daemon.listen`, `state_dir` and `inbox` need a restart; a change
/// to them is logged and ignored. An invalid file changes nothing: the error names the
/// key, and the daemon keeps running on what it had.
actor Reloader {
    private let configPath: String
    private var current: DaemonConfiguration
    private let paths: DaemonPaths
    private let engine: Engine
    private let jobs: JobScheduler
    private let streams: StreamJobs
    private let control: ControlServer
    private let notifier: SystemdNotifier
    private let logger: Logger
    private let listening: @Sendable () -> Int

    init(
        configPath: String, current: DaemonConfiguration, paths: DaemonPaths, engine: Engine, jobs: JobScheduler, streams: StreamJobs, token control: ControlServer,
        notifier: SystemdNotifier, logger: Logger, listening: @escaping @Sendable () -> Int
    ) {
        self.configPath = configPath
        self.current = current
        self.paths = paths
        self.engine = engine
        self.jobs = jobs
        self.streams = streams
        self.control = control
        self.notifier = notifier
        self.logger = logger
        self.listening = listening
    }

    /// `daemon.drain_timeout` of the configuration in force (a reload may change it).
    var drainTimeout: Duration { current.file.daemon.drainTimeout }

    func reload() async {
        let started = ContinuousClock.now
        notifier.reloading()
        logger.info("reloading the config file", metadata: ["path": "\(configPath)"])
        do {
            let loaded = try DaemonConfiguration.load(path: configPath)
            if loaded.file.jobs.isEmpty, !current.file.jobs.isEmpty, !loaded.file.hasJobsSection {
                throw DaemonError.configuration(ConfigurationError(
                    key: "jobs",
                    message: "the file has no jobs: key, which would stop all \(current.file.jobs.count) running jobs (a half-saved edit?); write `jobs: []` to remove them all"))
            }
            let old = current.file.daemon
            let new = loaded.file.daemon
            if new.listen != old.listen || new.stateDirectory != old.stateDirectory || new.inbox != old.inbox {
                logger.warning("daemon.listen, daemon.state_dir and daemon.inbox changes take effect on restart; kept the running ones")
            }
            if new.frontier != old.frontier {
                logger.warning("daemon.frontier changes take effect on restart; the running frontier worker goes on as it was")
            }
            try paths.createDirectories(jobs: loaded.file.jobs)
            do {
                try await engine.apply(loaded.file.http, daemon: new)
            } catch {
                throw DaemonError.configuration(ConfigurationError(key: "http", message: "cannot start an HTTP client with these settings: \(error)"))
            }
            jobs.apply(loaded.file.jobs, maxConcurrentRuns: new.maxConcurrentRuns)
            await streams.apply(loaded.file.jobs, http: loaded.file.http)
            control.token.value = loaded.token
            current = loaded
            let took = ContinuousClock.now - started
            logger.info("reloaded", metadata: ["jobs": "\(loaded.file.jobs.count)", "took_ms": "\(took.inMilliseconds)"])
        } catch {
            logger.error("reload failed; still running on the previous configuration", metadata: ["error": "\(error)"])
        }
        let address = ScrapeConfiguration.ListenAddress(host: current.file.daemon.listen.host, port: listening())
        notifier.ready(status: "listening on \(address); \(current.file.jobs.count) jobs; inbox \(paths.inbox)")
    }
}
