import ArgumentParser

/// `scrape ws URL ...`: hands over to `scrape-nio ws` by `execv`, as `scrape daemon`
/// does: the WebSocket client runs on SwiftNIO, which this binary does not load (so
/// one-shot runs keep their start-up and memory). Options and help live there.
struct StreamPassthroughCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ws",
        abstract: "Record a WebSocket stream as JSON Lines, reconnecting after failures.",
        discussion: "Runs scrape-nio ws (installed beside scrape) with these arguments; scrape ws --help lists its options."
    )

    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp("URL [-o FILE] [--send TEXT]... [--max-messages N] [--duration D] ...", valueName: "options")
    )
    var arguments: [String] = []

    func run() throws {
        try DaemonCommand.execDaemonBinary(["ws"] + arguments)
    }
}
