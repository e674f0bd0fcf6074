import ArgumentParser
import CommandSupport
import Foundation
import Logging
import ScrapeDaemon

/// `scrape-nio`: the half of scrape that runs on SwiftNIO, named for it. `scrape daemon`
/// execs it for the long-running service, `scrape ws` for a WebSocket stream, `scrape
/// frontier` for fleet mode (on postgres-nio); users never run it by name.
///
/// A binary of its own so that one-shot `scrape` runs do not load Hummingbird, SwiftNIO
/// and Prometheus: linked into `scrape`, they cost every run memory (relocations and
/// metadata of code it never calls) and start-up time (docs/benchmarks.md, "Measured choices").
@main
struct NIOMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrape",
        abstract: "The daemon, WebSocket streams and fleet mode (run through scrape daemon, scrape ws and scrape frontier).",
        version: Daemon.versionDescription,
        subcommands: [DaemonMain.self, StreamCommand.self, FrontierCommand.self],
        defaultSubcommand: DaemonMain.self
    )

    /// Exit statuses as `scrape`'s: 2 for usage errors (ArgumentParser's default is 64).
    static func main() async {
        await runAsMain(usageStatus: 2)
    }
}
