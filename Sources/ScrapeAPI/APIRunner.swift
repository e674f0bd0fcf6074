public import ScrapePages
import ScrapeCore
import ScrapeBase
public import ScrapeHTTP

/// Runs several api jobs on one scheduler, so they share its per-origin queues and
/// breakers, per-host slots and rates, as URLs of one scrape do.
///
/// A job is one or more walks of its endpoint: its own, or one per parent record with
/// `resolve:`. A child's walks start as its parent's records are written (or at once, from
/// records read back from a file), and the child ends when its parent has ended and its
/// walks have. In each walk the next page is queued when the page before it has told where
/// it is, or all of them at once when the first page tells the total; results are taken in
/// page order (early ones are parked), so each walk's records are its sequential walk's,
/// byte for byte. A job that fails stops its own walks (and its children's) and keeps what
/// it wrote; the others go on.
///
/// Those decisions are ``StateMachine``'s (with ``APIWalk`` for one walk and
/// ``APIPageRecords`` for one page), tested without the network; this file only sets the jobs
/// up, acts on its actions around the scheduler, and closes the outputs.
public enum APIRunner {
    /// Runs `runs` together on `client`: the thin loop that acts on what
    /// ``StateMachine`` decides (queues its page requests on the scheduler, writes its
    /// records, closes the input when it says) and feeds it each page result.
    ///
    /// - Parameter parentRecords: records of parent jobs not in `runs` (read back from their
    ///   outputs), by job name.
    /// - Returns: each job's summary or failure, in the order of `runs`.
    /// - Parameter hosts: the daemon's host table, shared with its other runs; nil for a
    ///   run whose hosts are its own.
    public static func run(
        _ runs: [APIJobRun], client: HTTPClient, parentRecords: [String: [[UInt8]]] = [:], hosts: HostTable<ContinuousClock.Instant>? = nil
    ) async -> [Result<APIJobRun.Summary, APIJobRun.Failure>] {
        let started = ContinuousClock.now
        let opened = runs.map { open($0, client: client) }
        let writers = opened.map(\.writer)
        let sessions = opened.map(\.ownedSession)
        let attempters = opened.map(\.attempter)
        let http = runs.first?.options.http ?? ScrapeConfiguration.HTTP()
        // Pages of a known total queued ahead: enough to keep every slot busy twice over.
        var machine = StateMachine(opened.map(\.opening), fanOutWindow: max(2, 2 * http.concurrency))
        let (requests, nextRequest) = AsyncStream.makeStream(of: APIPageRequest.self)
        var scheduler = Scheduler(limits: http.schedulerLimits, politeness: http.politeness)
        scheduler.hosts = hosts

        /// Does what the machine decided, and what that leads to.
        func act(_ decided: [StateMachine.Action]) {
            var batch = decided
            while !batch.isEmpty {
                var next: [StateMachine.Action] = []
                for action in batch {
                    switch action {
                    case .request(let request):
                        nextRequest.yield(request)
                    case .write(let job, let lines):
                        var count = 0
                        var failure: OutputError?
                        do throws(OutputError) {
                            for line in lines {
                                try writers[job]?.append(line: line)
                                count += 1
                            }
                        } catch {
                            failure = error
                        }
                        next = machine.written(count, failure: failure)  // a write is the last of its batch
                    case .finishInput:
                        nextRequest.finish()
                    }
                }
                batch = next
            }
        }

        act(machine.start(parentRecords: parentRecords))
        // What emit and flush meet is handled per job (the machine fails it), so the run
        // throws nothing a job has not already taken; a job it did not end was cancelled.
        _ = try? await scheduler.run(
            read: { () async -> [APIPageRequest]? in
                for await request in requests { return [request] }
                return nil
            },
            admit: { (request: APIPageRequest) -> Scheduler<ContinuousClock>.Input<APIPageRequest, APIPageResult> in
                guard let prepared = try? FetchRequest.Prepared(FetchRequest(url: request.url)) else {
                    return .ready(
                        APIPageResult(
                            job: request.job, walk: request.walk, index: request.index, url: request.url,
                            result: .failure("not a URL the client can request", retryable: false), attempt: 0))
                }
                return .work(request, host: prepared.host, origin: prepared.origin)
            },
            perform: { request, number in await attempters[request.job]?.attempt(request, number: number) },
            reject: { request, attempts in
                APIPageResult(
                    job: request.job, walk: request.walk, index: request.index, url: request.url,
                    result: .failure("the circuit breaker of its origin stayed open past circuit_breaker.give_up_after", retryable: false),
                    attempt: attempts)
            },
            emit: { arrived, _ in act(machine.arrived(arrived)) },
            flush: {
                for index in writers.indices where !machine.hasFailed(index) {
                    guard let writer = writers[index] else { continue }
                    do throws(OutputError) {
                        try writer.flush()
                    } catch {
                        act(machine.failed(index, .output(error)))
                    }
                }
            }
        )
        nextRequest.finish()
        return runs.indices.map { index in
            end(runs[index], writer: writers[index], session: sessions[index], outcome: machine.outcome(of: index), elapsed: ContinuousClock.now - started)
        }
    }

