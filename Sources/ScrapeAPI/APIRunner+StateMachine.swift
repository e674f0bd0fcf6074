import ScrapeHTTP
import ScrapeCore

extension APIRunner {
    /// The decisions of one run of api jobs, as a value: which walks start, which pages are
    /// queued, which records are written, which jobs fail, when the run's input ends. No
    /// network, no files, no tasks: ``APIRunner/run(_:client:parentRecords:)`` acts on the
    /// actions it returns, as `Scheduler` does with `HostQueues`, and tests drive it with
    /// page results made by hand.
    ///
    /// 1. ``init(_:fanOutWindow:)`` takes every job, ready or failed at setup, and wires each
    ///    child to its parent in the run (``JobLineage``).
    /// 2. ``start(parentRecords:)`` starts the first walks: each job without a parent in the
    ///    run, and a child of a parent read back from a file, one walk per record.
    /// 3. ``arrived(_:)`` takes each page result. Results of a walk are taken in page order
    ///    (``APIWalk`` parks early ones); one taken asks for its records to be written.
    /// 4. A `.write` is the one action whose outcome the next decision depends on: it is
    ///    the last of its batch, and the machine waits for ``written(_:failure:)`` before
    ///    it starts the children's walks for the records written, queues the next page or
    ///    takes the next parked one. Calling anything else meanwhile is a broken invariant.
    /// 5. ``failed(_:_:)`` fails a job from outside (its output could not be flushed).
    /// 6. When every job has ended it returns `.finishInput`; ``outcome(of:)`` tells each
    ///    job's end, and a job not ended then was cancelled.
    ///
    /// A job ends when it has failed, or when its parent (if it has one in the run) has
    /// ended and so have its walks. A job that fails stops its walks, keeps what it wrote
    /// and fails its children; the other jobs go on. A result for a walk that has ended
    /// (its job failed, or pages of a known total queued beyond an early stop) is dropped.
    /// (This file is one state machine, hence over the usual size.)
    struct StateMachine {
        /// What the acting loop does next.
        enum Action {
            /// Queue this page on the scheduler; the first page of a walk starts the walk.
            case request(APIPageRequest)
            /// Append these lines to job `job`'s output, in order, then call
            /// ``written(_:failure:)``.
            case write(job: Int, lines: [[UInt8]])
            /// Every job has ended: close the scheduler's input.
            case finishInput
        }

        /// A job as the run found it before any request.
        struct Opening {
            var run: APIJobRun
            /// The incremental value the job's last run saved, sent on each walk's first page.
            var savedCursor: String?
            /// Why the job cannot run (its auth, state file or output), when it cannot.
            var failure: APIJobRun.Failure?
        }

        /// How a job ended.
        enum Outcome {
            case failed(APIJobRun.Failure)
            /// It ended well; `cursor` is the incremental value to save, for a job with
            /// `incremental:`.
            case succeeded(APIJobRun.Summary, cursor: String?)
        }

        /// One job's state during the run.
        private struct Job {
            let run: APIJobRun
            let savedCursor: String?
            var largest: String?
            var summary = APIJobRun.Summary()
            /// Records written, for a failure's message.
            var written = 0
            var walksLeft = 0
            /// Whether no more walks can be added: no parent in this run, or it has ended.
            var parentDone = true
            var children: [Int] = []
            var failure: APIJobRun.Failure?
            var finished = false

            var options: APIJobRun.Options { run.options }
            var name: String { run.options.job.name }
        }

        /// A page taken whose records are out for writing.
        private struct Writing {
            let walk: Int
            let index: Int
            let records: APIPageRecords
        }

        private var jobs: [Job]
        /// The walks going on, by id; a walk that ended is removed.
        private var walks: [Int: APIWalk] = [:]
        private var nextWalkID = 0
        /// Pages of a known total queued beyond the next one to take, at most.
        private let fanOutWindow: Int
        private var writing: Writing?
        private var inputFinished = false
        /// Actions decided during the current call, handed out when it returns.
        private var actions: [Action] = []

        init(_ openings: [Opening], fanOutWindow: Int) {
            self.fanOutWindow = fanOutWindow
            jobs = openings.map { Job(run: $0.run, savedCursor: $0.savedCursor, largest: $0.savedCursor, failure: $0.failure) }
            let lineage = JobLineage(openings.map(\.run.options.job))
            for index in jobs.indices {
                guard let parent = lineage.parent(of: index) else { continue }
                jobs[index].parentDone = false
                jobs[parent].children.append(index)
            }
        }

