import Logging
import ScrapeCore
import ScrapeCrawl
import ScrapePages

/// A `crawl:` job's run: `scrape crawl` on the daemon's engine, its records appended to
/// the job's output, its state in `state_dir/crawls/JOB.state`.
///
/// Each run is a fresh crawl, unless one is to be continued:
/// - a run the last process left unfinished (killed, or drained at SIGTERM) goes on with
///   its crawl: the state says what is queued, and the output's records from where that
///   crawl began (`DaemonState.Job.crawlOffset`) say what is recorded, as `scrape crawl
///   --resume` reads them, so no URL of the crawl is recorded twice and none is lost;
/// - with `resume: true`, a run continues the job's last crawl when it did not finish
///   (a run that failed part-way), and starts afresh once it did.
///
/// A fresh crawl removes the state, then saves the output's size (after a partial last line
/// is cut) as where its records begin, before anything is written. A crawl that cannot
/// be continued (its settings were changed by a reload, or its state is gone) is logged
/// and started afresh: the records already written stay.
extension JobRunner {
    func runCrawl(
        _ job: ScrapeConfiguration.Job, _ crawl: ScrapeConfiguration.Crawl, keyPath: String, id: String, number: Int,
        resuming: DaemonState.Unfinished?, run: inout DaemonState.Run
    ) async {
        let output = context.paths.output(of: job)
        let statePath = context.paths.crawlState(of: job)
        let seedsFile = crawl.seedsFile.map { resolve($0.text) }
        do {
            var fileSeeds: [ScrapeConfiguration.Crawl.Written] = []
            if let written = crawl.seedsFile, let seedsFile { fileSeeds = try await CrawlSettings.readSeeds(from: written, path: seedsFile) }
            let settings = try CrawlSettings(compiling: crawl, fileSeeds: fileSeeds)
            let continued = continuedCrawl(job, crawl: crawl, statePath: statePath, settings: settings, resuming: resuming)
            // A fresh crawl's state goes first: a stop before the offset is saved leaves no
            // unfinished run, so the next start does not go on with the old crawl.
            if continued == nil { CrawlRun.removeState(at: statePath) }
            let offset = try continued ?? OutputFile.repairTail(path: output)
            try markStarted(job.name, run: run, number: number, offset: offset, crawlOffset: offset)
            var options = CrawlRun.Options(
                settings: settings, output: output, state: statePath, resume: continued != nil, extraction: job.extraction,
                inputs: seedsFile.map { [$0] } ?? [])
            options.appendFrom = offset
            options.sinceOwnOutput = job.revisit
            options.login = job.login
            options.loginKey = keyPath + ".login"
            switch await context.crawl(options, job: job.name, runID: id, http: job.http) {
            case .success(let summary):
                if let since = summary.run.since { context.metrics.revisit(since, job: job.name) }
                run.records = summary.run.records
                run.errors = summary.run.errors
                run.skipped = summary.run.skipped
                run.outcome = summary.run.interrupted ? .interrupted : .succeeded
                run.message = summary.run.interrupted
                    ? "stopped with \(summary.unfinished) URLs left in the crawl's queue; resumed on the next start"
                    : summary.links.line
            case .failure(let failure):
                // Cut short by the drain: the next start goes on with the crawl.
                run.outcome = context.drain.isDraining ? .interrupted : .failed
                run.message = failure.description
            }
        } catch {
            run.outcome = .failed
            run.message = "\(error)"
        }
    }

    /// Where the crawl this run continues began in the output; nil for a fresh crawl.
    private func continuedCrawl(
        _ job: ScrapeConfiguration.Job, crawl: ScrapeConfiguration.Crawl, statePath: String, settings: CrawlSettings,
        resuming: DaemonState.Unfinished?
    ) -> Int64? {
        let saved = CrawlRun.savedCrawl(statePath: statePath, settings: settings)
        if let resuming {
            switch saved {
            case .finished, .unfinished:
                // Finished too: the last process may have been stopped after the crawl's end
                // and before it was saved; going on adds nothing, a fresh crawl would repeat it.
                return resuming.outputOffset
            case .none, .other:
                context.logger.warning(
                    "the unfinished crawl cannot be continued (its settings changed, or its state is gone): starting afresh",
                    metadata: ["job": "\(job.name)", "state": "\(statePath)"])
                return nil
            }
        }
        guard crawl.resume, saved == .unfinished else { return nil }
        return store.snapshot.jobs[job.name]?.crawlOffset
    }
}
