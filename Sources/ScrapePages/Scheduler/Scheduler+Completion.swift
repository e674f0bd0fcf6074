import ScrapeCore

extension Scheduler {
    /// How the output of an attempt is made from what `perform` answered.
    enum Completion<Payload: Sendable, Answer: Sendable, Output: Sendable>: Sendable {
        /// On the scheduler's task, while the attempt still holds its host's slot: for
        /// answers that are their outputs (`scrape run`'s records, an API page).
        case inline(@Sendable (Payload, Answer) -> Output)
        /// In a task of its own, after the attempt's slot was freed and its outcome fed to
        /// the policies: `scrape crawl`'s stage 4 (the parse, links), which needs nothing
        /// from the host.
        case afterRelease(@Sendable (Payload, Answer) async -> Output)

        /// The output of `answer`, made on the spot (an answer with no response to read).
        func output(_ payload: Payload, _ answer: Answer) async -> Output {
            switch self {
            case .inline(let make): make(payload, answer)
            case .afterRelease(let make): await make(payload, answer)
            }
        }
    }

    /// What an attempt's outcome decided for its output, before the output was made.
    enum Fate: Sendable {
        /// Emit it.
        case deliver
        /// Keep it with the job (its record if the origin's breaker gives up) and run the
        /// job again from this instant.
        case retry(at: C.Instant)
    }

    /// Runs every job of the input, each attempt in two steps: `perform` holds the job's
    /// host slot until its answer is in and classified (what ``Attempt`` says: the outcome
    /// for retries and the breaker, the latency for an adaptive limit, a `Crawl-delay`),
    /// then the slot is freed and `complete` makes the output from the answer in a task of
    /// its own. So at `perHostConcurrency` 1 the host's next request is sent while the last
    /// page is still being processed (`scrape crawl`: the parse and the links), and every
    /// politeness rule still counts from the answer's arrival.
    ///
    /// An output being made counts against ``Limits/concurrency`` as an attempt in flight
    /// does: the pages held in memory stay bounded by it; and while ``Limits/maxCompleting``
    /// are being made no request starts, so parses do not pile up behind the fetches. Every attempt that `perform`
    /// answered gets its `complete`, retried ones included (their output is what the
    /// breaker's give-up records), except a retry decided after the intake closed.
    /// Otherwise as ``run(read:admit:perform:reject:emit:flush:intakeOpen:onEvent:)``.
    ///
    /// - Parameter complete: the output of the job `Payload`'s answer; called once per
    ///   answered attempt, in a child task, whether or not the run is being cancelled.
    public func run<Item: Sendable, Payload: Sendable, Answer: Sendable, Output: Sendable>(
        read: @escaping @Sendable () async throws -> [Item]?,
        admit: (Item) -> Input<Payload, Output>,
        perform: @escaping @Sendable (Payload, _ attempt: Int) async -> Attempt<Answer>?,
        complete: @escaping @Sendable (Payload, Answer) async -> Output,
        reject: (Payload, _ attempts: Int) -> Output,
        emit: (Output, _ inFlight: Int) throws -> Void,
        flush: () throws -> Void = {},
        intakeOpen: (@Sendable () -> Bool)? = nil,
        onEvent: (Event) -> Void = { _ in }
    ) async throws -> Outcome {
        try await drive(
            read: read, admit: admit, perform: perform, completion: .afterRelease(complete), reject: reject, emit: emit, flush: flush,
            intakeOpen: intakeOpen, onEvent: onEvent)
    }
}