        /// Starts the first walks: every job without a parent in this run; a child of a
        /// parent not in the run gets one per record of `parentRecords` (by parent name).
        mutating func start(parentRecords: [String: [[UInt8]]]) -> [Action] {
            for index in jobs.indices where jobs[index].failure == nil && jobs[index].parentDone {
                if let parent = jobs[index].options.api.parentJob {
                    for record in parentRecords[parent] ?? [] where jobs[index].failure == nil { startChild(index, parent: record) }
                    if jobs[index].walksLeft == 0, jobs[index].failure == nil { jobs[index].summary.stopReason = "no parent records" }
                } else {
                    startWalk(index, path: jobs[index].options.api.path, extra: [])
                }
            }
            for index in jobs.indices { settle(index) }
            if jobs.isEmpty { finishInput() }
            return handOut()
        }

        /// Takes the result of one page: parked until the pages before it are taken.
        mutating func arrived(_ result: APIPageResult) -> [Action] {
            precondition(writing == nil, "a page result arrived while records were out for writing")
            guard walks[result.walk] != nil else { return [] }
            walks[result.walk]?.park(result)
            takeInOrder(result.walk)
            return handOut()
        }

        /// The lines of the last `.write` were written: the first `count`, all of them
        /// unless `failure` says why the next could not be.
        mutating func written(_ count: Int, failure: OutputError? = nil) -> [Action] {
            guard let taken = writing else { preconditionFailure("written(_:failure:) without a write") }
            writing = nil
            finishTaking(taken, written: count, failure: failure)
            takeInOrder(taken.walk)
            return handOut()
        }

        /// Fails job `index` for a reason found outside (its output could not be flushed).
        mutating func failed(_ index: Int, _ failure: APIJobRun.Failure) -> [Action] {
            precondition(writing == nil, "a job failed while records were out for writing")
            fail(index, failure)
            return handOut()
        }

        /// Whether job `index` has failed.
        func hasFailed(_ index: Int) -> Bool { jobs[index].failure != nil }

        /// How job `index` ended; one that had not ended was cancelled.
        func outcome(of index: Int) -> Outcome {
            let job = jobs[index]
            if let failure = job.failure { return .failed(failure) }
            guard job.finished else {
                return .failed(.interrupted(job: job.name, recordsKept: job.written, output: job.options.output))
            }
            return .succeeded(job.summary, cursor: job.options.api.incremental == nil ? nil : job.largest)
        }

        // MARK: Taking pages

        /// Takes the parked results of walk `id` that are next in order, until one is out
        /// for writing or the walk ends.
        private mutating func takeInOrder(_ id: Int) {
            while writing == nil, let result = walks[id]?.takeNext() { take(result) }
        }

        private mutating func take(_ result: APIPageResult) {
            let index = result.job
            let options = jobs[index].options
            jobs[index].summary.retries += max(0, result.attempt - 1)
            switch result.result {
            case .failure(let message, let retryable):
                let exhausted = retryable && result.attempt >= options.http.retries + 1
                fail(index, APIError(job: jobs[index].name, url: result.url, message: message + (exhausted ? " after \(result.attempt) attempts" : "")))
            case .ignored(let status):
                jobs[index].summary.ignored += 1
                complete(result.walk, "response_actions ignored a response (HTTP \(status))")
            case .page(let body, let headers):
                let records: APIPageRecords
                do {
                    records = try APIPageRecords(body: body, headers: headers, url: result.url, options: options, extra: walks[result.walk]?.extraFields ?? [])
                } catch {
                    fail(index, error)
                    return
                }
                let taken = Writing(walk: result.walk, index: result.index, records: records)
                if records.records.isEmpty {
                    finishTaking(taken, written: 0, failure: nil)
                } else {
                    writing = taken
                    actions.append(.write(job: index, lines: records.lines(job: jobs[index].name, withMeta: options.withMeta)))
                }
            }
        }

