import ArgumentParser

/// `scrape frontier ...`: hands over to `scrape-nio frontier` by `execv`, as `scrape ws`
/// does: the PostgreSQL client runs on SwiftNIO, which this binary does not load.
/// Subcommands, options and help live there.
struct FrontierPassthroughCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontier",
        abstract: "Fleet mode: many workers share a crawl through PostgreSQL (init, add, work, status, export).",
        discussion: "Runs scrape-nio frontier (installed beside scrape) with these arguments; scrape frontier --help lists its commands."
    )

    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp("init|add|work|status|export --db URL ...", valueName: "command")
    )
    var arguments: [String] = []

    func run() throws {
        try DaemonCommand.execDaemonBinary(["frontier"] + arguments)
    }
}
