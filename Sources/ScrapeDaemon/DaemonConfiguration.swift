import ScrapeCore
import ScrapeCrawl
import ScrapePages

/// The config file as the daemon needs it: parsed and validated by ScrapeCore, with the
/// rules only a service has (``ScrapeConfiguration/validateForDaemon()``), every `scrape:`
/// and `crawl:` job's fields compiled and every `crawl:` job's seeds, scope, patterns and
/// follow selector (a bad one fails the start or the reload, not each run), and the token.
struct DaemonConfiguration: Sendable {
    let file: ScrapeConfiguration
    /// The bearer token read from `daemon.token_file`, when set.
    let token: String?

    /// Reads and checks `path`.
    ///
    /// - Throws: ``DaemonError/configuration(_:)`` naming the key.
    static func load(path: String) throws(DaemonError) -> DaemonConfiguration {
        do {
            let file = try ScrapeConfiguration(contentsOfFile: path)
            for job in file.jobs {
                try job.extraction.check()
                if case .crawl(let crawl) = job.source { try CrawlSettings.check(crawl) }
            }
            return DaemonConfiguration(file: file, token: try file.validateForDaemon())
        } catch {
            throw .configuration(error)
        }
    }
}
