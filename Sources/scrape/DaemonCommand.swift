import ArgumentParser
import Glibc

/// `scrape daemon --config FILE`: hands over to `scrape-daemon`, installed beside this
/// binary, by `execv` (same process id, so systemd's `MAINPID` and the notify socket stay
/// right). The options are declared here too, so `scrape daemon --help` and mistakes in
/// them are answered without the hand-over.
struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run jobs on schedules, scrape lists dropped in an inbox, serve health and metrics.",
        discussion: """
            Reads jobs: (with every: and at_start:) and daemon: from the config file. \
            SIGHUP reloads the file (an invalid one is refused and the old one kept); \
            SIGTERM drains in-flight work for daemon.drain_timeout and exits 0. \
            Under systemd it speaks the notify protocol (READY, STATUS, WATCHDOG, RELOADING, STOPPING). \
            Control server: GET /healthz /metrics /jobs /runs/ID, POST /jobs/NAME/run /scrape. \
            The service is the scrape-daemon binary beside this one.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The YAML config file.", valueName: "file"))
    var config: String

    @Option(name: .long, help: ArgumentHelp("Log line format: plain (journald adds timestamps) or json.", valueName: "format"))
    var logFormat = "plain"

    @Option(name: .long, help: ArgumentHelp("Least severe log level shown: trace, debug, info, notice, warning, error.", valueName: "level"))
    var logLevel = "info"

    func validate() throws {
        guard ["plain", "json"].contains(logFormat) else {
            throw ValidationError("--log-format: expected plain or json, got \"\(logFormat)\"")
        }
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) else {
            throw ValidationError("--log-level: expected trace, debug, info, notice, warning, error or critical, got \"\(logLevel)\"")
        }
    }

    func run() throws {
        let path = Self.siblingPath("scrape-daemon")
        let arguments = [path, "--config", config, "--log-format", logFormat, "--log-level", logLevel]
        let argv = arguments.map { strdup($0) } + [nil]
        execv(path, argv)
        let reason = String(cString: strerror(errno))
        Terminal.error("scrape: cannot start \(path): \(reason) (make install puts scrape-daemon beside scrape)")
        throw ExitCode(ScrapeCommand.Status.outputFailed)
    }

    /// `NAME` in the folder of the running executable (`/proc/self/exe`, symlinks resolved).
    static func siblingPath(_ name: String) -> String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.withUnsafeMutableBufferPointer { bytes in
            bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { readlink("/proc/self/exe", $0, bytes.count - 1) }
        }
        guard count > 0 else { return name }
        let executable = String(decoding: buffer[0..<count], as: UTF8.self)
        guard let slash = executable.lastIndex(of: "/") else { return name }
        return String(executable[...slash]) + name
    }
}
