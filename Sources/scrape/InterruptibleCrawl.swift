import ScrapeCore
import ScrapeCrawl
import ScrapePages

/// Runs a ``CrawlRun`` under signal handling (``Interruptible``), as ``InterruptibleRun``
/// runs `scrape run`, with the same exit statuses: 0, 1 (the output or the state cannot
/// be written), 2 (usage; a state file that may not be used), 130/143, 141.
struct InterruptibleCrawl {
    let options: CrawlRun.Options
    let quiet: Bool

    func execute() async -> Int32 {
        await Interruptible<CrawlSummary, CrawlRun.Failure>(recordsOnStdout: options.output == "-", quiet: quiet).execute(
            { hooks in
                var run = CrawlRun(options: options)
                run.onProgress = hooks.onProgress
                run.onNotice = hooks.onNotice
                let prepared = run
                return { () async throws(CrawlRun.Failure) -> CrawlSummary in try await prepared.run() }
            },
            report: \.report,
            status: { failure in
                switch failure {
                case .output(let error) where error.kind == .closedPipe: ScrapeCommand.Status.closedPipe
                case .output(let error) where error.kind == .write: ScrapeCommand.Status.outputFailed
                case .state: ScrapeCommand.Status.outputFailed
                case .login(let error, _) where !error.isConfiguration: ScrapeCommand.Status.outputFailed
                default: ScrapeCommand.Status.usage
                }
            })
    }
}

extension CrawlSummary {
    /// `scrape run`'s summary, then the links' counts and what is left.
    var report: String {
        var text = run.report
        text += "  \(links.line)\n"
        if sitemapFiles > 0 || sitemapURLs > 0 {
            text += "  sitemaps: \(sitemapFiles) files read, \(sitemapURLs) URLs added as seeds\n"
        }
        if requeued > 0 {
            text += "  resumed: \(requeued) URLs the state had as recorded had no record in the output; they were fetched again\n"
        }
        if unfinished > 0, !run.interrupted {
            text += "  unfinished: \(unfinished) URLs still queued\n"
        }
        return text
    }
}
