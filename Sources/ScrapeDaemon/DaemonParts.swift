import Logging
import ScrapeCore

/// The daemon's parts, built and wired from a loaded config: what ``Daemon/run(_:logger:)``
/// starts as services, and what the in-process tests drive (the control server's router,
/// the job table, the inbox) without starting a process.
struct DaemonParts: Sendable {
    let paths: DaemonPaths
    /// Held for the daemon's life: no second daemon on this state directory.
    let stateLock: StateDirectoryLock
    let store: StateStore
    let engine: Engine
    let metrics: DaemonMetrics
    let drain: Drain
    let registry: RunRegistry
    let jobs: JobScheduler
    let inbox: Inbox
    let streams: StreamJobs
    /// `daemon.frontier`, when set.
    let frontier: FrontierMember?
    let control: ControlServer

    /// Creates the state and inbox folders, locks the state directory, loads the state
    /// file and starts curl's engine.
    ///
    /// - Parameter configDirectory: the folder relative `urls_file` paths resolve against.
    /// - Throws: ``DaemonError`` for the folders and the state file, `HTTPClientError` for the engine.
    init(
        configuration: DaemonConfiguration, configDirectory: String, environment: [String: String], notifier: SystemdNotifier,
        logger: Logger
    ) throws {
        let file = configuration.file
        paths = DaemonPaths(file.daemon, environment: environment)
        try paths.createDirectories(jobs: file.jobs)
        stateLock = try StateDirectoryLock(directory: paths.stateDirectory)
        store = try StateStore(path: paths.stateFile)
        engine = try Engine(http: file.http, daemon: file.daemon, notifier: notifier, logger: logger)
        metrics = DaemonMetrics()
        for (name, job) in store.snapshot.jobs { if let success = job.lastSuccess { metrics.restoreLastSuccess(name, at: success) } }
        drain = Drain()
        registry = RunRegistry { line in notifier.status(line) }
        let context = RunContext(engine: engine, metrics: metrics, registry: registry, drain: drain, paths: paths, logger: logger)
        jobs = JobScheduler(
            jobs: file.jobs, maxConcurrentRuns: file.daemon.maxConcurrentRuns, runner: JobRunner(context: context, store: store, configDirectory: configDirectory), store: store, logger: logger)
        inbox = Inbox(context: context)
        streams = StreamJobs(jobs: file.jobs, http: file.http, paths: paths, metrics: metrics, logger: logger)
        if let settings = file.daemon.frontier {
            frontier = try FrontierMember(
                settings: settings, http: file.http, drain: drain, environment: environment, metrics: metrics, logger: logger)
        } else {
            frontier = nil
        }
        control = ControlServer(
            engine: engine, jobs: jobs, inbox: inbox, streams: streams, metrics: metrics, registry: registry, paths: paths, drain: drain,
            token: BearerToken(configuration.token)
        )
    }
}
