/// The life of one request's continuation, decided without threads.
///
/// Three parties touch a transfer: the task awaiting it, that task's cancellation
/// handler (any thread), and the curl I/O thread. This value type decides, under
/// the transfer's lock, which of them resumes the continuation, so it is resumed
/// exactly once whatever the interleaving. It returns actions; the caller performs
/// them after the lock is released.
///
/// 1. `initialized`: `HTTPClient.execute` created the transfer.
/// 2. `start(_:)` registers the continuation: `waiting`, and the action is to submit
///    it to the driver. If cancellation came first (`cancelledBeforeStart`), the action
///    is to resume at once with `CancellationError` and submit nothing.
/// 3. Then exactly one of:
///    - `complete()` from the I/O thread when curl finishes (success or failure):
///      `finished`, resume with the result.
///    - `cancel()` from the cancellation handler: `finished`, resume with
///      `CancellationError` now, and ask the driver to abort the transfer, which it
///      does on its next loop turn (removing and recycling the easy handle).
/// 4. `finished` absorbs everything: a completion racing a cancellation loses quietly.
extension Transfer {
    struct StateMachine {
        typealias Continuation = UnsafeContinuation<Completed, any Error>

        private enum State {
            case initialized
            case cancelledBeforeStart
            case waiting(Continuation)
            case finished
        }

        private var state: State = .initialized

        enum StartAction {
            /// Hand the transfer to the driver.
            case submit
            /// Cancelled already: resume with `CancellationError`, submit nothing.
            case resumeCancelled(Continuation)
        }

        mutating func start(_ continuation: Continuation) -> StartAction {
            switch state {
            case .initialized:
                state = .waiting(continuation)
                return .submit
            case .cancelledBeforeStart:
                state = .finished
                return .resumeCancelled(continuation)
            case .waiting, .finished:
                fatalError("Transfer started twice")
            }
        }

        enum CancelAction {
            case none
            /// Resume with `CancellationError` and ask the driver to abort.
            case resumeCancelledAndAbort(Continuation)
        }

        mutating func cancel() -> CancelAction {
            switch state {
            case .initialized:
                state = .cancelledBeforeStart
                return .none
            case .waiting(let continuation):
                state = .finished
                return .resumeCancelledAndAbort(continuation)
            case .cancelledBeforeStart, .finished:
                return .none
            }
        }

        /// The continuation to resume with the transfer's result, or nil when it was already resumed.
        mutating func complete() -> Continuation? {
            switch state {
            case .waiting(let continuation):
                state = .finished
                return continuation
            case .initialized, .cancelledBeforeStart:
                // Only a submitted (waiting) transfer can reach the driver.
                state = .finished
                return nil
            case .finished:
                return nil
            }
        }

        /// Whether the continuation has been resumed (or never will be needed).
        var isFinished: Bool {
            switch state {
            case .finished, .cancelledBeforeStart: true
            case .initialized, .waiting: false
            }
        }
    }
}
