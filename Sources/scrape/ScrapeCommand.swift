import ArgumentParser
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
            scrape api api.yaml --job users     every page of an API job, one JSON line per record
            scrape check-config scrape.yaml     validate a config file, print the settings
            scrape daemon --config scrape.yaml  the long-running service (see systemd/scrape.service)
            """,
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
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Glibc.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            Terminal.error(fullMessage(for: error))
            Glibc.exit(Status.usage)
        }
    }
}

/// Writes to stderr (fd 2) without touching Glibc's `stderr` global, which Swift 6 rejects.
enum Terminal {
    static func error(_ message: String) {
        write(message.hasSuffix("\n") ? message : message + "\n")
    }

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}
