public import ScrapeCore
public import ScrapeHTTP
import ScrapeHTML
public import ScrapePages
import Glibc

/// One `scrape crawl`: seeds → state → scheduler → page pipeline (title, fields,
/// metadata and links from one parse) → record → JSON Lines, the links going back into
/// the state.
///
/// The same parts as ``ScrapeRun``: the scheduler with its politeness (per-host slots and
/// rates, breakers, retries), robots.txt, the page pipeline's stages 1-3, the one output
/// writer. What differs is the input: the queue in the state file (``CrawlState``), read
/// in batches, lowest depth first. Records are `scrape run`'s plus `depth` and `referrer`
/// after `fetched_at`.
public struct CrawlRun: Sendable, PageRunHooks {
    public struct Options: Sendable {
        public var settings: CrawlSettings
        /// The output path, or `-` for stdout.
        public var output: String
        /// The state file; nil: `OUTPUT.state` beside the output, or a temporary file
        /// (removed at the end) when the output is stdout.
        public var state: String?
        /// Continue the crawl of `state` and `output` (`--resume`).
        public var resume: Bool
        /// Keep the output and append to it, this crawl's records beginning at this byte
        /// (a daemon job's output holds every run's records); nil: the output is the
        /// crawl's alone, replaced unless ``resume``. A fresh crawl passes the output's
        /// size; a resumed one, the offset its fresh start was given, so its records (and
        /// only its) are read back to reconcile the state with.
        public var appendFrom: Int64?
        public var http: ScrapeConfiguration.HTTP
        /// Fields and metadata taken from each HTML page; empty for titles only.
        public var extraction: ScrapeConfiguration.Extraction
        /// Files the command reads (a seeds file), which the output must not be.
        public var inputs: [String]
        /// `--since`: an earlier crawl's output to compare with (``CrawlRevisit``); nil for none.
        public var since: String?
        /// Compare with the output's own earlier records instead (a daemon `crawl:` job's
        /// `revisit`: its output appends crawl after crawl). A missing output compares with
        /// nothing.
        public var sinceOwnOutput = false
        /// `login:`: logged in before the first request, and again whenever a page shows the
        /// session ended (``ScrapePages/LoginSession``); nil for none.
        public var login: ScrapeConfiguration.Login?
        /// Where ``login`` is in the config, for messages (`login`, `jobs[2].login`).
        public var loginKey = "login"

        public init(
            settings: CrawlSettings, output: String, state: String? = nil, resume: Bool = false, http: ScrapeConfiguration.HTTP = .init(),
            extraction: ScrapeConfiguration.Extraction = .init(), inputs: [String] = []
        ) {
            self.settings = settings
            self.output = output
            self.state = state
            self.resume = resume
            self.http = http
            self.extraction = extraction
            self.inputs = inputs
        }

        /// The state file's path for these options: `--state`, else `OUTPUT.state` when the
        /// output path is a regular file (or not there yet); nil (a temporary state) for
        /// stdout, a device, a FIFO or a symlink, beside which no file belongs
        /// (`-o /dev/null`, `-o /dev/stdout`).
        public var statePath: String? {
            if let state { return state }
            guard output != "-" else { return nil }
            var info = stat()
            if lstat(output, &info) == 0, info.st_mode & S_IFMT != S_IFREG { return nil }
            return output + ".state"
        }
    }

    /// Why a crawl could not start or had to stop.
    public enum Failure: Error, CustomStringConvertible {
        case output(OutputError)
        case client(HTTPClientError)
        case fields(ConfigurationError)
        /// `login:` cannot be used (a secret not set, a selector that does not compile).
        case loginSettings(ConfigurationError)
        /// The login did not give a session: at the start (nothing opened; `notRecorded`
        /// nil), or later (the crawl stopped; a resume goes on from its state).
        case login(LoginError, notRecorded: Int?)
        /// The state file may not be used (another crawl's, not a state, missing on
        /// `--resume`): exit 2, nothing changed.
        case refused(String)
        /// The state file cannot be written.
        case state(String)

        public var description: String {
            switch self {
            case .output(let error): "\(error)"
            case .client(let error): "\(error)"
            case .fields(let error): "\(error)"
            case .loginSettings(let error): "\(error)"
            case .login(let error, nil): "\(error)"
            case .login(let error, let notRecorded?):
                "\(error); the crawl stopped: \(notRecorded) URLs in flight were not recorded (once the login works, run again with --resume to go on)"
            case .refused(let message): message
            case .state(let message): "crawl state: \(message)"
            }
        }
    }

