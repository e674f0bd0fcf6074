import ScrapeBase
import ArgumentParser
import CommandSupport
import ScrapeHTTP
import Glibc

/// `scrape`: the command line. Argument parsing only; the work is in ScrapeCore.
@main
struct ScrapeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrape",
        abstract: "Fetch web pages and APIs fast, politely, and without losing a line.",
        discussion: """
            scrape urls.txt -o titles.jsonl     fetch every URL, one JSON line per URL with its title
            scrape - < urls.txt                 read the list from stdin, write records to stdout
            scrape urls.txt --field 'h1=h1' --field 'links[]=a::url(href)'
                                                add fields taken by CSS or XPath (xpath:EXPR) to each record
            scrape crawl https://site.example/ -o pages.jsonl
                                                follow links from seeds: one JSON line per page in scope
            scrape extract page.html --field 'price=.price::text'
                                                the same extraction on saved files, no network
            scrape api api.yaml --job users     every page of an API job, one JSON line per record
            scrape ws wss://host/feed           record a WebSocket stream, one JSON line per message
            scrape frontier work --db URL       a fleet worker: share a crawl through PostgreSQL
            scrape check-config scrape.yaml     validate a config file, print the settings
            scrape daemon --config scrape.yaml  the long-running service (see systemd/scrape.service)
            """,
        version: ScrapeVersion.description(curl: HTTPClient.curlVersion),
        subcommands: [RunCommand.self, CrawlCommand.self, ExtractCommand.self, APICommand.self, StreamPassthroughCommand.self, FrontierPassthroughCommand.self, CheckConfigCommand.self, DaemonCommand.self],
        defaultSubcommand: RunCommand.self
    )

    /// Exit statuses: 0 every URL has its record; 1 the output cannot be written;
    /// 2 usage, input or config errors, or an output that may not be written (the input
    /// file, a file another run holds, `--resume` on a file that is not ours); 130/143
    /// interrupted by SIGINT/SIGTERM; 141 the reader of stdout went away (as SIGPIPE).
    enum Status {
        static let outputFailed: Int32 = 1
        static let usage: Int32 = 2
        static let closedPipe: Int32 = 128 + 13
    }

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if Self.isHelpOfPassthrough(arguments) {
            // execv returns only when it fails, having said why.
            do { try DaemonCommand.execDaemonBinary(arguments) } catch { Glibc.exit(Status.outputFailed) }
        }
        await runAsMain(arguments: Self.expandingBareOptions(arguments), usageStatus: Status.usage)
    }

    /// `scrape help frontier add`, `scrape help ws`: the commands behind `frontier` and
    /// `ws` live in scrape-nio, whose own `help` knows them (this binary knows only the
    /// passthrough, and would show its help, or refuse `add`).
    static func isHelpOfPassthrough(_ arguments: [String]) -> Bool {
        arguments.count >= 2 && arguments[0] == "help"
            && [FrontierPassthroughCommand._commandName, StreamPassthroughCommand._commandName].contains(arguments[1])
    }

    /// `--retry-failed` takes an optional value (`--retry-failed=timeout,503`), which
    /// ArgumentParser has no form for: a bare one becomes `--retry-failed=default`.
    static func expandingBareOptions(_ arguments: [String]) -> [String] {
        var expanded: [String] = []
        for argument in arguments {
            if argument == "--" {
                expanded.append(contentsOf: arguments[(expanded.count)...])
                return expanded
            }
            expanded.append(argument == "--retry-failed" ? "--retry-failed=default" : argument)
        }
        return expanded
    }
}
