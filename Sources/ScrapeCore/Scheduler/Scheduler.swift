/// Runs jobs with at most `concurrency` in flight overall and `perHostConcurrency` per
/// host, in a bounded task group: at most `concurrency` child tasks, refilled as each
/// finishes. No unstructured tasks.
///
/// Input is pulled lazily and only while there is room: at most ``Limits/maxQueued`` jobs
/// wait in per-host queues, so memory does not grow with the input. Outputs are handed
/// to `emit` in completion order, on the task that called ``run(next:perform:emit:)``, so
/// the emitter needs no locking.
///
/// Cancellation of the calling task stops reading input, cancels the children, drops
/// queued jobs, and still emits every output that was produced.
public struct Scheduler: Sendable {
    /// Bounds on the work in progress.
    public struct Limits: Sendable {
        /// Jobs in flight, all hosts together.
        public var concurrency: Int
        /// Jobs in flight to one host.
        public var perHostConcurrency: Int
        /// Jobs waiting in per-host queues before input reading pauses.
        public var maxQueued: Int

        public init(concurrency: Int, perHostConcurrency: Int, maxQueued: Int? = nil) {
            self.concurrency = max(1, concurrency)
            self.perHostConcurrency = max(1, perHostConcurrency)
            self.maxQueued = maxQueued ?? max(1024, 16 * self.concurrency)
        }
    }

    /// What the input yields next.
    public enum Input<Job: Sendable, Output: Sendable>: Sendable {
        /// A job for `host`.
        case job(Job, host: String)
        /// An output that needs no request (a line that is not a valid URL).
        case ready(Output)
        /// A line that needs nothing (already recorded by an earlier run).
        case skip
    }

    /// How a run ended.
    public struct Outcome: Sendable, Equatable {
        /// Outputs emitted.
        public var emitted = 0
        /// Whether the run was cancelled before the input was exhausted.
        public var cancelled = false
        /// Jobs that were in flight or queued when cancelled, and produced no output.
        public var dropped = 0

        public init(emitted: Int = 0, cancelled: Bool = false, dropped: Int = 0) {
            self.emitted = emitted
            self.cancelled = cancelled
            self.dropped = dropped
        }
    }

    public let limits: Limits

    public init(limits: Limits) {
        self.limits = limits
    }

    /// Runs every job of the input.
    ///
    /// - Parameters:
    ///   - next: the next input, nil at the end; called only on this task.
    ///   - perform: does one job in a child task; nil means "cancelled, nothing to emit".
    ///   - emit: receives each output and the number of jobs still in flight.
    /// - Throws: what `next` or `emit` throws; the children are cancelled first.
    public func run<Job: Sendable, Output: Sendable>(
        next: () async throws -> Input<Job, Output>?,
        perform: @escaping @Sendable (Job) async -> Output?,
        emit: (Output, _ inFlight: Int) throws -> Void
    ) async throws -> Outcome {
        var queues = HostQueues<Job>(perHostLimit: limits.perHostConcurrency)
        var outcome = Outcome()
        var inputDone = false
        return try await withThrowingTaskGroup(of: (Output?, String).self) { group in
            func start(_ job: Job, host: String) {
                group.addTask { (await perform(job), host) }
            }
            while true {
                // Fill free slots: queued jobs first, then new input.
                while queues.inFlightCount < limits.concurrency, !Task.isCancelled {
                    if let ready = queues.nextReady() {
                        start(ready.job, host: ready.host)
                        continue
                    }
                    if inputDone || queues.waitingCount >= limits.maxQueued { break }
                    guard let input = try await next() else {
                        inputDone = true
                        break
                    }
                    switch input {
                    case .skip:
                        continue
                    case .ready(let output):
                        try emit(output, queues.inFlightCount)
                        outcome.emitted += 1
                    case .job(let job, let host):
                        if let admitted = queues.admit(job, host: host) { start(admitted, host: host) }
                    }
                }
                if Task.isCancelled, !outcome.cancelled {
                    outcome.cancelled = true
                    outcome.dropped += queues.drainWaiting()
                    group.cancelAll()
                }
                guard let (output, host) = try await group.next() else {
                    // Nothing in flight: then nothing is waiting either (an idle host is always ready).
                    if inputDone || outcome.cancelled { break }
                    continue
                }
                queues.finished(host: host)
                if let output {
                    try emit(output, queues.inFlightCount)
                    outcome.emitted += 1
                } else {
                    outcome.dropped += 1
                }
            }
            return outcome
        }
    }
}
