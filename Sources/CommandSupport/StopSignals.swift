import ScrapeBase
import Glibc
import Synchronization
import UnixSignals

/// SIGINT and SIGTERM for a command that stops gracefully (`scrape run`, `scrape ws`,
/// `scrape frontier work`): the first calls `stop`, a second exits at once with 128 + its
/// number, as a user pressing Ctrl-C twice expects.
public final class StopSignals: Sendable {
    private let received = Atomic<Int32>(0)
    private let watcher = Mutex<Task<Void, Never>?>(nil)

    /// Starts watching; `stop` runs on the first signal.
    public init(stop: @escaping @Sendable (_ signal: Int32) -> Void) async {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let task = Task { [self] in
            for await signal in signals {
                guard self.received.compareExchange(expected: 0, desired: signal.rawValue, ordering: .relaxed).exchanged else {
                    _exit(128 + signal.rawValue)
                }
                stop(signal.rawValue)
            }
        }
        watcher.withLock { $0 = task }
    }

    /// The first signal's number; 0 when none came.
    public var signal: Int32 { received.load(ordering: .relaxed) }

    /// Stops watching (the command is done).
    public func cancel() {
        watcher.withLock { $0?.cancel() }
    }
}

extension StopSignals {
    /// Runs `operation` as a task of its own that the first SIGINT or SIGTERM cancels (a
    /// second exits at once): how a one-shot command (`scrape run`, `scrape api`) stops
    /// gracefully, keeping what it finished and reporting it.
    ///
    /// The task is separate so the signal can cancel it while this one waits; the work must
    /// end soon after cancellation, with its partial result.
    ///
    /// - Returns: what `operation` returned, and the first signal's number (0 when none came;
    ///   the exit status is then `128 + signal`).
    public static func cancelling<T: Sendable>(_ operation: @escaping @Sendable () async -> T) async -> (value: T, signal: Int32) {
        // Signals are trapped before the work starts, so one that comes at once is not met
        // by the default action (killed, nothing reported).
        let started = Locked<Task<T, Never>?>(nil)
        let signals = await StopSignals { _ in started.withLock { $0?.cancel() } }
        let task = Task { await operation() }
        started.withLock { $0 = task }
        if signals.signal != 0 { task.cancel() }
        let value = await task.value
        signals.cancel()
        return (value, signals.signal)
    }
}
