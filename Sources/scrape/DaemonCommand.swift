import ScrapeBase
import CommandSupport
import ArgumentParser
import Glibc

/// `scrape daemon --config FILE`: hands over to `scrape-nio`, installed beside this
/// binary, by `execv` (same process id, so systemd's `MAINPID` and the notify socket stay
/// right). Its arguments pass through untouched, after `daemon`; `scrape-nio` parses
/// them, so the options and their help are declared once, there.
struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run jobs on schedules, scrape lists dropped in an inbox, serve health and metrics.",
        discussion: "Runs scrape-nio (installed beside scrape) with these arguments; scrape daemon --help lists its options."
    )

    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp("--config FILE [--log-format plain|json] [--log-level LEVEL]", valueName: "options")
    )
    var arguments: [String] = []

    func run() throws {
        // Named, not left to scrape-nio's default subcommand: `scrape-nio --help` is
        // the help of the binary (its list of subcommands), `scrape-nio daemon --help`
        // the daemon's options, which is what `scrape daemon --help` asks for.
        try Self.execDaemonBinary(["daemon"] + arguments)
    }

    /// Replaces this process with `scrape-nio ARGUMENTS`; returns only by throwing.
    static func execDaemonBinary(_ arguments: [String]) throws -> Never {
        let path = Self.siblingPath("scrape-nio")
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        let reason = SystemCall.errorMessage()
        Terminal.error("scrape: cannot start \(path): \(reason) (make install puts scrape-nio beside scrape)")
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
