import Glibc
import ScrapeBase
import ScrapeCore
import ScrapePages

/// A one-line progress display on stderr, redrawn at most four times a second, shown only
/// when stderr is a terminal.
final class TerminalProgress: Sendable {
    private struct State {
        var lastDraw = ContinuousClock.now
        var drawn = false
    }

    private let state = Locked(State())
    private let started = ContinuousClock.now

    /// Whether to draw: stderr is a terminal (progress is pointless in a log file), and
    /// records are not going to that same terminal, where the line would split them.
    ///
    /// - Parameter recordsOnStdout: whether the run writes its records to stdout.
    static func isAvailable(recordsOnStdout: Bool) -> Bool {
        guard isatty(2) == 1 else { return false }
        return !(recordsOnStdout && isatty(1) == 1)
    }

    init() {}

    /// Redraws the line when 250 ms have passed since the last draw.
    func update(_ summary: RunSummary, inFlight: Int) {
        let now = ContinuousClock.now
        let due = state.withLock { state in
            guard now - state.lastDraw >= .milliseconds(250) else { return false }
            state.lastDraw = now
            state.drawn = true
            return true
        }
        guard due else { return }
        let elapsed = now - started
        let seconds = elapsed.inSeconds
        let rate = seconds > 0 ? Double(summary.records) / seconds : 0
        Self.write("\r\u{1B}[K  done \(summary.records) | \(RunSummary.format(rate, digits: 1))/s | errors \(summary.errors) | in flight \(inFlight)")
    }

    /// Clears the line before the summary is printed.
    func finish() {
        if state.withLock({ $0.drawn }) { Self.write("\r\u{1B}[K") }
    }

    static func write(_ text: String) {
        StandardError.write(text)
    }
}
