import CommandSupport
import Dispatch
import Glibc
import ScrapeCore
import Synchronization

/// Runs a ``ScrapeRun`` under signal handling, and turns its end into an exit status.
///
/// SIGINT and SIGTERM cancel the run: no new input is read, in-flight transfers are
/// aborted, finished records are flushed and fsynced, and the status is 130 or 143. A
/// second signal exits at once.
struct RunExecution {
    let options: ScrapeRun.Options
    let quiet: Bool

    private enum Event: Sendable {
        case finished(Result<RunSummary, ScrapeRun.Failure>)
        case signal(Int32)
        case noSignal
    }

    func execute() async -> Int32 {
        let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
        let received = Atomic<Int>(0)
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if received.add(1, ordering: .relaxed).newValue > 1 { _exit(128 + number) }
                continuation.yield(number)
            }
            source.resume()
            sources.append(source)
        }
        defer { sources.forEach { $0.cancel() } }

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

        let (result, signal) = await withTaskGroup(of: Event.self) { group -> (Result<RunSummary, ScrapeRun.Failure>, Int32?) in
            group.addTask {
                do throws(ScrapeRun.Failure) {
                    return .finished(.success(try await finalRun.run()))
                } catch {
                    return .finished(.failure(error))
                }
            }
            group.addTask {
                for await number in signals { return .signal(number) }
                return .noSignal
            }
            var signal: Int32?
            var result: Result<RunSummary, ScrapeRun.Failure>?
            while let event = await group.next() {
                switch event {
                case .signal(let number):
                    signal = number
                    group.cancelAll()
                case .finished(let finished):
                    result = finished
                    group.cancelAll()
                case .noSignal:
                    break
                }
            }
            return (result ?? .failure(.output(OutputError(path: options.output, reason: "run did not finish"))), signal)
        }
        progress?.finish()

        switch result {
        case .success(let summary):
            if !quiet { Terminal.write(summary.report) }
            if let signal { return 128 + signal }
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
