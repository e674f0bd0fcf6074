import ScrapeCore
import ScrapePages

/// Runs a ``ScrapeRun`` under signal handling (``Interruptible``), and turns its end into
/// an exit status: 0, 1 (the output cannot be written, or the login failed), 2 (usage), 130/143, 141.
struct InterruptibleRun {
    let options: ScrapeRun.Options
    let quiet: Bool

    func execute() async -> Int32 {
        await Interruptible<RunSummary, ScrapeRun.Failure>(recordsOnStdout: options.output == "-", quiet: quiet).execute(
            { hooks in
                var run = ScrapeRun(options: options)
                run.onProgress = hooks.onProgress
                run.onNotice = hooks.onNotice
                let prepared = run
                return { () async throws(ScrapeRun.Failure) -> RunSummary in try await prepared.run() }
            },
            report: \.report,
            status: { failure in
                switch failure {
                case .output(let error) where error.kind == .closedPipe: ScrapeCommand.Status.closedPipe
                case .output(let error) where error.kind == .write: ScrapeCommand.Status.outputFailed
                case .login(let error, _) where !error.isConfiguration: ScrapeCommand.Status.outputFailed
                default: ScrapeCommand.Status.usage
                }
            })
    }
}
