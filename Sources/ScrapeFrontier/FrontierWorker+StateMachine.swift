/// The life of a ``FrontierWorker`` run, decided without threads or a database.
///
/// Four parties move it: `stop()` (a signal, any thread), the lease loop (when the
/// database stays away), the claim loop and the writer. This value decides, under the
/// worker's lock, what each of them does next, and returns that as an action the caller
/// performs after the lock is released (ringing a doorbell, ending a loop, throwing).
///
/// 1. `working`: the claim loop claims; slots fetch; the writer writes batches.
/// 2. `stop()` or `leaseLoopFailed(_:)` → `stopping`, and the claim loop is woken: it
///    claims nothing more and waits until nothing claimed is in hand (fetching or
///    waiting to be written), then ends. A failure is kept (the first one) and thrown at
///    the end; a second stop or failure changes nothing.
/// 3. `claimLoopEnded()` → `draining` (also straight from `working`, when `--until-empty`
///    finds the jobs done or the run is cancelled), and the writer is woken: it writes
///    what is left and ends once nothing is pending.
/// 4. `end(thrown:cancelled:)` → `finished`: throw the kept failure (it caused the stop,
///    so it wins over what the loops threw on their way out), else the loops' error unless
///    the run was cancelled (the daemon's drain deadline), else mark the worker exited and
///    return the summary.
extension FrontierWorker {
    struct StateMachine {
        private enum State {
            case working
            case stopping(failure: FrontierError?)
            case draining(failure: FrontierError?)
            case finished
        }

        private var state: State = .working

        enum StopAction: Equatable {
            /// Ring the claim loop's doorbell: it is waiting and must see the stop.
            case wakeClaimLoop
            /// Already stopping, or past it.
            case none
        }

        /// Stop claiming; fetches in hand finish and are written.
        mutating func stop() -> StopAction {
            stop(failure: nil)
        }

        /// The lease loop could not renew (the database stayed away): stop as ``stop()``
        /// does, and throw `error` at the end, unless a failure came first.
        mutating func leaseLoopFailed(_ error: FrontierError) -> StopAction {
            stop(failure: error)
        }

        private mutating func stop(failure: FrontierError?) -> StopAction {
            switch state {
            case .working:
                state = .stopping(failure: failure)
                return .wakeClaimLoop
            case .stopping(let kept) where kept == nil && failure != nil:
                state = .stopping(failure: failure)
                return .none
            case .draining(let kept) where kept == nil && failure != nil:
                state = .draining(failure: failure)
                return .none
            case .stopping, .draining, .finished:
                return .none
            }
        }

        enum ClaimStep: Equatable {
            /// Claim what there is room for.
            case claim
            /// Stopping: claim nothing, and wait for the fetches in hand to be written.
            case waitForFetchesInHand
            /// Stopping with nothing in hand: the claim loop ends (``claimLoopEnded()``).
            case endClaiming
        }

        /// What the claim loop does next; `idle`: nothing claimed is waiting, fetching or
        /// waiting to be written.
        func claimStep(idle: Bool) -> ClaimStep {
            switch state {
            case .working: .claim
            case .stopping: idle ? .endClaiming : .waitForFetchesInHand
            case .draining, .finished: .endClaiming
            }
        }

        enum ClaimLoopEndAction: Equatable {
            /// Ring the writer's bell: it writes the last batch at once, then ends.
            case flushLastBatch
        }

        /// The claim loop has returned: stopped, done (`--until-empty`) or cancelled.
        mutating func claimLoopEnded() -> ClaimLoopEndAction {
            switch state {
            case .working:
                state = .draining(failure: nil)
            case .stopping(let failure):
                state = .draining(failure: failure)
            case .draining, .finished:
                preconditionFailure("the claim loop ended twice")
            }
            return .flushLastBatch
        }

        /// Whether the writer ends after its last write: the claim loop is over and
        /// nothing is left to write (`pendingEmpty`).
        func writerEnds(pendingEmpty: Bool) -> Bool {
            switch state {
            case .draining, .finished: pendingEmpty
            case .working, .stopping: false
            }
        }

        enum EndAction: Equatable {
            /// Mark the worker exited (it leaves `status` at once) and return the summary.
            case markExitedAndReturn
            case throwError(FrontierError)
        }

        /// `run()` is over; `thrown` is what the claim or write loop threw, if anything.
        /// `cancelled`: the run was cancelled (the daemon's drain deadline passed), so what
        /// the loops threw is the cancellation cutting a statement off, not a failure:
        /// the fetches in hand go unrecorded and their leases expire, as intended.
        mutating func end(thrown: FrontierError?, cancelled: Bool) -> EndAction {
            let kept: FrontierError?
            switch state {
            case .working: kept = nil  // the claim loop threw, or the run was cancelled
            case .stopping(let failure), .draining(let failure): kept = failure
            case .finished: preconditionFailure("the run ended twice")
            }
            state = .finished
            if let failure = kept ?? (cancelled ? nil : thrown) { return .throwError(failure) }
            return .markExitedAndReturn
        }
    }
}
