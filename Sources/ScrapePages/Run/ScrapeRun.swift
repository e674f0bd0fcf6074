import Glibc
public import ScrapeCore
public import ScrapeHTTP
import ScrapeHTML

/// One `scrape urls.txt` run: input → scheduler → fetch + title → record → JSON Lines.
///
/// Every input line with a URL ends as exactly one record: a fetched page, an HTTP error,
/// a transport error, or an input error (`invalid_url`, `unsupported_scheme`, decided
/// before anything is opened). Records are written in completion order. Cancelling the
/// calling task (the CLI does so on SIGINT/SIGTERM) writes no record for unfinished URLs,
/// flushes and fsyncs, and reports how many were left.
public struct ScrapeRun: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// The URL list path, or `-` for stdin.
        public var input: String
        /// The output path, or `-` for stdout.
        public var output: String
        /// How the output's existing records are treated.
        public var mode: OutputMode
        /// Client and scheduling settings.
        public var http: ScrapeConfiguration.HTTP
        /// With a resume mode: which recorded failures to take out and fetch again
        /// (`--retry-failed`); nil keeps every record.
        public var retryFailed: RetryableFailures?
        /// Fields and metadata taken from each HTML page (`--field`, `--metadata`, the
        /// file's `fields:`); empty for titles only. Compiled when the run starts: one
        /// that does not compile fails the run before anything is opened or fetched.
        public var extraction: ScrapeConfiguration.Extraction
        /// `--since`: an earlier run's output to compare with (conditional requests, a 304
        /// carrying the earlier record, `not_modified` and `changed` in every record); nil
        /// for a run that compares with nothing. It must not be the output.
        public var since: String?
        /// Compare with the output's own earlier records instead (a daemon job's `revisit`:
        /// its output appends run after run, so its last record of a URL is the last run's).
        /// A missing output compares with nothing; ``since`` is then ignored.
        public var sinceOwnOutput = false
        /// `login:`: logged in before the first request, and again whenever a page shows the
        /// session ended; nil for none.
        public var login: ScrapeConfiguration.Login?
        /// Where ``login`` is in the config, for messages (`login`, `jobs[2].login`).
        public var loginKey = "login"

        public init(
            input: String, output: String, mode: OutputMode = .replace, http: ScrapeConfiguration.HTTP = .init(),
            retryFailed: RetryableFailures? = nil, extraction: ScrapeConfiguration.Extraction = .init(), since: String? = nil
        ) {
            self.input = input
            self.output = output
            self.mode = mode
            self.http = http
            self.retryFailed = retryFailed
            self.extraction = extraction
            self.since = since
        }

        /// `--resume` or not, as the CLI says it.
        public init(
            input: String, output: String, resume: Bool, http: ScrapeConfiguration.HTTP = .init(), retryFailed: RetryableFailures? = nil,
            extraction: ScrapeConfiguration.Extraction = .init(), since: String? = nil
        ) {
            self.init(
                input: input, output: output, mode: resume ? .resume(from: 0) : .replace, http: http, retryFailed: retryFailed,
                extraction: extraction, since: since)
        }
    }

    /// What happens to records already in the output.
    public enum OutputMode: Sendable, Equatable {
        /// Start the file empty (a fresh one-shot run).
        case replace
        /// Keep the file; records from byte `from` on count as this run's, and their URLs
        /// are not fetched again (`--resume` is `from: 0`; a daemon job run that appends
        /// passes the size the file had when the run began).
        case resume(from: Int64)
    }

    /// Why a run could not start or had to stop.
    public enum Failure: Error, CustomStringConvertible {
        case input(InputError)
        case output(OutputError)
        case client(HTTPClientError)
        /// A field that does not compile (``Options/extraction``), before anything is opened.
        case fields(ConfigurationError)
        /// The `--since` file cannot be used: unreadable, not our records, or the output
        /// itself; nothing was opened or fetched.
        case since(PreviousRecords.Failure)
        /// `login:` cannot be used (a secret not set, a selector that does not compile):
        /// before anything is opened or fetched.
        case loginSettings(ConfigurationError)
        /// The login did not give a session, at the start (nothing was opened; `notRecorded`
        /// nil) or later: the run stopped, and the `notRecorded` URLs in flight or queued have
        /// no record, so a resume fetches them.
        case login(LoginError, notRecorded: Int?)
        /// The run's session cannot start: its cookie jar file is locked by another run, is
        /// not a cookie file, or cannot be read; nothing was fetched.
        case session(RunSession.Failure)

        public var description: String {
            switch self {
            case .loginSettings(let error): "\(error)"
            case .login(let error, nil): "\(error)"
            case .login(let error, let notRecorded?):
                "\(error); the run stopped: \(notRecorded) URLs in flight or queued were not recorded (once the login works, run again with --resume to fetch them)"
            case .fields(let error): "\(error)"
            case .since(let error): "\(error)"
            case .session(let error): "\(error)"
            case .input(let error): "\(error)"
            case .output(let error): "\(error)"
            case .client(let error): "\(error)"
            }
        }
    }

    public let options: Options
    /// Called after each record with the running totals and the requests in flight.
    public var onProgress: (@Sendable (RunSummary, Int) -> Void)?
    /// Called with one line for each policy event (an origin's breaker opening, closing).
    public var onNotice: (@Sendable (String) -> Void)?
    /// Called with each policy event itself (the daemon counts open breakers).
    public var onEvent: (@Sendable (Scheduler<ContinuousClock>.Event) -> Void)?
    /// Called with what each attempt came to, retried ones included, on the attempt's task
    /// (the daemon's request metrics).
    public var onAttempt: (@Sendable (RequestReport) -> Void)?
    /// The client to fetch with; nil makes one for the run and shuts it down at the end.
    /// The daemon shares one across runs.
    public var client: HTTPClient?
    /// The daemon's host table, shared with its other runs; nil: this run's hosts are its own.
    public var hosts: HostTable<ContinuousClock.Instant>?
    /// The daemon's robots.txt documents, shared with its other runs; nil: this run fetches its own.
    public var robotsDocuments: SharedRobotsDocuments?
    /// Asked before anything starts; once false, nothing more is read or started, while
    /// transfers already started finish (the daemon's drain). The run's summary then says
    /// `interrupted`, and the URLs not started have no record, so a resume redoes them.
    public var intakeOpen: (@Sendable () -> Bool)?

    public init(options: Options) {
        self.options = options
    }

    /// Runs to the end of the input, or until the calling task is cancelled.
    ///
    /// - Throws: ``Failure``: the input cannot be opened or read, or the output cannot be written.
    public func run() async throws(Failure) -> RunSummary {
        let started = ContinuousClock.now
        var summary = RunSummary()
        summary.resumable = options.output != "-"
        var resumeIndex = ResumeIndex()
        let extractor: PageExtractor?
        do throws(ConfigurationError) {
            extractor = try options.extraction.pageExtractor()
        } catch {
            throw .fields(error)
        }
        let since = try Self.loadSince(options.since, output: options.output, ownOutput: options.sinceOwnOutput)
        summary.since = since.map { RunSummary.Since(path: $0.path) }
        // The session (headers, cookie jar; a login turns the jar on) and the login come
        // before the output is opened: a run that cannot log in leaves an earlier output as it was.
        let session = try Self.openSession(
            options.http.withCookies(options.login != nil), inputs: [options.input, options.output] + (options.since.map { [$0] } ?? []))
        let client: HTTPClient
        let loginSession: LoginSession?
        do throws(RunStart.Failure) {
            let start = try await RunStart.open(
                http: options.http, shared: self.client, login: options.login, loginKey: options.loginKey, session: session)
            (client, loginSession) = (start.client, start.login)
        } catch {
            switch error {
            case .client(let error): throw .client(error)
            case .loginSettings(let error): throw .loginSettings(error)
            case .login(let error): throw .login(error, notRecorded: nil)
            }
        }
        summary.logins = await loginSession?.logins ?? 0
        let source: URLSource
        let writer: RecordWriter
        do {
            source = try URLSource(path: options.input)
        } catch {
            if self.client == nil { await client.shutdown() }
            try? session.close()
            throw .input(error)
        }
        do {
            let file = try OutputFile(
                path: options.output, mode: options.mode == .replace ? .replace : .resume, inputs: [options.input] + (options.since.map { [$0] } ?? []))
            if case .resume(let offset) = options.mode {
                resumeIndex = try ResumeIndex.load(file: file, from: offset, retrying: options.retryFailed)
                summary.repairedBytes = resumeIndex.repairedBytes
                summary.retriedFailures = resumeIndex.retriedCount
            }
            writer = RecordWriter(file: file)
        } catch {
            if self.client == nil { await client.shutdown() }
            try? session.close()
            throw .output(error)
        }
        let robots = options.http.robotsTxt == .obey
            ? RobotsCache(
                client: client, userAgent: options.http.userAgent, store: robotsDocuments?.store(userAgent: options.http.userAgent),
                session: session.defaults)
            : nil
        let pipeline = PagePipeline(
            client: client, robots: robots, extractor: extractor, extraction: options.extraction, since: since, session: session.defaults,
            login: loginSession)
        let revisit = since.map { RevisitStage(previous: $0, extraction: options.extraction) }
        var scheduler = Scheduler(limits: options.http.schedulerLimits, politeness: options.http.politeness)
        scheduler.hosts = hosts
        let onNotice = self.onNotice
        let onEvent = self.onEvent
        let onAttempt = self.onAttempt
        let intakeOpen = LoginSession.intake(loginSession, over: self.intakeOpen)
        let maxURLLength = options.http.clientConfiguration.limits.maxURLLength
        let onProgress = self.onProgress
        let extraction = options.extraction

        var failure: Failure?
        do {
            let outcome = try await withTaskExecutorPreference(RunExecutor.shared) { try await scheduler.run(
                read: { () async throws -> [URLSource.Line]? in try await source.nextBatch() },
                admit: { (line: URLSource.Line) -> Scheduler.Input<QueuedPage, ScrapeRecord> in
                    if line.invalidBytes.map({ resumeIndex.consume(bytes: $0) }) ?? resumeIndex.consume(line.text) {
                        summary.skipped += 1
                        return .skip
                    }
                    switch line.admission(maxURLLength: maxURLLength) {
                    case .request(let prepared):
                        return .work(QueuedPage(request: prepared, line: line), host: prepared.host, origin: prepared.origin)
                    case .record(let record):
                        return .ready(record)
                    }
                },
                perform: { job, attempt in
                    var result = await pipeline.attempt(job.request, number: attempt)
                    if let record = result?.output {
                        onAttempt?(RequestReport(record))
                        result?.output = record.keepingURL(of: job.line)
                    }
                    return result
                },
                reject: { job, attempts in ScrapeRecord.circuitOpen(job.request, attempts: attempts).keepingURL(of: job.line) },
                emit: { record, inFlight in
                    let record = revisit?.marked(record) ?? record
                    // Encoded straight into the writer's buffer: no array per line.
                    let keyed = record.keyed(for: extraction)
                    try writer.appendLine { JSONLineEncoder.encode(keyed, into: &$0) }
                    if writer.isFlushDue { try writer.flush() }
                    summary.add(record)
                    onProgress?(summary, inFlight)
                },
                flush: { try writer.flush() },
                intakeOpen: intakeOpen,
                onEvent: { event in
                    onEvent?(event)
                    summary.note(event)
                    if let notice = event.notice { onNotice?(notice) }
                }
            ) }
            summary.interrupted = outcome.cancelled || outcome.drained
            summary.notRecorded = outcome.dropped
            summary.retries = outcome.retries
            if !summary.interrupted { summary.unmatchedRecords = resumeIndex.unconsumedCount }
        } catch let error as InputError {
            failure = .input(error)
        } catch let error as OutputError {
            failure = .output(error)
        } catch {
            failure = .output(OutputError(path: options.output, reason: "\(error)"))
        }
        if self.client == nil { await client.shutdown() }
        do {
            // After every transfer ended: the jar holds what the last response set.
            try session.close()
        } catch {
            failure = failure ?? .output(error)
        }
        do {
            try writer.close()
        } catch {
            failure = failure ?? .output(error)
        }
        if let loginSession {
            summary.logins = await loginSession.logins
            if let loginFailure = await loginSession.failure { failure = failure ?? .login(loginFailure, notRecorded: summary.notRecorded) }
        }
        if let failure { throw failure }
        summary.elapsed = ContinuousClock.now - started
        summary.proxies = pipeline.proxies?.counts ?? []
        return summary
    }
}

