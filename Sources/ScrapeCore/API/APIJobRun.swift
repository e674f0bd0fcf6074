public import ScrapeHTTP
import ScrapeResilience

/// One run of an `api:` job: every page, every record, as JSON Lines.
///
/// Pages go through the same scheduler as scraping's URLs (per-origin queue and breaker,
/// per-host slots and rates, retries with backoff and `Retry-After`); each page depends on
/// the one before, so it is queued when that one has said where it is. Records are copied byte for byte
/// from the page (whitespace outside strings removed so each is one line): numbers keep
/// their digits, keys their order. With `incremental:` the largest cursor value is saved
/// after the output is fsynced, and sent as `param` on the next run.
public struct APIJobRun: Sendable {
    /// What to run.
    public struct Options: Sendable {
        public var job: ScrapeConfiguration.Job
        public var api: ScrapeConfiguration.API
        /// Where the job sits in the file (`jobs[1]`), for messages.
        public var keyPath: String
        /// Output path or `-`.
        public var output: String
        /// The incremental state file; nil derives `OUTPUT.state.json` (or `NAME.state.json` for stdout).
        public var statePath: String?
        public var http: ScrapeConfiguration.HTTP
        /// Keep the output's earlier records and add this run's after them (the daemon);
        /// otherwise a job without `incremental:` starts its output empty.
        public var appends = false
        /// Files the run reads (the config file), which the output must never be.
        public var inputs: [String] = []
        /// `--with-meta`: each line is `{"job":...,"page_url":...,"record":<as sent>}`;
        /// otherwise the record alone, byte for byte.
        public var withMeta = false

        public init(job: ScrapeConfiguration.Job, api: ScrapeConfiguration.API, keyPath: String, output: String, statePath: String? = nil, http: ScrapeConfiguration.HTTP) {
            self.job = job
            self.api = api
            self.keyPath = keyPath
            self.output = output
            self.statePath = statePath
            self.http = http
        }

        var resolvedStatePath: String { statePath ?? (output == "-" ? "\(job.name).state.json" : output + ".state.json") }
    }

    /// Counts of a run.
    public struct Summary: Sendable {
        public var pages = 0
        public var records = 0
        public var retries = 0
        public var elapsed: Duration = .zero
        /// Why paging stopped.
        public var stopReason = ""
        /// Responses `response_actions` ignored.
        public var ignored = 0
        /// The incremental value saved, when there is one.
        public var savedCursor: String?
    }

    /// Why a run could not start (config, secrets, files) or failed part-way.
    public enum Failure: Error, CustomStringConvertible {
        case configuration(ConfigurationError)
        case output(OutputError)
        /// The API failed part-way; the records written before stay in `output`.
        case job(APIError, recordsKept: Int, output: String)

        public var description: String {
            switch self {
            case .configuration(let error): "\(error)"
            case .output(let error): "\(error)"
            case .job(let error, let kept, let output):
                "\(error); the \(kept) record\(kept == 1 ? "" : "s") written before it \(kept == 1 ? "is" : "are") kept in \(output == "-" ? "standard output" : output)"
            }
        }
    }

    public let options: Options
    /// Called with what each page request came to, retries included (the daemon's metrics).
    public var onAttempt: (@Sendable (RequestReport) -> Void)?

    public init(options: Options) {
        self.options = options
    }

