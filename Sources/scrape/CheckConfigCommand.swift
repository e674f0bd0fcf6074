import ArgumentParser
import ScrapeCore
import ScrapeCrawl
import ScrapePages
import ScrapeHTTP

/// `scrape check-config FILE`: validates a config file and prints the effective settings.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a config file and print the settings it gives, defaults included."
    )

    @Argument(help: ArgumentHelp("The YAML config file.", valueName: "file"))
    var file: String

    func run() throws {
        let configuration: ScrapeConfiguration
        do {
            configuration = try ScrapeConfiguration(contentsOfFile: file)
            try configuration.extraction.check()
            for job in configuration.jobs {
                try job.extraction.check()
                if case .crawl(let crawl) = job.source { try CrawlSettings.check(crawl) }
            }
            if configuration.hasDaemonSection { _ = try configuration.validateForDaemon() }
        } catch {
            throw ValidationError("\(file): \(error)")
        }
        print("\(file): OK")
        print(Self.jobList(configuration.jobs))
        if !configuration.extraction.isEmpty { print(Self.extractionSummary(configuration.extraction)) }
        print(configuration.http.effectiveSettings)
        print(configuration.http.proxy.effectiveSettings(environment: ProxyEnvironment()))
        if let jobHTTP = configuration.jobHTTPSettings { print(jobHTTP) }
        print(configuration.daemon.effectiveSettings)
        if let schedules = configuration.daemonJobSettings { print(schedules) }
    }

    /// `fields: h1, links[] (metadata: true)`: what `scrape run --config` takes from pages.
    static func extractionSummary(_ extraction: ScrapeConfiguration.Extraction) -> String {
        let names = extraction.fields.isEmpty ? "none" : extraction.fields.map(\.name).joined(separator: ", ")
        return "fields: \(names) (metadata: \(extraction.metadata))"
    }

    /// `jobs: 4 (scrape: titles; crawl: docs; api: users, orders)`, or `jobs: none`.
    static func jobList(_ jobs: [ScrapeConfiguration.Job]) -> String {
        guard !jobs.isEmpty else { return "jobs: none" }
        var scrape: [String] = []
        var crawl: [String] = []
        var api: [String] = []
        var ws: [String] = []
        for job in jobs {
            switch job.source {
            case .scrape: scrape.append(job.name)
            case .crawl: crawl.append(job.name)
            case .api: api.append(job.name)
            case .stream: ws.append(job.name)
            }
        }
        let kinds = [("scrape", scrape), ("crawl", crawl), ("api", api), ("ws", ws)].filter { !$0.1.isEmpty }.map { "\($0.0): \($0.1.joined(separator: ", "))" }
        return "jobs: \(jobs.count) (\(kinds.joined(separator: "; ")))"
    }
}
