import CommandSupport
import ScrapePages

/// What `scrape run` and `scrape crawl` share around their run: the progress line and
/// notices on stderr, SIGINT and SIGTERM as cancellation, the summary, and an exit status.
///
/// A signal cancels the run: no new input is read, in-flight transfers are aborted,
/// finished records are flushed and fsynced, and the status is 130 or 143. A second
/// signal exits at once. A failure is printed (except a closed pipe: `scrape list | head
/// -1` ends as `cat` does) and its status is the command's to say.
struct Interruptible<Summary: Sendable, Failure: Error & CustomStringConvertible> {
    /// Whether records go to stdout, where no progress line may be drawn.
    let recordsOnStdout: Bool
    let quiet: Bool

    /// The run's hooks for the terminal: nil when quiet or not on a terminal.
    struct Hooks {
        let onProgress: (@Sendable (RunSummary, Int) -> Void)?
        let onNotice: (@Sendable (String) -> Void)?
    }

    /// Runs what `prepare` returns (given the hooks to install) under signal handling.
    ///
    /// - Parameters:
    ///   - report: the summary printed at the end unless quiet.
    ///   - status: the exit status of a failure.
    func execute(
        _ prepare: (Hooks) -> @Sendable () async throws(Failure) -> Summary, report: (Summary) -> String, status: (Failure) -> Int32
    ) async -> Int32 {
        let progress = !quiet && TerminalProgress.isAvailable(recordsOnStdout: recordsOnStdout) ? TerminalProgress() : nil
        var onProgress: (@Sendable (RunSummary, Int) -> Void)?
        if let progress { onProgress = { summary, inFlight in progress.update(summary, inFlight: inFlight) } }
        var onNotice: (@Sendable (String) -> Void)?
        if !quiet {
            onNotice = { notice in
                progress?.finish()
                Terminal.error("scrape: \(notice)")
            }
        }
        let hooks = Hooks(onProgress: onProgress, onNotice: onNotice)
        let run = prepare(hooks)
        let (result, signal) = await StopSignals.cancelling { () async -> Result<Summary, Failure> in
            do throws(Failure) {
                return .success(try await run())
            } catch {
                return .failure(error)
            }
        }
        progress?.finish()
        switch result {
        case .success(let summary):
            if !quiet { Terminal.write(report(summary)) }
            return signal != 0 ? 128 + signal : 0
        case .failure(let failure):
            let code = status(failure)
            if code != ScrapeCommand.Status.closedPipe { Terminal.error("scrape: \(failure)") }
            return code
        }
    }
}
