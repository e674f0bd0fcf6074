@testable import ScrapeCore
import ScrapeHTTP
import Testing
@testable import ScrapeAPI

/// The decisions of a run of api jobs, without the network: page results are made by
/// hand and fed to the machine, and its actions are acted on by ``Harness``.
struct APIRunnerStateMachineTests {
    typealias Machine = APIRunner.StateMachine

    /// The acting loop of `APIRunner`, with lists in place of the scheduler and files.
    struct Harness {
        var machine: Machine
        /// Page requests queued and not answered yet, in the order queued.
        var queued: [APIPageRequest] = []
        /// Each job's output lines, newline removed.
        var output: [Int: [String]] = [:]
        var inputFinished = false
        /// How many lines of its next write a job's output takes before failing, by job.
        var writeFailsAfter: [Int: Int] = [:]
        /// The jobs' names, by index; each writes to `NAME.jsonl`.
        let names: [String]

        /// Runs the jobs of `yaml` named in `running` (all by default); `parentRecords` are
        /// the records of parents not run, read back, by name.
        init(_ yaml: String, window: Int = 4, running: Set<String>? = nil, parentRecords: [String: [String]] = [:]) throws {
            let configuration = try ScrapeConfiguration(yaml: yaml)
            let jobs = configuration.jobs.enumerated().filter { running?.contains($0.element.name) ?? true }
            let openings = jobs.map { index, job -> Machine.Opening in
                guard case .api(let api) = job.source else { preconditionFailure("not an api job") }
                let options = APIJobRun.Options(job: job, api: api, keyPath: "jobs[\(index)]", output: "\(job.name).jsonl", http: configuration.http)
                return Machine.Opening(run: APIJobRun(options: options))
            }
            names = jobs.map(\.element.name)
            machine = Machine(openings, fanOutWindow: window)
            act(machine.start(parentRecords: parentRecords.mapValues { $0.map { Array($0.utf8) } }))
        }

        mutating func act(_ actions: [Machine.Action]) {
            var batch = actions
            while !batch.isEmpty {
                var next: [Machine.Action] = []
                for action in batch {
                    switch action {
                    case .request(let request):
                        queued.append(request)
                    case .write(let job, let lines):
                        var count = lines.count
                        var failure: OutputError?
                        if let limit = writeFailsAfter[job] {
                            count = min(limit, count)
                            failure = OutputError(path: "\(names[job]).jsonl", reason: "No space left on device")
                        }
                        output[job, default: []] += lines.prefix(count).map { String(decoding: $0.dropLast(), as: UTF8.self) }
                        next = machine.written(count, failure: failure)
                    case .finishInput:
                        inputFinished = true
                    }
                }
                batch = next
            }
        }

        /// The queued request whose URL ends with `suffix`, taken off the queue.
        mutating func request(_ suffix: String) -> APIPageRequest {
            guard let position = queued.firstIndex(where: { $0.url.hasSuffix(suffix) }) else {
                preconditionFailure("no request for \(suffix) in \(queued.map(\.url))")
            }
            return queued.remove(at: position)
        }

        /// Answers the queued request for `suffix` with `body`.
        mutating func answer(_ suffix: String, _ body: String, headers: HTTPHeaders = HTTPHeaders()) {
            let request = request(suffix)
            act(machine.arrived(result(request, .page(body: Array(body.utf8), headers: headers))))
        }

        /// Fails the queued request for `suffix` after `attempts` attempts.
        mutating func fail(_ suffix: String, _ message: String, attempts: Int) {
            let request = request(suffix)
            act(machine.arrived(result(request, .failure(message, retryable: true), attempt: attempts)))
        }

        func result(_ request: APIPageRequest, _ result: APIPageResult.Result, attempt: Int = 1) -> APIPageResult {
            APIPageResult(job: request.job, walk: request.walk, index: request.index, url: request.url, result: result, attempt: attempt)
        }

        func summary(of job: Int) -> APIJobRun.Summary? {
            if case .succeeded(let summary, _) = machine.outcome(of: job) { return summary }
            return nil
        }

        func failure(of job: Int) -> String? {
            if case .failed(let failure) = machine.outcome(of: job) { return "\(failure)" }
            return nil
        }
    }

    static let cursorJob = """
        http: {retries: 2}
        jobs:
          - name: users
            api: {base_url: "http://api.test/", path: users, data_selector: items, paginator: {type: cursor, cursor_path: next, cursor_param: cursor}}
        """

