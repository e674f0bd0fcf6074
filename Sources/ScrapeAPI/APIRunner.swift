import ScrapePages
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
/// page order (early ones wait in `parked`), so each walk's records are its sequential
/// walk's, byte for byte. A job that fails stops its own walks (and its children's) and
/// keeps what it wrote; the others go on.
public enum APIRunner {
    /// One walk of an endpoint.
    private struct Walk {
        let job: Int
        var pagination: Pagination
        /// `,"_PARENT_FIELD":value` pairs appended to each record (`include_from_parent`).
        var extraFields: [UInt8] = []
        /// Pages queued so far; the next is numbered this.
        var queued = 1
        /// Results that arrived before the page they follow.
        var parked: [Int: PageResult] = [:]
        /// Pages of a known total not queued yet: queued as the walk's written pages make
        /// room, so at most ``fanOutWindow`` pages are queued or waiting beyond the next one
        /// to write and a slow page cannot make the rest of the walk pile up in memory.
        var pending: ArraySlice<(url: String, body: JSONDocument?)> = []
        /// The page whose records are written next.
        var nextIndex = 0
        var completed = false
    }

    /// One job's state during the run.
    private struct Job {
        let run: APIJobRun
        var writer: RecordWriter?
        var state: IncrementalState?
        var summary = APIJobRun.Summary()
        var written = 0
        var largest: String?
        var walksLeft = 0
        /// Whether no more walks can be added: no parent in this run, or it has ended.
        var parentDone = true
        /// The children of this job in this run, by index.
        var children: [Int] = []
        var failure: APIJobRun.Failure?
        var finished = false
    }

