import ScrapeBase
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
    /// Called with each record's bytes as written (without `--with-meta`'s wrapper): how a
    /// parent job hands its records to its children.
    public var onRecord: (@Sendable (_ record: [UInt8]) -> Void)?

    public init(options: Options) {
        self.options = options
    }

    /// One walk of the endpoint: the job's own, or one per parent record with `resolve:`.
    private struct Walk {
        var pagination: Pagination
        /// `,"_PARENT_FIELD":value` pairs appended to each record (`include_from_parent`).
        var extraFields: [UInt8] = []
        /// Pages queued so far; the next is numbered this.
        var queued = 1
        /// Results that arrived before the page they follow.
        var parked: [Int: PageResult] = [:]
        /// The page whose records are written next.
        var nextIndex = 0
        var completed = false
    }

    /// Runs the job with `client`.
    ///
    /// - Parameter parentRecords: with `resolve:`, the parent job's records (as written),
    ///   one walk of this endpoint per record; ignored otherwise.
    /// - Throws: ``Failure``; records written before a failure stay written (and fsynced),
    ///   but the incremental state is not advanced.
    public func run(client: HTTPClient, parentRecords: [[UInt8]] = []) async throws(Failure) -> Summary {
        let started = ContinuousClock.now
        let name = options.job.name
        let authenticator: APIAuthenticator
        let state: IncrementalState?
        do {
            authenticator = try APIAuthenticator(options.api.auth, keyPath: options.keyPath + ".api.auth", client: client)
        } catch {
            throw .configuration(error)
        }
        do {
            state = options.api.incremental == nil ? nil : try IncrementalState.load(path: options.resolvedStatePath)
        } catch {
            throw .output(error)
        }
        // The walks and their first requests: one for the job, or one per parent record.
        var walks: [Walk] = []
        var firstRequests: [PageRequest] = []
        let targets: [(path: String, extra: [UInt8])]
        do {
            targets = options.api.resolve.isEmpty ? [(options.api.path, [])] : try parentRecords.map(childTarget)
        } catch {
            throw .job(error, recordsKept: 0, output: options.output)
        }
        for (path, extra) in targets {
            let pagination = Pagination(options.api.paginator, bodyPaths: options.api.bodyPaths, body: options.api.json)
            var firstQuery = options.api.params + pagination.firstParameters()
            if let incremental = options.api.incremental, let value = state?.lastValue ?? incremental.initialValue {
                firstQuery.append((incremental.param, value))
            }
            let url: String
            do {
                url = HTTPURL.settingQueryItems(firstQuery, in: try HTTPURL.resolve(path, against: options.api.baseURL))
            } catch {
                throw .configuration(ConfigurationError(key: options.keyPath + ".api.path", message: "\(path): \(error)"))
            }
            firstRequests.append(PageRequest(walk: walks.count, index: 0, url: url, body: pagination.body?.encoded))
            walks.append(Walk(pagination: pagination, extraFields: extra))
        }

        let writer: RecordWriter
        do {
            writer = try RecordWriter(path: options.output, truncate: options.api.incremental == nil && !options.appends, inputs: options.inputs)
        } catch {
            throw .output(error)
        }
        var summary = Summary()
        var written = 0
        var largest = state?.lastValue
        var walksLeft = walks.count
        let firstURL = firstRequests.first?.url ?? options.api.baseURL
        // Pages go through the scheduler as scraping's URLs do (rates, retries with backoff
        // and Retry-After, the per-origin breaker). In each walk, a next page is queued when
        // the page before it has told where it is, or all of them at once when the first
        // page tells the total; results are taken in page order (early ones wait in
        // `parked`), so each walk's records are its sequential walk's, byte for byte. Walks
        // run side by side; their records interleave by page.
        let (requests, nextRequest) = AsyncStream.makeStream(of: PageRequest.self)
        for request in firstRequests { nextRequest.yield(request) }
        if walks.isEmpty { nextRequest.finish() }
        let attempter = PageAttempter(options: options, client: client, authenticator: authenticator, onAttempt: onAttempt)
        let http = options.http
        let scheduler = Scheduler(
            limits: .init(concurrency: http.concurrency, perHostConcurrency: http.perHostConcurrency), politeness: http.politeness)
        let onRecord = self.onRecord

        /// Ends walk `index` with `reason`; the last one ends the input.
        func complete(_ index: Int, _ reason: String) {
            walks[index].completed = true
            if walks.count == 1 || summary.stopReason.isEmpty { summary.stopReason = reason }
            walksLeft -= 1
            if walksLeft == 0 { nextRequest.finish() }
        }

        /// Writes one page's records and queues what follows it in its walk.
        func take(_ result: PageResult) throws {
            let walk = result.walk
            let response: FetchResponse
            switch result.result {
            case .failure(let message, let retryable):
                let exhausted = retryable && result.attempt >= http.retries + 1
                throw APIError(job: name, url: result.url, message: message + (exhausted ? " after \(result.attempt) attempts" : ""))
            case .ignored(let status):
                summary.ignored += 1
                complete(walk, "response_actions ignored a response (HTTP \(status))")
                return
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
            let extra = walks[walk].extraFields
            for record in records {
                var bytes = record.compactBytes(in: response.body)
                if !extra.isEmpty {
                    guard case .object(let members, _) = record, bytes.last == UInt8(ascii: "}") else {
                        throw APIError(job: name, url: result.url, message: "include_from_parent needs records that are JSON objects")
                    }
                    bytes.removeLast()
                    bytes += members.isEmpty ? extra.dropFirst() : extra[...]
                    bytes.append(UInt8(ascii: "}"))
                }
                onRecord?(bytes)
                var line = options.withMeta ? Self.metaPrefix(job: name, pageURL: result.url) : []
                line += bytes
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
            if result.index == 0, let rest = walks[walk].pagination.remainingRequests(after: page) {
                for request in rest {
                    nextRequest.yield(PageRequest(walk: walk, index: walks[walk].queued, url: request.url, body: request.body?.encoded))
                    walks[walk].queued += 1
                }
            }
            do {
                // Every page, in order, through the same decisions as a sequential walk: its
                // stop reason is the output's, and a page already queued is not queued again.
                switch try walks[walk].pagination.next(after: page) {
                case .url(let next):
                    if walks[walk].nextIndex >= walks[walk].queued {
                        nextRequest.yield(PageRequest(walk: walk, index: walks[walk].queued, url: next, body: walks[walk].pagination.body?.encoded))
                        walks[walk].queued += 1
                    }
                case .stop(let reason):
                    complete(walk, reason)
                }
            } catch {
                throw APIError(job: name, url: error.url, message: error.message)
            }
        }

        do {
            let outcome = try await scheduler.run(
                read: { () async -> [PageRequest]? in
                    for await request in requests { return [request] }
                    return nil
                },
                admit: { (request: PageRequest) -> Scheduler<ContinuousClock>.Input<PageRequest, PageResult> in
                    guard let prepared = try? FetchRequest.Prepared(FetchRequest(url: request.url)) else {
                        return .ready(
                            PageResult(
                                walk: request.walk, index: request.index, url: request.url,
                                result: .failure("not a URL the client can request", retryable: false), attempt: 0))
                    }
                    return .job(request, host: prepared.host, origin: prepared.origin)
                },
                perform: { request, number in await attempter.attempt(request, number: number) },
                reject: { request, attempts in
                    PageResult(
                        walk: request.walk, index: request.index, url: request.url,
                        result: .failure("the circuit breaker of its origin stayed open past circuit_breaker.give_up_after", retryable: false),
                        attempt: attempts)
                },
                emit: { arrived, _ in
                    guard !walks[arrived.walk].completed else { return }  // queued at once, after its walk ended early
                    walks[arrived.walk].parked[arrived.index] = arrived
                    while !walks[arrived.walk].completed, let result = walks[arrived.walk].parked.removeValue(forKey: walks[arrived.walk].nextIndex) {
                        walks[arrived.walk].nextIndex += 1
                        try take(result)
                    }
                },
                flush: { try writer.flush() }
            )
            summary.retries = outcome.retries
            if walksLeft > 0 { throw APIError(job: name, url: firstURL, message: "cancelled") }
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
            throw .job(APIError(job: name, url: firstURL, message: "\(error)"), recordsKept: written, output: options.output)
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
        if summary.stopReason.isEmpty, walks.isEmpty { summary.stopReason = "no parent records" }
        summary.elapsed = ContinuousClock.now - started
        return summary
    }

    /// The path and `include_from_parent` fields of the walk for one parent record.
    private func childTarget(_ parent: [UInt8]) throws(APIError) -> (path: String, extra: [UInt8]) {
        let name = options.job.name
        let value: JSONValue
        do {
            value = try JSONParser.parse(parent)
        } catch {
            throw APIError(job: name, message: "a record of parent job \(options.api.parentJob ?? "") is not JSON: \(error)")
        }
        var path = options.api.path
        for resolved in options.api.resolve {
            guard let text = value.value(at: resolved.field)?.scalarText(in: parent) else {
                throw APIError(job: name, message: "a record of parent job \(resolved.job) has no \(resolved.field) for {\(resolved.param)}")
            }
            path = path.replacing("{\(resolved.param)}", with: HTTPURL.percentEncode(text))
        }
        var extra: [UInt8] = []
        for field in options.api.includeFromParent {
            extra.append(UInt8(ascii: ","))
            let key = "_\(options.api.parentJob ?? "parent")_" + "\(field)".map { $0 == "." ? "_" : $0 }
            JSONLineEncoder.appendString(key, to: &extra)
            extra.append(UInt8(ascii: ":"))
            extra += value.value(at: field).map { $0.compactBytes(in: parent) } ?? Array("null".utf8)
        }
        return (path, extra)
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

    /// The records of a job's output file (one JSON line each), for a child job's walks
    /// (`scrape api --from-output`, and the daemon, which keeps every job's output).
    ///
    /// - Throws: ``OutputError`` when the file cannot be read.
    public static func records(inOutput path: String) throws(OutputError) -> [[UInt8]] {
        guard let text = FileContents.read(path, limit: 1 << 30) else {
            throw OutputError(path: path, reason: "cannot read it: " + SystemCall.errorMessage())
        }
        return text.utf8.split(separator: UInt8(ascii: "\n")).map(Array.init)
    }
}