    /// Sets job `run` up before any request: its auth, its incremental state, its output,
    /// its session (headers and cookie jar) unless the caller gave one.
    private static func open(
        _ run: APIJobRun, client: HTTPClient
    ) -> (opening: StateMachine.Opening, writer: RecordWriter?, attempter: APIPageAttempter?, ownedSession: RunSession?) {
        let options = run.options
        var opening = StateMachine.Opening(run: run)
        var writer: RecordWriter?
        var attempter: APIPageAttempter?
        var owned: RunSession?
        do {
            let authenticator = try APIAuthenticator(options.api.auth, keyPath: options.keyPath + ".api.auth", client: client)
            let session: RunSession
            if let given = options.session {
                session = given
            } else {
                do throws(RunSession.Failure) {
                    session = try RunSession.open(options.http.withCookies(options.login != nil), inputs: options.inputs + [options.output])
                } catch {
                    switch error {
                    case .cookieJar(let output): throw output
                    case .client(let client): throw ConfigurationError(key: options.keyPath + ".http", message: client.message)
                    }
                }
                owned = session
            }
            let defaults = session.defaults
            let login = try options.login.map { login throws(ConfigurationError) in
                try LoginSession(login, key: options.keyPath + ".login") { request in try await client.execute(defaults.applied(to: request)) }
            }
            attempter = APIPageAttempter(
                options: options, client: client, authenticator: authenticator, session: session.defaults, login: login, onAttempt: run.onAttempt)
            attempter?.proxies = ProxyRotator(client.configuration.proxy)
            let state = options.api.incremental == nil ? nil : try IncrementalState.load(path: options.resolvedStatePath)
            opening.savedCursor = state?.lastValue
            writer = try RecordWriter(path: options.output, mode: options.api.incremental == nil && !options.appends ? .replace : .append, inputs: options.inputs)
        } catch let error as ConfigurationError {
            opening.failure = .configuration(error)
        } catch let error as OutputError {
            opening.failure = .output(error)
        } catch {
            opening.failure = .output(OutputError(path: options.output, reason: "\(error)"))
        }
        if opening.failure != nil { try? owned?.close() }
        return (opening, writer, attempter, opening.failure == nil ? owned : nil)
    }

    /// Closes job `run`'s output and, when it ended well, saves its incremental value.
    private static func end(
        _ run: APIJobRun, writer: RecordWriter?, session: RunSession?, outcome: StateMachine.Outcome, elapsed: Duration
    ) -> Result<APIJobRun.Summary, APIJobRun.Failure> {
        switch outcome {
        case .failed(var failure):
            // The cookies a failed run was given are still the site's: kept for the next.
            try? session?.close()
            try? writer?.close()
            // Count what reached the file, not what was taken from the pages.
            if let writer {
                switch failure {
                case .job(let error, _, let output): failure = .job(error, recordsKept: writer.recordsWritten, output: output)
                case .interrupted(let name, _, let output): failure = .interrupted(job: name, recordsKept: writer.recordsWritten, output: output)
                default: break
                }
            }
            return .failure(failure)
        case .succeeded(var summary, let cursor):
            do {
                try session?.close()
                try writer?.close()
                if let cursor {
                    try IncrementalState(job: run.options.job.name, lastValue: cursor).save(path: run.options.resolvedStatePath)
                    summary.savedCursor = cursor
                }
                summary.elapsed = elapsed
                return .success(summary)
            } catch {
                return .failure(.output(error))
            }
        }
    }
}