        /// What follows a page's records once `written` of them are: the incremental
        /// value and the children's walks of each, then the job's failure or the walk's
        /// next pages.
        private mutating func finishTaking(_ taken: Writing, written: Int, failure: OutputError?) {
            guard let index = walks[taken.walk]?.job else { return }
            let records = taken.records
            for position in 0..<written {
                jobs[index].written += 1
                if let value = records.cursors[position], jobs[index].largest.map({ IncrementalState.isNewer(value, than: $0) }) ?? true {
                    jobs[index].largest = value
                }
                for child in jobs[index].children where jobs[child].failure == nil { startChild(child, parent: records.records[position]) }
            }
            if let failure { return fail(index, .output(failure)) }
            if let error = records.error { return fail(index, error) }
            jobs[index].summary.pages += 1
            jobs[index].summary.records += records.page.recordCount
            do {
                guard let next = try walks[taken.walk]?.follow(records.page, index: taken.index, window: fanOutWindow) else { return }
                actions += next.requests.map(Action.request)
                if let stop = next.stop { complete(taken.walk, stop) }
            } catch {
                fail(index, APIError(job: jobs[index].name, url: error.url, message: error.message))
            }
        }

        // MARK: Walks and jobs

        /// Starts a walk of job `index` at `path`, `extra` appended to each of its records.
        private mutating func startWalk(_ index: Int, path: String, extra: [UInt8]) {
            let options = jobs[index].options
            let pagination = Pagination(options.api.paginator, bodyPaths: options.api.bodyPaths, body: options.api.json)
            var firstQuery = options.api.params + pagination.firstParameters()
            if let incremental = options.api.incremental, let value = jobs[index].savedCursor ?? incremental.initialValue {
                firstQuery.append((incremental.param, value))
            }
            let url: String
            do {
                url = HTTPURL.settingQueryItems(firstQuery, in: try HTTPURL.resolve(path, against: options.api.baseURL))
            } catch {
                return fail(index, .configuration(ConfigurationError(key: options.keyPath + ".api.path", message: "\(path): \(error)")))
            }
            let id = nextWalkID
            nextWalkID += 1
            actions.append(.request(APIPageRequest(job: index, walk: id, index: 0, url: url, body: pagination.body?.encoded)))
            walks[id] = APIWalk(id: id, job: index, pagination: pagination, extraFields: extra)
            jobs[index].walksLeft += 1
        }

        /// Starts a walk of child job `index` for one parent record.
        private mutating func startChild(_ index: Int, parent record: [UInt8]) {
            do {
                let target = try jobs[index].run.childTarget(record)
                startWalk(index, path: target.path, extra: target.extra)
            } catch {
                fail(index, error)
            }
        }

        /// Walk `id` is complete; a child job's stop reason is its first walk's.
        private mutating func complete(_ id: Int, _ reason: String) {
            guard let index = walks.removeValue(forKey: id)?.job else { return }
            if jobs[index].summary.stopReason.isEmpty || jobs[index].options.api.resolve.isEmpty { jobs[index].summary.stopReason = reason }
            jobs[index].walksLeft -= 1
            settle(index)
        }

        private mutating func fail(_ index: Int, _ error: APIError) {
            fail(index, .job(error, recordsKept: jobs[index].written, output: jobs[index].options.output))
        }

        /// Fails job `index` (the first failure stays) and ends its walks.
        private mutating func fail(_ index: Int, _ failure: APIJobRun.Failure) {
            guard jobs[index].failure == nil else { return }
            jobs[index].failure = failure
            walks = walks.filter { $0.value.job != index }
            settle(index)
        }

        /// Ends job `index` if nothing more can come of it: a failure fails its children,
        /// an end lets them end; the input ends when every job has.
        private mutating func settle(_ index: Int) {
            guard !jobs[index].finished, jobs[index].failure != nil || (jobs[index].parentDone && jobs[index].walksLeft == 0) else { return }
            jobs[index].finished = true
            for child in jobs[index].children {
                if jobs[index].failure != nil, jobs[child].failure == nil {
                    fail(child, APIError(job: jobs[child].name, message: "its parent job \(jobs[index].name) failed"))
                } else {
                    jobs[child].parentDone = true
                    settle(child)
                }
            }
            if jobs.allSatisfy(\.finished) { finishInput() }
        }

        private mutating func finishInput() {
            guard !inputFinished else { return }
            inputFinished = true
            actions.append(.finishInput)
        }

        private mutating func handOut() -> [Action] {
            defer { actions = [] }
            return actions
        }
    }
}
