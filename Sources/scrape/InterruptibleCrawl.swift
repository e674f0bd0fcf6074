import CommandSupport
import ScrapeCore
import ScrapeCrawl
import ScrapePages

/// Runs a ``CrawlRun`` under signal handling, as ``InterruptibleRun`` runs `scrape run`,
/// and turns its end into the same exit statuses: 0, 1 (the output or the state cannot be
/// written), 2 (usage; a state file that may not be used), 130/143, 141.
struct InterruptibleCrawl {
    let options: CrawlRun.Options
    let quiet: Bool

    func execute() async -> Int32 {
        var run = CrawlRun(options: options)
        let progress = !quiet && TerminalProgress.isAvailable(recordsOnStdout: options.output == "-") ? TerminalProgress() : nil
        if let progress { run.onProgress = { summary, inFlight in progress.update(summary, inFlight: inFlight) } }
        if !quiet {
            run.onNotice = { notice in
                progress?.finish()
                Terminal.error("scrape: \(notice)")
            }
        }
        let finalRun = run
        let (result, signal) = await StopSignals.cancelling { () async -> Result<CrawlSummary, CrawlRun.Failure> in
            do throws(CrawlRun.Failure) {
                return .success(try await finalRun.run())
            } catch {
                return .failure(error)
            }
        }
        progress?.finish()

        switch result {
        case .success(let summary):
            if !quiet { Terminal.write(summary.report) }
            if signal != 0 { return 128 + signal }
            return 0
        case .failure(.output(let error)) where error.kind == .closedPipe:
            return ScrapeCommand.Status.closedPipe
        case .failure(let failure):
            Terminal.error("scrape: \(failure)")
            switch failure {
            case .output(let error) where error.kind == .write: return ScrapeCommand.Status.outputFailed
            case .state: return ScrapeCommand.Status.outputFailed
            default: return ScrapeCommand.Status.usage
            }
        }
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