    /// Runs `runs` together on `client`.
    ///
    /// - Parameter parentRecords: records of parent jobs not in `runs` (read back from their
    ///   outputs), by job name.
    /// - Returns: each job's summary or failure, in the order of `runs`.
    public static func run(
        _ runs: [APIJobRun], client: HTTPClient, parentRecords: [String: [[UInt8]]] = [:]
    ) async -> [Result<APIJobRun.Summary, APIJobRun.Failure>] {
        let started = ContinuousClock.now
        var jobs: [Job] = []
        var attempters: [PageAttempter?] = []
        for run in runs {
            var job = Job(run: run)
            let options = run.options
            var attempter: PageAttempter?
            do {
                let authenticator = try APIAuthenticator(options.api.auth, keyPath: options.keyPath + ".api.auth", client: client)
                attempter = PageAttempter(options: options, client: client, authenticator: authenticator, onAttempt: run.onAttempt)
                job.state = options.api.incremental == nil ? nil : try IncrementalState.load(path: options.resolvedStatePath)
                job.largest = job.state?.lastValue
                job.writer = try RecordWriter(path: options.output, mode: options.api.incremental == nil && !options.appends ? .replace : .append, inputs: options.inputs)
            } catch let error as ConfigurationError {
                job.failure = .configuration(error)
            } catch let error as OutputError {
                job.failure = .output(error)
            } catch {
                job.failure = .output(OutputError(path: options.output, reason: "\(error)"))
            }
            jobs.append(job)
            attempters.append(attempter)
        }
        for index in jobs.indices {
            if let parent = jobs[index].run.options.api.parentJob, let parentIndex = jobs.firstIndex(where: { $0.run.options.job.name == parent }) {
                jobs[index].parentDone = false
                jobs[parentIndex].children.append(index)
            }
        }

        let pageAttempters = attempters
        var walks: [Walk] = []
        let (requests, nextRequest) = AsyncStream.makeStream(of: PageRequest.self)
        let http = runs.first?.options.http ?? ScrapeConfiguration.HTTP()
        let fanOutWindow = max(2, 2 * http.concurrency)
        let scheduler = Scheduler(
            limits: .init(concurrency: http.concurrency, perHostConcurrency: http.perHostConcurrency), politeness: http.politeness)

        /// Ends job `index` if nothing more can come of it, and the input when every job has.
        func settle(_ index: Int) {
            guard !jobs[index].finished, jobs[index].failure != nil || (jobs[index].parentDone && jobs[index].walksLeft == 0) else { return }
            jobs[index].finished = true
            for child in jobs[index].children {
                if jobs[index].failure != nil, jobs[child].failure == nil {
                    let parent = jobs[index].run.options.job.name
                    fail(child, APIError(job: jobs[child].run.options.job.name, message: "its parent job \(parent) failed"))
                } else {
                    jobs[child].parentDone = true
                    settle(child)
                }
            }
            if jobs.allSatisfy(\.finished) { nextRequest.finish() }
        }

        func fail(_ index: Int, _ error: APIError) {
            fail(index, .job(error, recordsKept: jobs[index].written, output: jobs[index].run.options.output))
        }

        func fail(_ index: Int, _ failure: APIJobRun.Failure) {
            guard jobs[index].failure == nil else { return }
            jobs[index].failure = failure
            for walk in walks.indices where walks[walk].job == index { walks[walk].completed = true }
            settle(index)
        }

        /// Starts a walk of job `index` at `path`.
        func startWalk(_ index: Int, path: String, extra: [UInt8]) {
            let options = jobs[index].run.options
            let pagination = Pagination(options.api.paginator, bodyPaths: options.api.bodyPaths, body: options.api.json)
            var firstQuery = options.api.params + pagination.firstParameters()
            if let incremental = options.api.incremental, let value = jobs[index].state?.lastValue ?? incremental.initialValue {
                firstQuery.append((incremental.param, value))
            }
            let url: String
            do {
                url = HTTPURL.settingQueryItems(firstQuery, in: try HTTPURL.resolve(path, against: options.api.baseURL))
            } catch {
                fail(index, .configuration(ConfigurationError(key: options.keyPath + ".api.path", message: "\(path): \(error)")))
                return
            }
            nextRequest.yield(PageRequest(job: index, walk: walks.count, index: 0, url: url, body: pagination.body?.encoded))
            walks.append(Walk(job: index, pagination: pagination, extraFields: extra))
            jobs[index].walksLeft += 1
        }

        /// Starts a walk of child job `index` for one parent record.
        func startChild(_ index: Int, parent record: [UInt8]) {
            do {
                let target = try jobs[index].run.childTarget(record)
                startWalk(index, path: target.path, extra: target.extra)
            } catch {
                fail(index, error)
            }
        }

        func complete(_ walk: Int, _ reason: String) {
            walks[walk].completed = true
            let index = walks[walk].job
            if jobs[index].summary.stopReason.isEmpty || jobs[index].run.options.api.resolve.isEmpty { jobs[index].summary.stopReason = reason }
            jobs[index].walksLeft -= 1
            settle(index)
        }

        /// Writes one page's records and queues what follows it in its walk.
        func take(_ result: PageResult) throws {
            let walk = result.walk
            let index = walks[walk].job
            let options = jobs[index].run.options
            let name = options.job.name
            jobs[index].summary.retries += max(0, result.attempt - 1)
            let response: FetchResponse
            switch result.result {
            case .failure(let message, let retryable):
                let exhausted = retryable && result.attempt >= options.http.retries + 1
                throw APIError(job: name, url: result.url, message: message + (exhausted ? " after \(result.attempt) attempts" : ""))
            case .ignored(let status):
                jobs[index].summary.ignored += 1
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
                var line = options.withMeta ? APIJobRun.metaPrefix(job: name, pageURL: result.url) : []
                line += bytes
                if options.withMeta { line.append(UInt8(ascii: "}")) }
                line.append(UInt8(ascii: "\n"))
                try jobs[index].writer?.append(line: line)
                jobs[index].written += 1
                if let incremental = options.api.incremental,
                    let value = record.value(at: incremental.cursorPath)?.scalarText(in: response.body),
                    jobs[index].largest.map({ IncrementalState.isNewer(value, than: $0) }) ?? true
                {
                    jobs[index].largest = value
                }
                for child in jobs[index].children where jobs[child].failure == nil { startChild(child, parent: bytes) }
            }
            jobs[index].summary.pages += 1
            jobs[index].summary.records += records.count
            let page = Pagination.Page(url: result.url, body: body, source: response.body, headers: response.headers, recordCount: records.count)
            if result.index == 0, let rest = walks[walk].pagination.remainingRequests(after: page) {
                walks[walk].pending = rest[...]
            }
            // Top the fanned-out walk up to its window.
            while !walks[walk].pending.isEmpty, walks[walk].queued < walks[walk].nextIndex + fanOutWindow {
                let request = walks[walk].pending.removeFirst()
                nextRequest.yield(PageRequest(job: index, walk: walk, index: walks[walk].queued, url: request.url, body: request.body?.encoded))
                walks[walk].queued += 1
            }
            do {
                // Every page, in order, through the same decisions as a sequential walk: its
                // stop reason is the output's, and a page already queued is not queued again.
                switch try walks[walk].pagination.next(after: page) {
                case .url(let next):
                    if walks[walk].nextIndex >= walks[walk].queued, walks[walk].pending.isEmpty {
                        nextRequest.yield(
                            PageRequest(job: index, walk: walk, index: walks[walk].queued, url: next, body: walks[walk].pagination.body?.encoded))
                        walks[walk].queued += 1
                    }
                case .stop(let reason):
                    complete(walk, reason)
                }
            } catch {
                throw APIError(job: name, url: error.url, message: error.message)
            }
        }

        // The first walks: every job without a parent in this run (a child of a parent read
        // back from a file gets one per record now).
        for index in jobs.indices where jobs[index].failure == nil && jobs[index].parentDone {
            let options = jobs[index].run.options
            if let parent = options.api.parentJob {
                for record in parentRecords[parent] ?? [] where jobs[index].failure == nil { startChild(index, parent: record) }
                if jobs[index].walksLeft == 0, jobs[index].failure == nil { jobs[index].summary.stopReason = "no parent records" }
            } else {
                startWalk(index, path: options.api.path, extra: [])
            }
        }
        for index in jobs.indices { settle(index) }  // the last to end finishes the input
        if jobs.isEmpty { nextRequest.finish() }

        // What emit and flush meet is handled per job (`fail`), so the run throws nothing a
        // job has not already taken; a job it did not finish was cancelled (below).
        _ = try? await scheduler.run(
            read: { () async -> [PageRequest]? in
                for await request in requests { return [request] }
                return nil
            },
            admit: { (request: PageRequest) -> Scheduler<ContinuousClock>.Input<PageRequest, PageResult> in
                guard let prepared = try? FetchRequest.Prepared(FetchRequest(url: request.url)) else {
                    return .ready(
                        PageResult(
                            job: request.job, walk: request.walk, index: request.index, url: request.url,
                            result: .failure("not a URL the client can request", retryable: false), attempt: 0))
                }
                return .job(request, host: prepared.host, origin: prepared.origin)
            },
            perform: { request, number in await pageAttempters[request.job]?.attempt(request, number: number) },
            reject: { request, attempts in
                PageResult(
                    job: request.job, walk: request.walk, index: request.index, url: request.url,
                    result: .failure("the circuit breaker of its origin stayed open past circuit_breaker.give_up_after", retryable: false),
                    attempt: attempts)
            },
            emit: { arrived, _ in
                let walk = arrived.walk
                guard !walks[walk].completed else { return }  // queued at once, after its walk ended early
                walks[walk].parked[arrived.index] = arrived
                while !walks[walk].completed, let result = walks[walk].parked.removeValue(forKey: walks[walk].nextIndex) {
                    walks[walk].nextIndex += 1
                    do {
                        try take(result)
                    } catch let error as APIError {
                        fail(walks[walk].job, error)
                    } catch let error as OutputError {
                        fail(walks[walk].job, .output(error))
                    }
                }
            },
            flush: {
                for index in jobs.indices where jobs[index].failure == nil {
                    guard let writer = jobs[index].writer else { continue }
                    do throws(OutputError) {
                        try writer.flush()
                    } catch {
                        fail(index, .output(error))
                    }
                }
            }
        )
        nextRequest.finish()
        var results: [Result<APIJobRun.Summary, APIJobRun.Failure>] = []
        for index in jobs.indices {
            var job = jobs[index]
            let options = job.run.options
            if job.failure == nil, !job.finished {  // the run was cancelled
                job.failure = .interrupted(job: options.job.name, recordsKept: job.written, output: options.output)
            }
            if var failure = job.failure {
                try? job.writer?.close()
                // Count what reached the file, not what was taken from the pages.
                if let writer = job.writer {
                    switch failure {
                    case .job(let error, _, let output): failure = .job(error, recordsKept: writer.recordsWritten, output: output)
                    case .interrupted(let name, _, let output): failure = .interrupted(job: name, recordsKept: writer.recordsWritten, output: output)
                    default: break
                    }
                }
                results.append(.failure(failure))
                continue
            }
            do {
                try job.writer?.close()
                if options.api.incremental != nil, let largest = job.largest {
                    try IncrementalState(job: options.job.name, lastValue: largest).save(path: options.resolvedStatePath)
                    job.summary.savedCursor = largest
                }
                job.summary.elapsed = ContinuousClock.now - started
                results.append(.success(job.summary))
            } catch {
                results.append(.failure(.output(error)))
            }
        }
        return results
    }
}