    public let options: Options
    /// Called after each record with the running totals and the requests in flight.
    public var onProgress: (@Sendable (RunSummary, Int) -> Void)?
    /// Called with one line for each policy event (an origin's breaker opening, closing)
    /// and each sitemap problem.
    public var onNotice: (@Sendable (String) -> Void)?
    /// Called with each policy event itself (the daemon counts open breakers).
    public var onEvent: (@Sendable (Scheduler<ContinuousClock>.Event) -> Void)?
    /// Called with what each attempt came to, retried ones included, on the attempt's task
    /// (the daemon's request metrics).
    public var onAttempt: (@Sendable (RequestReport) -> Void)?
    /// Called after each record with what it changed (the daemon's crawl metrics).
    public var onPage: (@Sendable (CrawlStep) -> Void)?
    /// The client to fetch with; nil makes one for the crawl and shuts it down at the end.
    /// The daemon shares one across runs.
    public var client: HTTPClient?
    /// The daemon's host table, shared with its other runs; nil: this run's hosts are its own.
    public var hosts: HostTable<ContinuousClock.Instant>?
    /// The daemon's robots.txt documents, shared with its other runs; nil: this run fetches its own.
    public var robotsDocuments: SharedRobotsDocuments?
    /// Asked before anything starts; once false, no more URLs are taken from the queue,
    /// while pages already started finish and are recorded, their links queued (the
    /// daemon's drain). The summary then says `interrupted`; the state keeps the rest, and
    /// a resume goes on from it.
    public var intakeOpen: (@Sendable () -> Bool)?

    public init(options: Options) {
        self.options = options
    }

