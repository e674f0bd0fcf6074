import Foundation
import ScrapeCore

/// The config file as the daemon needs it: parsed and validated by ScrapeCore, plus the
/// rules only a service has (no stdin or stdout, a readable token), and the token itself.
struct DaemonConfiguration: Sendable {
    let file: ScrapeConfiguration
    /// The bearer token read from `daemon.token_file`, when set.
    let token: String?

    /// Reads and checks `path`.
    ///
    /// - Throws: ``DaemonError/configuration(_:)`` naming the key.
    static func load(path: String) throws(DaemonError) -> DaemonConfiguration {
        let file: ScrapeConfiguration
        do {
            file = try ScrapeConfiguration(contentsOfFile: path)
        } catch {
            throw .configuration(error)
        }
        for (index, job) in file.jobs.enumerated() {
            if job.output == "-" {
                throw .configuration(ConfigurationError(key: "jobs[\(index)].output", message: "\"-\" (stdout) cannot be used by the daemon; give a file (relative paths are under daemon.state_dir)"))
            }
            if case .scrape(let urlsFile) = job.source, urlsFile == "-" {
                throw .configuration(ConfigurationError(key: "jobs[\(index)].scrape.urls_file", message: "\"-\" (stdin) cannot be used by the daemon; give a file"))
            }
        }
        var token: String?
        if let tokenFile = file.daemon.tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw .configuration(ConfigurationError(key: "daemon.token_file", message: "cannot read \(tokenFile)"))
            }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.count >= 16 else {
                throw .configuration(ConfigurationError(key: "daemon.token_file", message: "\(tokenFile) must hold a token of at least 16 characters (try: openssl rand -hex 32)"))
            }
            token = text
        }
        return DaemonConfiguration(file: file, token: token)
    }
}
