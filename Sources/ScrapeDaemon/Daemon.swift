import Glibc
public import Logging
import ScrapeBase
import ScrapeCore
import ScrapeHTTP
import ServiceLifecycle
import UnixSignals
import Synchronization

/// `scrape daemon --config FILE`: one process, five services in one `ServiceGroup`
/// (engine, control server, job scheduler, inbox, `ws:` streams), and a sixth with
/// `daemon.frontier` (the fleet worker), under systemd or in a terminal.
///
/// Signals are the daemon's own (not the group's), because each means more than "stop":
/// - SIGHUP re-reads the config; an invalid one is logged (key and reason) and the old
///   one kept; a valid one applies new jobs, schedules, rates and token at once, while
///   runs in flight finish on the settings they started with.
/// - SIGTERM/SIGINT start the drain: nothing new is claimed, in-flight transfers may
///   finish until `daemon.drain_timeout`, the rest are cancelled (and redone on the next
///   start), outputs are flushed and fsynced, state is saved, and the exit status is 0.
///   A second signal cuts the drain short.
///
/// The state directory is locked first (one daemon per state directory), and jobs, the
/// inbox, streams and the frontier worker start only once the control address is bound.
///
/// Services shut down in reverse order: the frontier worker (its fetches in hand recorded),
/// streams (closed with 1001), inbox and jobs first
/// (they drain), then the control server, then the engine, so runs keep their client
/// until they end.
public enum Daemon {
    /// What `scrape-nio --version` prints: `scrape 1.0 (libcurl 7.88.1)`.
    public static var versionDescription: String { ScrapeVersion.description(curl: HTTPClient.curlVersion) }

    /// How the daemon was started.
    public struct Options: Sendable {
        public var configPath: String
        public var environment: [String: String]

        public init(configPath: String, environment: [String: String]) {
            self.configPath = configPath
            self.environment = environment
        }
    }

    /// Exit statuses: 0 stopped cleanly; 1 could not run (state dir, port, engine);
    /// 2 the config file is invalid.
    public static func run(_ options: Options, logger: Logger) async -> Int32 {
        let configuration: DaemonConfiguration
        do {
            configuration = try DaemonConfiguration.load(path: options.configPath)
        } catch {
            logger.critical("invalid config file \(options.configPath): \(error)")
            return 2
        }
        let file = configuration.file
        let notifier = SystemdNotifier(environment: options.environment)
        let parts: DaemonParts
        do {
            parts = try DaemonParts(
                configuration: configuration, configDirectory: Self.directory(of: options.configPath), environment: options.environment,
                notifier: notifier, logger: logger)
        } catch {
            logger.critical("cannot start: \(error)")
            return 1
        }
        logger.info("proxies", metadata: ["settings": "\(file.http.proxy.summary(environment: ProxyEnvironment(options.environment)))"])
        let (paths, engine, jobs, inbox, streams, control, drain) = (parts.paths, parts.engine, parts.jobs, parts.inbox, parts.streams, parts.control, parts.drain)
        let listening = Atomic<Int>(0)
        let gate = ListeningGate()
        let application = control.makeApplication(listen: file.daemon.listen, logger: logger) { port in
            listening.store(port, ordering: .relaxed)
            gate.open()
            let address = ScrapeConfiguration.ListenAddress(host: file.daemon.listen.host, port: port)
            logger.info("listening", metadata: ["address": "\(address)", "jobs": "\(file.jobs.count)", "inbox": "\(paths.inbox)"])
            notifier.ready(status: "listening on \(address); \(file.jobs.count) jobs; inbox \(paths.inbox)")
        }
        // A service that returns on its own shuts the others down gracefully (runs finish and
        // save their state); one that fails (a port in use) cancels the group: exit 1 at once,
        // and any run it cut short is resumed on the next start.
        // Work starts only once the control address is bound (ListeningGate).
        let work: [any Service] = [jobs, inbox, streams] + (parts.frontier.map { [$0] } ?? [])
        let services: [any Service] = [engine, ControlListener(application: application, address: file.daemon.listen, gate: gate)]
            + work.map { AfterListening(gate: gate, service: $0) }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
                logger: logger
            )
        )

        let reloader = Reloader(
            configPath: options.configPath, current: configuration, paths: paths, engine: engine, jobs: jobs, streams: streams, token: control,
            notifier: notifier, logger: logger, listening: { listening.load(ordering: .relaxed) }
        )
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigterm, .sigint)
        let failed = await withTaskGroup(of: Bool?.self) { tasks -> Bool in
            tasks.addTask {
                do {
                    try await group.run()
                    return false
                } catch let error as DaemonError {
                    logger.critical("cannot start: \(error)")
                    return true
                } catch {
                    logger.critical("stopped on an error: \(error)")
                    return true
                }
            }
            tasks.addTask {
                for await signal in signals {
                    if signal == .sighup {
                        await reloader.reload()
                        continue
                    }
                    let first = !drain.isDraining
                    let timeout = await reloader.drainTimeout
                    drain.begin(timeout: timeout)
                    if first {
                        logger.info("stopping: draining in-flight work", metadata: ["signal": "\(signal == .sigterm ? "SIGTERM" : "SIGINT")", "drain_timeout": "\(timeout.configDescription)"])
                        notifier.stopping(status: "draining (up to \(timeout.configDescription))")
                        await group.triggerGracefulShutdown()
                    } else {
                        logger.warning("second signal: cancelling in-flight work now")
                    }
                }
                return nil
            }
            let result = await tasks.next() ?? nil
            tasks.cancelAll()
            return result ?? true
        }
        // The state directory's lock is held until here: an optimised build may otherwise
        // release `parts` (and the lock) after its last use, while the daemon still runs.
        withExtendedLifetime(parts.stateLock) {}
        if !drain.isDraining { notifier.stopping(status: "stopping") }
        logger.info("stopped")
        return failed ? 1 : 0
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return currentDirectory() }
        let folder = String(path[..<slash])
        if folder.isEmpty { return "/" }
        return folder.hasPrefix("/") ? folder : currentDirectory() + "/" + folder
    }

    private static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
