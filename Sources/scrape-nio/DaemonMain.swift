import ArgumentParser
import CommandSupport
import Foundation
import Logging
import ScrapeDaemon

/// `scrape daemon --config FILE`: the long-running service (systemd `Type=notify`).
struct DaemonMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run jobs on schedules, scrape lists dropped in an inbox, serve health and metrics.",
        discussion: """
            Reads jobs: (with every:, at_start:, priority: and overlap:) and daemon: from the config file. \
            SIGHUP reloads the file (an invalid one is refused and the old one kept); \
            SIGTERM drains in-flight work for daemon.drain_timeout and exits 0. \
            Under systemd it speaks the notify protocol (READY, STATUS, WATCHDOG, RELOADING, STOPPING). \
            Control server: GET /healthz /metrics /jobs /runs/ID, POST /jobs/NAME/run /scrape.
            """,
        version: Daemon.versionDescription
    )

    @Option(name: .long, help: ArgumentHelp("The YAML config file.", valueName: "file"))
    var config: String

    @Option(name: .long, help: ArgumentHelp("Log line format: plain (journald adds timestamps) or json.", valueName: "format"))
    var logFormat = "plain"

    @Option(name: .long, help: ArgumentHelp("Least severe log level shown: trace, debug, info, notice, warning, error.", valueName: "level"))
    var logLevel = "info"

    func validate() throws {
        if DaemonLogHandler.Format(rawValue: logFormat) == nil {
            throw ValidationError("--log-format: expected plain or json, got \"\(logFormat)\"")
        }
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level: expected trace, debug, info, notice, warning, error or critical, got \"\(logLevel)\"")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let format = DaemonLogHandler.Format(rawValue: logFormat) ?? .plain
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = DaemonLogHandler(label: label, format: format, environment: environment)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "scrape.daemon")
        let status = await Daemon.run(.init(configPath: config, environment: environment), logger: logger)
        throw ExitCode(status)
    }
}