    /// Crawls until the queue is empty, or until the calling task is cancelled.
    public func run() async throws(Failure) -> CrawlSummary {
        let started = ContinuousClock.now
        var summary = CrawlSummary()
        summary.run.resumable = options.statePath != nil
        let extractor: PageExtractor
        do throws(ConfigurationError) {
            if let compiled = try options.extraction.pageExtractor() {
                extractor = compiled
            } else {
                extractor = PageExtractor(fields: try options.extraction.fieldSet(), metadata: false)
            }
        } catch {
            throw .fields(error)
        }
        if options.resume, options.statePath == nil {
            throw .refused("--resume with an output that is not a regular file (\(options.output)) needs --state FILE: the state is where the crawl goes on from")
        }
        let temporary = options.statePath == nil ? TemporaryState() : nil
        defer { temporary?.remove() }
        guard let statePath = options.statePath ?? temporary?.path else { throw .state("cannot create a temporary state file") }
        summary.statePath = options.statePath
        let stateExists = access(statePath, F_OK) == 0
        if stateExists {
            try Self.refuseForeign(statePath, settings: options.settings)
        }
        let revisit = try CrawlRevisit.load(options)
        summary.run.since = revisit?.summary
        // The session (headers, cookie jar; a login turns the jar on) and the login come
        // before the output is opened: a crawl that cannot log in leaves an earlier output as it was.
        let session: RunSession
        do throws(ScrapeRun.Failure) {
            session = try ScrapeRun.openSession(options.http.withCookies(options.login != nil), inputs: options.inputs + [options.output, statePath])
        } catch {
            throw .refused(error.description)
        }
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
        let ownsClient = self.client == nil
        summary.run.logins = await loginSession?.logins ?? 0
        let writer: RecordWriter
        let state: CrawlState
        do throws(Failure) {
            (writer, state) = try openRecords(statePath: statePath, stateExists: stateExists, summary: &summary)
        } catch {
            if ownsClient { await client.shutdown() }
            try? session.close()
            throw error
        }
        if state.sitemapsPending {
            let report = await SitemapReader(client: client, settings: options.settings, maxBody: options.http.clientConfiguration.limits.maxBodyBytes).read()
            for problem in report.problems { onNotice?(problem) }
            summary.sitemapFiles = report.files
            do {
                summary.sitemapURLs = try state.addSitemapFinds(report.finds)
            } catch {
                if ownsClient { await client.shutdown() }
                try? session.close()
                try? writer.close()
                throw .state("\(error)")
            }
        }
        var failure: Failure?
        do {
            let outcome = try await crawl(
                state: state, extractor: extractor, client: client, session: session.defaults, login: loginSession, writer: writer, revisit: revisit,
                summary: &summary)
            summary.run.interrupted = outcome.cancelled || outcome.drained
            summary.run.notRecorded = outcome.dropped
            summary.run.retries = outcome.retries
        } catch let error as OutputError {
            failure = .output(error)
        } catch let error as SQLiteError {
            failure = .state("\(error)")
        } catch {
            failure = .state("\(error)")
        }
        if ownsClient { await client.shutdown() }
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
            summary.run.logins = await loginSession.logins
            if let loginFailure = await loginSession.failure { failure = failure ?? .login(loginFailure, notRecorded: summary.run.notRecorded) }
        }
        summary.links = (try? state.linkCounts()) ?? LinkCounts()
        summary.unfinished = state.unrecordedCount
        state.close()
        if let failure { throw failure }
        summary.run.elapsed = ContinuousClock.now - started
        return summary
    }

    /// Opens the output (and reads back what a resumed crawl recorded) and the crawl state.
    private func openRecords(statePath: String, stateExists: Bool, summary: inout CrawlSummary) throws(Failure) -> (RecordWriter, CrawlState) {
        var resumeIndex = ResumeIndex()
        /// Whether the output can be read back: stdout cannot, and then the state alone says
        /// what was recorded.
        var outputReadable = false
        let writer: RecordWriter
        do {
            // A fresh crawl that appends (a daemon run) only cuts a partial last line.
            let mode: OutputFile.Mode = options.resume ? .resume : options.appendFrom != nil ? .append : .replace
            let file = try OutputFile(path: options.output, mode: mode, inputs: options.inputs + [statePath])
            summary.run.repairedBytes = file.repairedBytes
            outputReadable = file.isRegularFile
            if options.resume {
                resumeIndex = try ResumeIndex.load(file: file, from: options.appendFrom ?? 0)
                summary.run.repairedBytes = resumeIndex.repairedBytes
                if !stateExists, resumeIndex.recordCount > 0 {
                    throw CrawlRunRefusal(
                        "--resume: the crawl state \(statePath) does not exist, so the queue of \(options.output) is lost; "
                            + "give its --state, or start afresh without --resume")
                }
            }
            writer = RecordWriter(file: file)
        } catch let error as OutputError {
            throw .output(error)
        } catch {
            throw .refused("\(error)")
        }
        let state: CrawlState
        do {
            state = try CrawlState(path: statePath, settings: options.settings, fresh: !options.resume || !stateExists)
            if options.resume, outputReadable { summary.requeued = try state.reconcile(with: &resumeIndex) }
        } catch let failure as CrawlStateFailure {
            try? writer.close()
            switch failure {
            case .foreign(let message): throw .refused(message)
            case .sqlite(let error): throw .state("\(error)")
            }
        } catch {
            try? writer.close()
            throw .state("\(error)")
        }
        summary.run.skipped = resumeIndex.recordCount
        return (writer, state)
    }

    /// What a state file holds, for a caller deciding whether to go on with it (a daemon
    /// job) before anything is changed.
    public enum SavedCrawl: Sendable, Equatable {
        /// No file there.
        case none
        /// Not a crawl state, another crawl's (other settings), or in use.
        case other
        /// A crawl with these settings, done: nothing queued or in flight, sitemaps read.
        case finished
        /// A crawl with these settings that has URLs left, or sitemaps still to read.
        case unfinished
    }

    /// What the state file at `path` holds, for a crawl with `settings`.
    public static func savedCrawl(statePath path: String, settings: CrawlSettings) -> SavedCrawl {
        guard access(path, F_OK) == 0 else { return .none }
        guard (try? CrawlStore.check(path: path, fingerprint: settings.fingerprint)) != nil,
            let state = try? CrawlState(path: path, settings: settings, fresh: false)
        else { return .other }
        defer { state.close() }
        return state.unrecordedCount > 0 || state.sitemapsPending ? .unfinished : .finished
    }

    /// Removes the state file at `path` and SQLite's files beside it (`-wal`, `-shm`), so a
    /// fresh crawl starts there whatever crawl it held (a daemon job whose settings changed).
    public static func removeState(at path: String) {
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
    }

    /// Refuses a state file that is not a crawl state, or another crawl's, before anything
    /// (the output included) is changed.
    private static func refuseForeign(_ path: String, settings: CrawlSettings) throws(Failure) {
        do {
            try CrawlStore.check(path: path, fingerprint: settings.fingerprint)
        } catch {
            switch error {
            case .foreign(let message): throw .refused(message)
            case .sqlite(let error): throw .state("\(error)")
            }
        }
    }

    /// The scheduler's run over the state's queue.
    private func crawl(
        state: CrawlState, extractor: PageExtractor, client: HTTPClient, session: RequestDefaults, login loginSession: LoginSession?,
        writer: RecordWriter, revisit: CrawlRevisit?, summary: inout CrawlSummary
    ) async throws -> Scheduler<ContinuousClock>.Outcome {
        let robots = options.http.robotsTxt == .obey
            ? RobotsCache(
                client: client, userAgent: options.http.userAgent, store: robotsDocuments?.store(userAgent: options.http.userAgent), session: session)
            : nil
        let pipeline = PagePipeline(
            client: client, robots: robots, extraction: options.extraction, since: revisit?.stage.previous, session: session, login: loginSession)
        var scheduler = Scheduler(limits: options.http.schedulerLimits, politeness: options.http.politeness)
        scheduler.hosts = hosts
        let stage = CrawlBodyStage(extractor: extractor, extraction: options.extraction, filter: LinkFilter(settings: options.settings))
        let maxURLLength = options.http.clientConfiguration.limits.maxURLLength
        let extraction = options.extraction
        let onProgress = self.onProgress
        let onNotice = self.onNotice
        let onEvent = self.onEvent
        let onAttempt = self.onAttempt
        let onPage = self.onPage
        let intakeOpen = LoginSession.intake(loginSession, over: self.intakeOpen)
        var run = summary.run
        defer { summary.run = run }
        return try await withTaskExecutorPreference(SharedRunExecutor.executor) { try await scheduler.run(
            read: { () async throws -> [QueuedURL]? in try await state.nextBatch() },
            admit: { (queued: QueuedURL) -> Scheduler.Input<CrawlPage, CrawlResult> in
                do throws(HTTPClientError) {
                    let request = try FetchRequest.Prepared(FetchRequest(url: queued.url), maxURLLength: maxURLLength)
                    let page = CrawlPage(queued: queued, request: request, scope: state.scope(ofSeed: queued.seed))
                    return .work(page, host: request.host, origin: request.origin)
                } catch {
                    return .ready(CrawlResult(queued: queued, record: ScrapeRecord.rejected(queued.url, because: error), links: nil))
                }
            },
            // Stages 1-3 hold the host's slot; stage 4 (the parse, the links) runs after the
            // scheduler freed it, so the host's next request need not wait for this page.
            perform: { page, attempt in await pipeline.fetch(page.request, number: attempt)?.schedulerAttempt },
            complete: { page, classified in
                let result = pipeline.finish(classified, reading: { body, record in stage.extract(from: &body, into: &record, scope: page.scope) })
                onAttempt?(RequestReport(result.attempt.output))
                let links = result.extra ?? revisit?.links(of: page, record: result.attempt.output)
                return CrawlResult(queued: page.queued, record: result.attempt.output, links: links)
            },
            reject: { page, attempts in
                CrawlResult(queued: page.queued, record: ScrapeRecord.circuitOpen(page.request, attempts: attempts), links: nil)
            },
            emit: { result, inFlight in
                let result = revisit?.marked(result) ?? result
                // The state first: a crash between the two re-queues the URL on --resume.
                let links = try state.record(result.queued, links: result.links)
                try writer.append(line: JSONLineEncoder.line(for: result.crawlRecord.keyed(for: extraction)))
                run.add(result.record)
                onProgress?(run, inFlight)
                if let onPage { onPage(CrawlStep(links: links, queued: state.unrecordedCount)) }
            },
            flush: { try writer.flush() },
            intakeOpen: intakeOpen,
            onEvent: { event in
                onEvent?(event)
                run.note(event)
                if let notice = event.notice { onNotice?(notice) }
            }
        ) }
    }
}

/// A state file refused before the output was opened or read.
struct CrawlRunRefusal: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
