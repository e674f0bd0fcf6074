import CommandSupport
import Glibc
import ScrapeCore
import ScrapePages

/// Runs a ``ScrapeRun`` under signal handling, and turns its end into an exit status.
///
/// SIGINT and SIGTERM cancel the run: no new input is read, in-flight transfers are
/// aborted, finished records are flushed and fsynced, and the status is 130 or 143. A
/// second signal exits at once.
struct InterruptibleRun {
    let options: ScrapeRun.Options
    let quiet: Bool

    func execute() async -> Int32 {
        var run = ScrapeRun(options: options)
        let progress = !quiet && TerminalProgress.isAvailable(recordsOnStdout: options.output == "-") ? TerminalProgress() : nil
        if let progress { run.onProgress = { summary, inFlight in progress.update(summary, inFlight: inFlight) } }
        if !quiet {
            run.onNotice = { notice in
                progress?.finish()
                Terminal.error("scrape: \(notice)")
            }
        }
        let finalRun = run
        let (result, signal) = await StopSignals.cancelling { () async -> Result<RunSummary, ScrapeRun.Failure> in
            do throws(ScrapeRun.Failure) {
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
            // `scrape list | head -1`: the reader has what it wanted; end as `cat` does.
            return ScrapeCommand.Status.closedPipe
        case .failure(let failure):
            Terminal.error("scrape: \(failure)")
            if case .output(let error) = failure, error.kind == .write { return ScrapeCommand.Status.outputFailed }
            return ScrapeCommand.Status.usage
        }
    }
}