    @Test func aWalkWritesEachPageThenQueuesTheNextAndEnds() throws {
        var run = try Harness(Self.cursorJob)
        #expect(run.queued.map(\.url) == ["http://api.test/users"])
        run.answer("users", #"{"items":[{"id":1},{"id":2}],"next":"c2"}"#)
        #expect(run.output[0] == [#"{"id":1}"#, #"{"id":2}"#])
        #expect(run.queued.map(\.url) == ["http://api.test/users?cursor=c2"])
        #expect(!run.inputFinished)
        run.answer("cursor=c2", #"{"items":[{"id":3}]}"#)
        #expect(run.output[0]?.count == 3)
        #expect(run.queued.isEmpty)
        #expect(run.inputFinished)
        let summary = try #require(run.summary(of: 0))
        #expect(summary.pages == 2)
        #expect(summary.records == 3)
        #expect(summary.stopReason == "no next cursor")
    }

    static let knownTotal = """
        jobs:
          - name: items
            api: {base_url: "http://api.test/", path: items, data_selector: data, paginator: {type: page_number, total_path: total_pages}}
        """

    private static func page(_ number: Int) -> String { #"{"data":[{"page":\#(number)}],"total_pages":6}"# }

    @Test func aKnownTotalFansOutNoFurtherThanTheWindow() throws {
        var run = try Harness(Self.knownTotal, window: 2)
        run.answer("page=1", Self.page(1))
        // Pages 2 and 3 at once: two beyond the next one to take, not all five.
        #expect(run.queued.map(\.index) == [1, 2])
        #expect(run.queued.map(\.url) == ["http://api.test/items?page=2", "http://api.test/items?page=3"])
        run.answer("page=2", Self.page(2))
        #expect(run.queued.map(\.index) == [2, 3])
        for number in 3...6 { run.answer("page=\(number)", Self.page(number)) }
        #expect(run.queued.isEmpty)
        #expect(run.output[0] == (1...6).map { #"{"page":\#($0)}"# })
        #expect(run.summary(of: 0)?.stopReason == "total pages reached")
        #expect(run.inputFinished)
    }

    @Test func resultsThatArriveEarlyAreParkedAndTakenInPageOrder() throws {
        var run = try Harness(Self.knownTotal, window: 8)
        run.answer("page=1", Self.page(1))
        #expect(run.queued.count == 5)
        for number in [6, 4, 5, 3] { run.answer("page=\(number)", Self.page(number)) }
        #expect(run.output[0] == [#"{"page":1}"#])  // all wait for page 2
        run.answer("page=2", Self.page(2))
        #expect(run.output[0] == (1...6).map { #"{"page":\#($0)}"# })
        #expect(run.inputFinished)
    }

    @Test func aResultAfterTheWalkStoppedEarlyIsDropped() throws {
        var run = try Harness(Self.knownTotal, window: 8)
        run.answer("page=1", Self.page(1))
        run.answer("page=3", Self.page(3))
        run.answer("page=2", #"{"data":[],"total_pages":6}"#)  // an empty page ends the walk
        #expect(run.summary(of: 0)?.stopReason == "empty page")
        #expect(run.inputFinished)
        run.answer("page=4", Self.page(4))
        #expect(run.output[0] == [#"{"page":1}"#])
    }

    static let parentAndChild = """
        http: {retries: 2}
        jobs:
          - name: users
            api: {base_url: "http://api.test/", path: users, data_selector: items, paginator: {type: cursor, cursor_path: next, cursor_param: cursor}}
          - name: orders
            api:
              base_url: "http://api.test/"
              path: "users/{user_id}/orders"
              resolve: {user_id: {job: users, field: id}}
              include_from_parent: [name]
        """

    @Test func aChildWalksOncePerParentRecordAsTheRecordsAreWritten() throws {
        var run = try Harness(Self.parentAndChild)
        #expect(run.queued.map(\.url) == ["http://api.test/users"])  // the child waits for records
        run.answer("users", #"{"items":[{"id":1,"name":"a"},{"id":2,"name":"b"}],"next":"c2"}"#)
        #expect(run.queued.map(\.url) == ["http://api.test/users/1/orders", "http://api.test/users/2/orders", "http://api.test/users?cursor=c2"])
        #expect(Set(run.queued.map(\.walk)).count == 3)
        run.answer("users/2/orders", #"[{"order":20}]"#)
        #expect(run.output[1] == [#"{"order":20,"_users_name":"b"}"#])
        run.answer("cursor=c2", #"{"items":[{"id":3,"name":"c"}]}"#)
        #expect(run.summary(of: 0)?.stopReason == "no next cursor")
        #expect(!run.inputFinished)  // the child has walks to go
        run.answer("users/1/orders", #"[{"order":10},{"order":11}]"#)
        run.answer("users/3/orders", "[]")
        #expect(run.output[1]?.count == 3)
        #expect(run.inputFinished)
        #expect(run.summary(of: 1)?.pages == 3)
        #expect(run.summary(of: 1)?.stopReason == "single page")
    }

    @Test func aFailingParentFailsItsChildrenAndTheirLateResultsAreDropped() throws {
        var run = try Harness(Self.parentAndChild)
        run.answer("users", #"{"items":[{"id":1,"name":"a"}],"next":"c2"}"#)
        run.fail("cursor=c2", "HTTP status 500", attempts: 3)
        #expect(run.failure(of: 0) == "job users: http://api.test/users?cursor=c2: HTTP status 500 after 3 attempts; the 1 record written before it is kept in users.jsonl")
        #expect(run.failure(of: 1) == "job orders: its parent job users failed; the 0 records written before it are kept in orders.jsonl")
        #expect(run.inputFinished)
        run.answer("users/1/orders", #"[{"order":10}]"#)
        #expect(run.output[1] == nil)
    }

    @Test func aWriteThatFailsStartsChildrenOnlyForTheRecordsWritten() throws {
        var run = try Harness(Self.parentAndChild)
        run.writeFailsAfter[0] = 1
        run.answer("users", #"{"items":[{"id":1,"name":"a"},{"id":2,"name":"b"}],"next":"c2"}"#)
        #expect(run.output[0] == [#"{"id":1,"name":"a"}"#])
        #expect(run.queued.map(\.url) == ["http://api.test/users/1/orders"])  // then failed with its parent
        #expect(run.failure(of: 0) == "cannot write users.jsonl: No space left on device")
        #expect(run.failure(of: 1)?.hasPrefix("job orders: its parent job users failed") == true)
        #expect(run.inputFinished)
    }

    @Test func aRecordThatCannotTakeParentFieldsKeepsTheRecordsBeforeIt() throws {
        var run = try Harness(Self.parentAndChild)
        run.answer("users", #"{"items":[{"id":1,"name":"a"}]}"#)
        run.answer("users/1/orders", #"[{"order":10},7,{"order":12}]"#)
        #expect(run.output[1] == [#"{"order":10,"_users_name":"a"}"#])
        #expect(run.failure(of: 1)?.hasPrefix("job orders: http://api.test/users/1/orders: include_from_parent needs records that are JSON objects") == true)
        #expect(run.summary(of: 0) != nil)
    }

    @Test func parentRecordsReadBackStartOneWalkEachAtOnce() throws {
        var run = try Harness(Self.parentAndChild, running: ["orders"], parentRecords: ["users": [#"{"id":7,"name":"g"}"#, #"{"id":8,"name":"h"}"#]])
        #expect(run.queued.map(\.url) == ["http://api.test/users/7/orders", "http://api.test/users/8/orders"])
        run.answer("users/8/orders", "[]")
        run.answer("users/7/orders", "[]")
        #expect(run.inputFinished)
        let empty = try Harness(Self.parentAndChild, running: ["orders"])
        #expect(empty.queued.isEmpty)
        #expect(empty.inputFinished)
        #expect(empty.summary(of: 0)?.stopReason == "no parent records")
    }

    @Test func cancellationLeavesAJobNotEndedInterruptedWithWhatItWrote() throws {
        var run = try Harness(Self.cursorJob)
        run.answer("users", #"{"items":[{"id":1}],"next":"c2"}"#)
        #expect(!run.inputFinished)
        // The loop stops here (a signal, the daemon's drain): the page for c2 never comes.
        #expect(run.failure(of: 0) == "job users: cancelled; the 1 record written before it is kept in users.jsonl")
    }

    @Test func aFlushFailureFailsTheJobFromOutside() throws {
        var run = try Harness(Self.parentAndChild)
        run.act(run.machine.failed(0, .output(OutputError(path: "users.jsonl", reason: "Broken pipe"))))
        #expect(run.machine.hasFailed(0))
        #expect(run.machine.hasFailed(1))
        #expect(run.inputFinished)
        run.answer("users", #"{"items":[{"id":1,"name":"a"}]}"#)
        #expect(run.output.isEmpty)
        #expect(run.queued.isEmpty)
    }
}