    /// Runs the job with `client`.
    ///
    /// - Throws: ``Failure``; records written before a failure stay written (and fsynced),
    ///   but the incremental state is not advanced.
    public func run(client: HTTPClient) async throws(Failure) -> Summary {
        let started = ContinuousClock.now
        let name = options.job.name
        let authenticator: APIAuthenticator
        let state: IncrementalState?
        var url: String
        do {
            authenticator = try APIAuthenticator(options.api.auth, keyPath: options.keyPath + ".api.auth", client: client)
            url = try HTTPURL.resolve(options.api.path, against: options.api.baseURL)
        } catch let error as ConfigurationError {
            throw .configuration(error)
        } catch {
            throw .configuration(ConfigurationError(key: options.keyPath + ".api.path", message: "\(error)"))
        }
        do {
            state = options.api.incremental == nil ? nil : try IncrementalState.load(path: options.resolvedStatePath)
        } catch {
            throw .output(error)
        }
        var pagination = Pagination(options.api.paginator, bodyPaths: options.api.bodyPaths, body: options.api.json)
        var firstQuery = options.api.params + pagination.firstParameters()
        if let incremental = options.api.incremental, let value = state?.lastValue ?? incremental.initialValue {
            firstQuery.append((incremental.param, value))
        }
        url = HTTPURL.settingQueryItems(firstQuery, in: url)

        let writer: RecordWriter
        do {
            writer = try RecordWriter(path: options.output, truncate: options.api.incremental == nil && !options.appends, inputs: options.inputs)
        } catch {
            throw .output(error)
        }
        var summary = Summary()
        var written = 0
        var largest = state?.lastValue
        var completed = false
        // Pages go through the scheduler as scraping's URLs do (rates, retries with backoff
        // and Retry-After, the per-origin breaker); each next page is queued when the page
        // before it has told where it is, or all of them at once when the first page tells
        // the total. Results are taken in page order (those that arrive early wait in
        // `parked`), so the output is the sequential walk's, byte for byte.
        let (requests, nextRequest) = AsyncStream.makeStream(of: PageRequest.self)
        nextRequest.yield(PageRequest(index: 0, url: url, body: pagination.body?.encoded))
        var queued = 1
        var parked: [Int: PageResult] = [:]
        var nextIndex = 0
        let attempter = PageAttempter(options: options, client: client, authenticator: authenticator, onAttempt: onAttempt)
        let http = options.http
        let scheduler = Scheduler(
            limits: .init(concurrency: http.concurrency, perHostConcurrency: http.perHostConcurrency), politeness: http.politeness)
        do {
            let outcome = try await scheduler.run(
                read: { () async -> [PageRequest]? in
                    for await request in requests { return [request] }
                    return nil
                },
                admit: { (request: PageRequest) -> Scheduler<ContinuousClock>.Input<PageRequest, PageResult> in
                    guard let prepared = try? FetchRequest.Prepared(FetchRequest(url: request.url)) else {
                        return .ready(
                            PageResult(index: request.index, url: request.url, result: .failure("not a URL the client can request", retryable: false), attempt: 0))
                    }
                    return .job(request, host: prepared.host, origin: prepared.origin)
                },
                perform: { request, number in await attempter.attempt(request, number: number) },
                reject: { request, attempts in
                    PageResult(
                        index: request.index, url: request.url,
                        result: .failure("the circuit breaker of its origin stayed open past circuit_breaker.give_up_after", retryable: false),
                        attempt: attempts)
                },
                emit: { arrived, _ in
                    guard !completed else { return }  // a page queued at once, after the walk ended early
                    parked[arrived.index] = arrived
                    while !completed, let result = parked.removeValue(forKey: nextIndex) {
                        nextIndex += 1
                        let response: FetchResponse
                        switch result.result {
                        case .failure(let message, let retryable):
                            let exhausted = retryable && result.attempt >= http.retries + 1
                            throw APIError(job: name, url: result.url, message: message + (exhausted ? " after \(result.attempt) attempts" : ""))
                        case .ignored(let status):
                            summary.ignored += 1
                            summary.stopReason = "response_actions ignored a response (HTTP \(status))"
                            completed = true
                            nextRequest.finish()
                            continue
                        case .page(let page):
                            response = page
                        }
                        let body: JSONValue
                        do {
                            body = try JSONParser.parse(response.body)
                        } catch {
                            throw APIError(job: name, url: result.url, message: "the response is not JSON: \(error)")
                        }
                        guard case .array(let records, _) = body.value(at: options.api.dataSelector) ?? .null(0..<0) else {
                            throw APIError(job: name, url: result.url, message: "data_selector \"\(options.api.dataSelector)\" does not lead to an array of records")
                        }
                        for record in records {
                            var line = options.withMeta ? Self.metaPrefix(job: name, pageURL: result.url) : []
                            line += record.compactBytes(in: response.body)
                            if options.withMeta { line.append(UInt8(ascii: "}")) }
                            line.append(UInt8(ascii: "\n"))
                            try writer.append(line: line)
                            written += 1
                            if let incremental = options.api.incremental,
                                let value = record.value(at: incremental.cursorPath)?.scalarText(in: response.body),
                                largest.map({ IncrementalState.isNewer(value, than: $0) }) ?? true
                            {
                                largest = value
                            }
                        }
                        summary.pages += 1
                        summary.records += records.count
                        let page = Pagination.Page(url: result.url, body: body, source: response.body, headers: response.headers, recordCount: records.count)
                        if result.index == 0, let rest = pagination.remainingRequests(after: page) {
                            for request in rest {
                                nextRequest.yield(PageRequest(index: queued, url: request.url, body: request.body?.encoded))
                                queued += 1
                            }
                        }
                        do {
                            // Every page, in order, through the same decisions as a sequential walk:
                            // its stop reason is the output's, and a page already queued is not again.
                            switch try pagination.next(after: page) {
                            case .url(let next):
                                if nextIndex >= queued {
                                    nextRequest.yield(PageRequest(index: queued, url: next, body: pagination.body?.encoded))
                                    queued += 1
                                }
                            case .stop(let reason):
                                summary.stopReason = reason
                                completed = true
                                nextRequest.finish()
                            }
                        } catch let error as APIError {
                            throw APIError(job: name, url: error.url, message: error.message)
                        }
                    }
                },
                flush: { try writer.flush() }
            )
            summary.retries = outcome.retries
            if !completed { throw APIError(job: name, url: url, message: "cancelled") }
        } catch let error as APIError {
            nextRequest.finish()
            try? writer.close()
            throw .job(error, recordsKept: written, output: options.output)
        } catch let error as OutputError {
            nextRequest.finish()
            throw .output(error)
        } catch {
            nextRequest.finish()
            try? writer.close()
            throw .job(APIError(job: name, url: url, message: "\(error)"), recordsKept: written, output: options.output)
        }
        do {
            try writer.close()
            if options.api.incremental != nil, let largest {
                try IncrementalState(job: name, lastValue: largest).save(path: options.resolvedStatePath)
                summary.savedCursor = largest
            }
        } catch {
            throw .output(error)
        }
        summary.elapsed = ContinuousClock.now - started
        return summary
    }


    /// `{"job":"NAME","page_url":"URL","record":` for `--with-meta`; the record's bytes and
    /// a closing brace follow.
    static func metaPrefix(job: String, pageURL: String) -> [UInt8] {
        var bytes = Array(#"{"job":"#.utf8)
        JSONLineEncoder.appendString(job, to: &bytes)
        bytes += Array(#","page_url":"#.utf8)
        JSONLineEncoder.appendString(pageURL, to: &bytes)
        bytes += Array(#","record":"#.utf8)
        return bytes
    }
}
