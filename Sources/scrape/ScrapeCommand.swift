import ArgumentParser
import CommandSupport
import ScrapeHTTP

/// `scrape`: the command line. Argument parsing only; the work is in ScrapeCore.
@main
struct ScrapeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrape",
        abstract: "Fetch web pages and APIs fast, politely, and without losing a line.",
        discussion: """
            scrape urls.txt -o titles.jsonl     fetch every URL, one JSON line per URL with its title
            scrape - < urls.txt                 read the list from stdin, write records to stdout
            scrape api api.yaml --job users     every page of an API job, one JSON line per record
            scrape check-config scrape.yaml     validate a config file, print the settings
            scrape daemon --config scrape.yaml  the long-running service (see systemd/scrape.service)
            """,
        version: ScrapeVersion.description,
        subcommands: [RunCommand.self, APICommand.self, CheckConfigCommand.self, DaemonCommand.self],
        defaultSubcommand: RunCommand.self
    )

    /// Exit statuses: 0 every URL has its record; 1 the output cannot be written;
    /// 2 usage, input or config errors; 130/143 interrupted by SIGINT/SIGTERM.
    enum Status {
        static let outputFailed: Int32 = 1
        static let usage: Int32 = 2
    }

    static func main() async {
        await runAsMain(usageStatus: Status.usage)
    }
}
