import Foundation
import ScrapeTestSupport
import Testing

/// Issue 24: messages a user can act on, from the binaries as a user runs them.
@Suite(.timeLimit(.minutes(1)))
struct UserMessageTests {
    static let binary = ChildProcess.builtProduct("scrape")

    private func scrape(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess(Self.binary, arguments, stdinPath: "/dev/null").wait()
    }

    /// `scrape daemon` execs `scrape-nio`; its help must be the daemon command's, with
    /// its options, not the other binary's list of subcommands.
    @Test func daemonHelpListsTheDaemonsOptions() async throws {
        let help = try await scrape(["daemon", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: scrape daemon"), "\(help.stdout)")
        for option in ["--config <file>", "--log-format <format>", "--log-level <level>"] {
            #expect(help.stdout.contains(option), "\(option) in \(help.stdout)")
        }
    }

    static let missing = "/nonexistent/issue-24/scrape.yaml"

    /// Every command that reads a config file names a missing one once.
    @Test(arguments: [
        ["run", "-", "--config", missing], ["api", missing, "--all"], ["ws", "ws://127.0.0.1:1/", "--config", missing],
        ["daemon", "--config", missing], ["check-config", missing],
    ])
    func aMissingConfigFileIsNamedOnce(arguments: [String]) async throws {
        let result = try await scrape(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(Self.missing): cannot read the config file: No such file or directory"), "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: Self.missing).count - 1 == 1, "\(result.stderr)")
    }

    /// Port 1 (tcpmux) has no listener here.
    @Test func aRefusedWebSocketConnectionSaysConnectionRefused() async throws {
        let result = try await scrape(["ws", "ws://127.0.0.1:1/", "--no-reconnect", "-q"])
        #expect(result.status == 1)
        #expect(result.stderr == "scrape ws: cannot connect: 127.0.0.1:1: connection refused\n")
    }

    /// The HTTP engine says it the same way, in the record's `error.message`.
    @Test func aRefusedHTTPConnectionSaysConnectionRefused() async throws {
        let input = try TemporaryFiles.urlList(["http://127.0.0.1:1/"])
        defer { unlink(input) }
        let result = try await scrape([input, "--ignore-robots", "--retries", "0", "--quiet"])
        let error = try TemporaryFiles.records(result.stdout).first?["error"] as? [String: Any]
        #expect(error?["kind"] as? String == "connect")
        let message = error?["message"] as? String ?? ""
        #expect(message.hasPrefix("Failed to connect to 127.0.0.1 port 1 after ") && message.hasSuffix(" ms: connection refused"), "\(message)")
    }
}
