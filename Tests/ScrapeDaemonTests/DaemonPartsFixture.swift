import Foundation
import Logging
import ScrapeCore
import ScrapeHTTP
import ScrapeTestSupport

@testable import ScrapeDaemon

/// The daemon's parts built in process on a config in a fresh folder, for tests that drive
/// them without starting `scrape daemon`.
enum DaemonPartsFixture {
    static let token = "router-test-token-0123456789"

    /// Builds the parts (jobs `manual` and `hourly`; a token file unless `token` is false),
    /// runs `body` with them and the folder, then shuts the engine down and removes it all.
    static func with(token: Bool = true, _ body: (DaemonParts, String) async throws -> Void) async throws {
        try await TemporaryFiles.withDirectory { folder in try await with(folder: folder, token: token, body) }
    }

    private static func with(folder: String, token: Bool, _ body: (DaemonParts, String) async throws -> Void) async throws {
        try Self.token.write(toFile: "\(folder)/token", atomically: true, encoding: .utf8)
        try "http://127.0.0.1:9/\n".write(toFile: "\(folder)/urls.txt", atomically: true, encoding: .utf8)
        let yaml = """
            jobs:
              - {name: manual, scrape: {urls_file: urls.txt}}
              - {name: hourly, scrape: {urls_file: urls.txt}, every: 1h}
            daemon:
              listen: 127.0.0.1:0
              state_dir: \(folder)/state
            \(token ? "  token_file: \(folder)/token" : "")
            """
        try yaml.write(toFile: "\(folder)/scrape.yaml", atomically: true, encoding: .utf8)
        let parts = try DaemonParts(
            configuration: try DaemonConfiguration.load(path: "\(folder)/scrape.yaml"), configDirectory: folder, environment: [:],
            notifier: SystemdNotifier(environment: [:]), logger: Logger(label: "test"))
        do {
            try await body(parts, folder)
        } catch {
            await parts.engine.lease().client.shutdown()
            throw error
        }
        await parts.engine.lease().client.shutdown()
    }
}