extension ScrapeRun {
    /// Opens the run's session (headers, cookie jar and its file) before anything is
    /// fetched; `inputs` are the files the jar file must not be.
    ///
    /// - Throws: ``Failure/session(_:)``.
    public static func openSession(_ http: ScrapeConfiguration.HTTP, inputs: [String]) throws(Failure) -> RunSession {
        do throws(RunSession.Failure) {
            return try RunSession.open(http, inputs: inputs)
        } catch {
            throw .session(error)
        }
    }

    /// Opens and indexes the `--since` file, refusing it when it is the output (the same
    /// path, or the same file through another name): the run would replace the records it
    /// compares with.
    ///
    /// - Throws: ``Failure/since(_:)``.
    /// - Parameter indexingReferrers: also index the records' `referrer` (`scrape crawl`).
    /// - Parameter ownOutput: compare with the output's own earlier records instead of
    ///   `path` (a daemon job's revisit, which appends after the records it compares with);
    ///   a missing output compares with nothing.
    public static func loadSince(
        _ path: String?, output: String, indexingReferrers: Bool = false, ownOutput: Bool = false
    ) throws(Failure) -> PreviousRecords? {
        guard let path = ownOutput ? (access(output, F_OK) == 0 ? output : nil) : path else { return nil }
        let since: PreviousRecords
        do throws(PreviousRecords.Failure) {
            since = try PreviousRecords(path: path, indexingReferrers: indexingReferrers)
        } catch {
            throw .since(error)
        }
        if !ownOutput, since.isSameFile(as: output) {
            let named = output == "-" ? "standard output" : "-o \(output)"
            throw .since(.init(path: path, reason: "\(named) is this file: the run would replace the records it compares with; write to another file"))
        }
        return since
    }
}

extension Scheduler.Event {
    /// The event as a log line that names the origin; nil for an adaptive limit's change,
    /// which the summary reports at the end instead (it changes many times a second).
    public var notice: String? {
        switch self {
        case .circuitOpened(let origin, let cooldown):
            "circuit breaker for \(origin) opened: its URLs wait \(cooldown.configDescription) for a probe"
        case .circuitHalfOpened(let origin): "circuit breaker for \(origin) half-open: probing"
        case .circuitClosed(let origin): "circuit breaker for \(origin) closed: the origin answers again"
        case .concurrencyLimit: nil
        }
    }
}
