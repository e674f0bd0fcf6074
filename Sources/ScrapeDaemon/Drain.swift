import ScrapeBase

/// Shutdown's one clock: when SIGTERM arrives every kind of work stops taking new input
/// at once, and whatever is still running at the shared deadline is cancelled.
///
/// Runs started before the signal keep their in-flight transfers (a `ScrapeRun` reads no
/// further input once ``isDraining``); the URLs not reached have no record and are redone
/// on the next start. Deadline waiters poll every 50 ms: at most a handful of runs wait
/// at once, and polling needs no waiter bookkeeping under cancellation.
final class Drain: Sendable {
    private let deadline = Locked<ContinuousClock.Instant?>(nil)

    /// Starts draining with `timeout`; a second call (a second signal) moves the deadline to now.
    func begin(timeout: Duration) {
        deadline.withLock { deadline in
            deadline = deadline == nil ? .now + timeout : .now
        }
    }

    /// Whether shutdown has begun.
    var isDraining: Bool { deadline.withLock { $0 != nil } }

    /// Runs `body`; if the drain deadline passes while it runs, cancels it and returns what
    /// it returns after that (cancelled runs still flush and fsync what they recorded).
    func cancellingAtDeadline<Result: Sendable>(_ body: @escaping @Sendable () async -> Result) async -> Result {
        await withTaskGroup(of: Result?.self) { group in
            group.addTask { await body() }
            group.addTask {
                while !Task.isCancelled {
                    if let deadline = self.deadline.withLock({ $0 }), ContinuousClock.now >= deadline { return nil }
                    try? await Task.sleep(for: .milliseconds(50))
                }
                return nil
            }
            while let first = await group.next() {
                if let result = first {
                    group.cancelAll()
                    return result
                }
                group.cancelAll()  // the deadline passed: cancel the body and take what it returns
            }
            fatalError("unreachable: the body always returns")
        }
    }
}
