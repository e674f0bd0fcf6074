import ScrapeBase

/// Shutdown's one clock: when SIGTERM arrives every kind of work stops taking new input
/// at once, and whatever is still running at the shared deadline is cancelled.
///
/// Runs started before the signal keep their in-flight transfers (a `ScrapeRun` reads no
/// further input once ``isDraining``); the URLs not reached have no record and are redone
/// on the next start. The frontier member drains the same way, for its whole life
/// (``cancellingAtDeadline(_:)`` around its worker).
///
/// Waiters sleep until the drain begins (``begin(timeout:)`` wakes them), then poll the
/// deadline every 50 ms: a second signal moves it, and polling needs no bookkeeping of
/// sleepers under cancellation. So a long-lived service costs nothing before a shutdown.
final class Drain: Sendable {
    private struct State {
        var deadline: ContinuousClock.Instant?
        /// Waiting for the drain to begin, by ticket.
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextTicket = 0
    }

    private let state = Locked(State())

    /// Starts draining with `timeout`; a second call (a second signal) moves the deadline to now.
    func begin(timeout: Duration) {
        let waiters = state.withLock { state in
            state.deadline = state.deadline == nil ? .now + timeout : .now
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Whether shutdown has begun.
    var isDraining: Bool { state.withLock { $0.deadline != nil } }

    /// Runs `body`; if the drain deadline passes while it runs, cancels it and returns what
    /// it returns after that (cancelled runs still flush and fsync what they recorded).
    func cancellingAtDeadline<Result: Sendable>(_ body: @escaping @Sendable () async -> Result) async -> Result {
        await withTaskGroup(of: Result?.self) { group in
            group.addTask { await body() }
            group.addTask {
                await self.untilDraining()
                while !Task.isCancelled {
                    if let deadline = self.state.withLock({ $0.deadline }), ContinuousClock.now >= deadline { return nil }
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

    /// Returns once the drain has begun, or when the task is cancelled.
    private func untilDraining() async {
        let ticket = state.withLock { state in
            state.nextTicket += 1
            return state.nextTicket
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Cancelled before this registers: the handler found nothing to resume, and
                // the flag is already set.
                let now = self.state.withLock { state in
                    if state.deadline != nil || Task.isCancelled { return true }
                    state.waiters[ticket] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            self.state.withLock { $0.waiters.removeValue(forKey: ticket) }?.resume()
        }
    }
}
