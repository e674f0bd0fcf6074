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

    /// `scrape daemon` execs `scrape-daemon`; its help must be the daemon command's, with
    /// its options, not the other binary's list of subcommands.
    @Test func daemonHelpListsTheDaemonsOptions() async throws {
        let help = try await scrape(["daemon", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: scrape daemon"), "\(help.stdout)")
        for option in ["--config <file>", "--log-format <format>", "--log-level <level>"] {
            #expect(help.stdout.contains(option), "\(option) in \(help.stdout)")
        }
    }
}
