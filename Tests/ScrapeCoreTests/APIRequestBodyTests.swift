import Foundation
import Glibc
import ScrapeCore
import ScrapeHTTP
import ScrapeResilience
import ScrapeTestSupport
import Testing
import ScrapeAPI

/// `scrape api` part 2, methods and bodies: `method:`, `json:`, paginator values placed in
/// the body, and when a POST is sent again. Against the loopback API's POST routes, which
/// echo each request body into their records.
@Suite(.timeLimit(.minutes(1)))
struct APIRequestBodyTests {
    init() { setenv("SCRAPE_TEST_TOKEN", "t0ken", 1) }

    struct Outcome {
        let summary: APIJobRun.Summary?
        let failure: APIJobRun.Failure?
        let records: [[String: Any]]
        /// The output as written.
        let text: String
    }

    private func run(_ api: String, server: TestServer, http: String = "") async throws -> Outcome {
        let yaml = """
            http: {retries: 2, backoff: {initial: 10ms, max: 50ms}\(http)}
            jobs:
              - name: search
                api:
                  base_url: \(server.baseURL)/api/
                  auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}
                  \(api)
            """
        let configuration = try ScrapeConfiguration(yaml: yaml)
        let job = configuration.jobs[0]
        guard case .api(let apiConfiguration) = job.source else { throw APIError(job: job.name, message: "not an api job") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("api-body-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let client = try HTTPClient(configuration: configuration.http.clientConfiguration)
        var summary: APIJobRun.Summary?
        var failure: APIJobRun.Failure?
        do {
            summary = try await APIJobRun(options: .init(job: job, api: apiConfiguration, keyPath: "jobs[0]", output: path, http: configuration.http))
                .run(client: client)
        } catch {
            failure = error
        }
        await client.shutdown()
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let records = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        return Outcome(summary: summary, failure: failure, records: records, text: text)
    }

    private static func sent(_ record: [String: Any]) -> [String: Any] { record["sent"] as? [String: Any] ?? [:] }

    @Test func aCursorInTheBodyKeepsItsTypeAndTheRestOfTheBody() async throws {
        try await TestServer.withRunning { server in
            let outcome = try await run(
                """
                path: search-cursor?n=25&size=10
                      method: POST
                      json: {q: shoes, filter: {in_stock: true, max_price: 99.5, tags: [a, "1"]}, paging: {size: 10}}
                      data_selector: items
                      paginator: {type: cursor, cursor_path: next, cursor_body_path: paging.cursor}
                """, server: server)
            #expect(outcome.failure == nil, "\(String(describing: outcome.failure))")
            #expect(outcome.records.map { $0["id"] as? Int } == Array(0..<25))
            #expect(outcome.summary?.pages == 3)
            let first = Self.sent(outcome.records[0])
            #expect(first["q"] as? String == "shoes")
            #expect((first["paging"] as? [String: Any])?["cursor"] == nil)  // none on the first page
            let filter = first["filter"] as? [String: Any]
            #expect(filter != nil, "first body sent: \(first)")
            #expect(filter?["in_stock"] as? Bool == true)
            #expect(filter?["max_price"] as? Double == 99.5)
            #expect(filter?["tags"] as? [String] == ["a", "1"])
            let third = Self.sent(outcome.records[20])
            #expect((third["paging"] as? [String: Any])?["cursor"] as? Int == 20)  // a number, as the API sent it
            #expect((third["paging"] as? [String: Any])?["size"] as? Int == 10)
        }
    }

    @Test func offsetAndLimitGoIntoTheBodyAndNotTheQuery() async throws {
        try await TestServer.withRunning { server in
            let outcome = try await run(
                """
                path: search-offset?n=25
                      method: POST
                      data_selector: items
                      paginator: {type: offset, limit: 10, total_path: total, offset_body_path: range.offset, limit_body_path: range.limit}
                """, server: server)
            #expect(outcome.failure == nil, "\(String(describing: outcome.failure))")
            #expect(outcome.records.map { $0["id"] as? Int } == Array(0..<25))
            let ranges = outcome.records.compactMap { Self.sent($0)["range"] as? [String: Int] }
            #expect(Set(ranges.map { $0["offset"] ?? -1 }) == [0, 10, 20])
            #expect(Set(ranges.map { $0["limit"] ?? -1 }) == [10])
            // (The route answers 400 to a query with offset or limit, which would fail the run.)
        }
    }

    @Test func aPageNumberInTheBody() async throws {
        try await TestServer.withRunning { server in
            let outcome = try await run(
                """
                path: search-pages?n=23&size=5
                      method: PUT
                      json: {kind: orders}
                      data_selector: items
                      paginator: {type: page_number, page_body_path: page, page_size: 5}
                """, server: server)
            #expect(outcome.failure == nil, "\(String(describing: outcome.failure))")
            #expect(outcome.records.map { $0["id"] as? Int } == Array(0..<23))
            #expect(outcome.records.map { Self.sent($0)["page"] as? Int ?? 0 }.max() == 5)
            #expect(outcome.summary?.stopReason == "short page")
        }
    }

    /// JSON numbers have no size limit: an id beyond 64 bits in `json:` is sent as the
    /// number written (hex, octal and `_` as YAML reads them), not as a string.
    @Test func integersBeyondSixtyFourBitsAreSentAsTheNumbersWritten() async throws {
        try await TestServer.withRunning { server in
            let outcome = try await run(
                """
                path: search-cursor?n=1
                      method: POST
                      json: {q: x, id: 123456789012345678901234567890, neg: -98765432109876543210987654321, hex: 0x1_0000_0000_0000_0000, small: 42}
                      data_selector: items
                """, server: server)
            #expect(outcome.failure == nil, "\(String(describing: outcome.failure))")
            #expect(
                outcome.text.contains(
                    #""sent":{"q":"x","id":123456789012345678901234567890,"neg":-98765432109876543210987654321,"hex":18446744073709551616,"small":42}"#),
                "\(outcome.text)")
        }
    }

    /// A POST that may have reached the server is not sent twice unless the job says so;
    /// one turned away with 503 + Retry-After surely was not, and is retried.
    @Test(arguments: [
        ("status=500", false, false), ("status=500", true, true), ("status=503&retry_after=1", false, true),
        ("status=429&retry_after=1", false, true), ("status=503", false, false),
    ])
    func postsAreRetriedOnlyWhenSafeOrAllowed(query: String, allowed: Bool, retried: Bool) async throws {
        try await TestServer.withRunning { server in
            let key = UUID().uuidString
            let outcome = try await run(
                """
                path: post-once-fails?key=\(key)&\(query)
                      method: POST
                      json: {q: x}
                      retry_non_idempotent: \(allowed)
                      data_selector: items
                """, server: server)
            #expect(server.log.count(prefix: "/api/post-once-fails") == (retried ? 2 : 1))
            if retried {
                #expect(outcome.failure == nil, "\(String(describing: outcome.failure))")
                #expect(outcome.records.count == 3)
            } else {
                #expect("\(String(describing: outcome.failure))".contains("retry_non_idempotent: true retries it"))
            }
        }
    }

    /// A known total fans the pages out: the `overlap` route answers pages after the first
    /// only while two are in flight at once; the output equals a page-by-page walk's
    /// (per_host_concurrency 1) byte for byte.
    @Test(arguments: [
        "path: pages?n=95&size=10\n      data_selector: data.items\n      paginator: {type: page_number, total_path: total_pages}",
        "path: offset?n=95\n      data_selector: items\n      paginator: {type: offset, limit: 10, total_path: total}",
    ])
    func aKnownTotalIsFetchedAtOnceAndWrittenInPageOrder(api: String) async throws {
        try await TestServer.withRunning { server in
            let sequential = try await run(api, server: server, http: ", per_host_concurrency: 1")
            #expect(sequential.failure == nil, "\(String(describing: sequential.failure))")
            #expect(sequential.records.count == 95)
            let overlapping = api.replacingOccurrences(of: "n=95", with: "n=95&overlap=\(UUID().uuidString)")
            let parallel = try await run(overlapping, server: server)
            #expect(parallel.failure == nil, "\(String(describing: parallel.failure))")
            #expect(parallel.text == sequential.text)
            #expect(parallel.summary?.pages == sequential.summary?.pages)
            #expect(parallel.summary?.stopReason == sequential.summary?.stopReason)
        }
    }

    /// A fanned-out walk queues at most 2 x concurrency pages beyond the next one to write:
    /// while page 2 is held for 300 ms, with concurrency 2 only pages 3 to 5 may arrive.
    @Test func aSlowPageHoldsTheFanOutToItsWindow() async throws {
        try await TestServer.withRunning { server in
            let key = UUID().uuidString
            let outcome = try await run(
                "path: pages?n=200&size=10&hold=\(key)\n      data_selector: data.items\n      paginator: {type: page_number, total_path: total_pages}",
                server: server, http: ", concurrency: 2, per_host_concurrency: 2")
            #expect(outcome.failure == nil, "\(String(describing: outcome.failure))")
            #expect(outcome.records.count == 200)
            let events = try await run("path: events?key=\(key)", server: server).records.compactMap { $0["event"] as? String }
            let held = events.drop { $0 != "arrive 2" }.prefix { $0 != "answer 2" }.dropFirst()
            #expect(Set(held).isSubset(of: ["arrive 3", "arrive 4", "arrive 5"]), "while page 2 was held: \(Array(held))")
        }
    }

    @Test func responseActionsEndAWalkQuietly() async throws {
        try await TestServer.withRunning { server in
            // A 404 ignored: no records, no error.
            let missing = try await run(
                """
                path: nothing-here
                      response_actions: [{status_code: 404, action: ignore}]
                """, server: server)
            #expect(missing.failure == nil, "\(String(describing: missing.failure))")
            #expect(missing.records.isEmpty)
            #expect(missing.summary?.ignored == 1)
            // Content matched on the third page: the two pages before it are kept.
            let partial = try await run(
                """
                path: search-pages?n=23&size=5
                      method: PUT
                      data_selector: items
                      response_actions: [{content: "\\"id\\": 10,", action: ignore}]
                      paginator: {type: page_number, page_body_path: page, page_size: 5}
                """, server: server)
            #expect(partial.failure == nil, "\(String(describing: partial.failure))")
            #expect(partial.records.map { $0["id"] as? Int } == Array(0..<10))
            #expect(partial.summary?.stopReason == "response_actions ignored a response (HTTP 200)")
        }
    }

    @Test(arguments: [
        ("method: DELETE", "jobs[0].api.method: expected GET, POST, PUT or PATCH, got \"DELETE\""),
        ("json: {q: x}", "jobs[0].api.json: a JSON body needs method: POST, PUT or PATCH"),
        ("paginator: {type: cursor, cursor_body_path: a.b}", "jobs[0].api.paginator.cursor_body_path: a value in the body needs method: POST, PUT or PATCH"),
        ("method: POST\n      paginator: {type: cursor, cursor_body_path: \"a[0]\"}", "expected object keys separated by dots, like query.page"),
        ("method: POST\n      json: [1, 2]\n      paginator: {type: page_number, page_body_path: page}", "a value in the body needs json: to be a mapping"),
        ("method: POST\n      paginator: {type: cursor, page_body_path: page}", "jobs[0].api.paginator.page_body_path: unknown key"),
        ("method: POST\n      json: {paging: 5}\n      paginator: {type: cursor, cursor_body_path: paging.cursor}",
         "jobs[0].api.paginator.cursor_body_path: paging.cursor would overwrite jobs[0].api.json.paging, which the file sets"),
        ("method: POST\n      json: {range: {offset: 0, limit: 5}}\n      paginator: {type: offset, limit: 5, offset_body_path: range.offset}",
         "jobs[0].api.paginator.offset_body_path: range.offset would overwrite jobs[0].api.json.range.offset, which the file sets"),
        ("method: POST\n      paginator: {type: offset, limit: 5, offset_body_path: range, limit_body_path: range.limit}",
         "jobs[0].api.paginator.limit_body_path: range.limit and offset_body_path range overlap, so one value would overwrite the other"),
        ("response_actions: [{status_code: 404, action: retry}]", "jobs[0].api.response_actions[0].action: expected ignore, got \"retry\""),
        ("response_actions: [{action: ignore}]", "jobs[0].api.response_actions[0]: expected status_code or content (or both) to match"),
    ])
    func badBodySettingsAreConfigErrors(api: String, message: String) {
        let yaml = "jobs:\n  - name: j\n    api:\n      base_url: http://127.0.0.1:9/\n      \(api)\n"
        #expect {
            _ = try ScrapeConfiguration(yaml: yaml)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
