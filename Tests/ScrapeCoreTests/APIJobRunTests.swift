import Foundation
import Glibc
import ScrapeCore
import ScrapeResilience
import ScrapeHTTP
import ScrapeTestSupport
import Testing
import ScrapeAPI

/// `scrape api` jobs against the loopback API: every paginator, auth, retries, loops,
/// exact bytes, incremental state.
@Suite(.timeLimit(.minutes(1)))
struct APIJobRunTests {
    init() {
        setenv("SCRAPE_TEST_TOKEN", "t0ken", 1)
        setenv("SCRAPE_TEST_KEY", "k3y", 1)
        setenv("SCRAPE_TEST_PASSWORD", "pa55", 1)
        setenv("SCRAPE_TEST_CLIENT_SECRET", "cs3cret", 1)
        setenv("SCRAPE_TEST_BAD_TOKEN", "wrong", 1)
    }

    struct Outcome {
        let summary: APIJobRun.Summary?
        let failure: APIJobRun.Failure?
        let lines: [String]
    }

    /// Runs the single job of `yaml` (with `BASE` replaced) into a temporary file.
    private func run(_ yaml: String, server: TestServer, output: String? = nil) async throws -> Outcome {
        let configuration = try ScrapeConfiguration(yaml: yaml.replacingOccurrences(of: "BASE", with: server.baseURL))
        let job = configuration.jobs[0]
        guard case .api(let api) = job.source else { throw APIError(job: job.name, message: "not an api job") }
        let path = output ?? FileManager.default.temporaryDirectory.appendingPathComponent("api-\(UUID().uuidString).jsonl").path
        var http = configuration.http
        http.backoff.initial = .milliseconds(10)
        let client = try HTTPClient(configuration: http.clientConfiguration)
        defer { if output == nil { try? FileManager.default.removeItem(atPath: path) } }
        let options = APIJobRun.Options(job: job, api: api, keyPath: "jobs[0]", output: path, http: http)
        var summary: APIJobRun.Summary?
        var failure: APIJobRun.Failure?
        do {
            summary = try await APIJobRun(options: options).run(client: client)
        } catch {
            failure = error
        }
        await client.shutdown()
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return Outcome(summary: summary, failure: failure, lines: text.split(separator: "\n").map(String.init))
    }

    private func ids(_ lines: [String]) -> [Int] {
        lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? Int
        }
    }

    static let styles: [(String, String)] = [
        ("page_number", "path: pages?n=25&size=10\n      data_selector: data.items\n      paginator: {type: page_number, total_path: total_pages}"),
        ("page_number sized", "path: pages?n=25\n      data_selector: data.items\n      paginator: {type: page_number, page_size: 10, page_size_param: size}"),
        ("offset", "path: offset?n=25\n      data_selector: items\n      paginator: {type: offset, limit: 10, total_path: total}"),
        ("cursor", "path: cursor?n=25&size=10\n      data_selector: items\n      paginator: {type: cursor, cursor_path: meta.next_cursor, cursor_param: cursor}"),
        ("json_link", "path: link?n=25&size=10\n      data_selector: items\n      paginator: {type: json_link, next_url_path: next}"),
        ("header_link", "path: header-link?n=25&size=10\n      paginator: {type: header_link}"),
        ("header_cursor", "path: header-cursor?n=25&size=10\n      paginator: {type: header_cursor, cursor_key: X-Next-Cursor, cursor_param: cursor}"),
        ("single_page", "path: single?n=25\n      data_selector: $"),
    ]

    @Test(arguments: styles)
    func everyPaginatorGivesEveryRecordOnceInOrder(style: (String, String)) async throws {
        try await TestServer.withRunning { server in
            let yaml = """
                jobs:
                  - name: items
                    api:
                      base_url: BASE/api/
                      auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}
                      \(style.1)
                """
            let outcome = try await run(yaml, server: server)
            #expect(outcome.failure == nil ? true : false, "\(style.0): \(String(describing: outcome.failure))")
            #expect(ids(outcome.lines) == Array(0..<25), "\(style.0)")
            #expect(outcome.summary?.pages == (style.0 == "single_page" ? 1 : 3))
        }
    }

    @Test(arguments: [
        "{type: bearer, token_env: SCRAPE_TEST_TOKEN}", "{type: api_key, name: X-API-Key, value_env: SCRAPE_TEST_KEY}",
        "{type: api_key, name: api_key, location: query, value_env: SCRAPE_TEST_KEY}",
        "{type: http_basic, username: me, password_env: SCRAPE_TEST_PASSWORD}",
        "{type: oauth2_client_credentials, access_token_url: BASE/oauth/token, client_id: cid, client_secret_env: SCRAPE_TEST_CLIENT_SECRET, scopes: [read]}",
    ])
    func everyAuthKindIsAccepted(auth: String) async throws {
        try await TestServer.withRunning { server in
            let yaml = """
                jobs:
                  - name: items
                    api:
                      base_url: BASE/api/
                      path: cursor?n=45&size=10
                      auth: \(auth)
                      data_selector: items
                      paginator: {type: cursor, cursor_path: meta.next_cursor}
                """
            let outcome = try await run(yaml, server: server)
            #expect(outcome.failure == nil ? true : false, "\(String(describing: outcome.failure))")
            #expect(ids(outcome.lines) == Array(0..<45))
            if auth.contains("oauth2") {
                // The first token dies after 2 pages: one refresh, then the rest.
                #expect(server.log.count(path: "/oauth/token") == 2)
            }
        }
    }

    @Test func recordsKeepTheirBytesAndBigNumbers() async throws {
        try await TestServer.withRunning { server in
            let yaml = "jobs:\n  - name: items\n    api: {base_url: BASE/api/, path: single?n=2, auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}}\n"
            let outcome = try await run(yaml, server: server)
            #expect(outcome.lines.count == 2)
            #expect(outcome.lines[0] == #"{"z":0,"id":0,"big":9007199254740993,"huge":123456789012345678901234567890,"price":1.10000000000000000001,"name":"item 0 \u00fc \"q\"","updated_at":"2024-01-01T00:00:00Z"}"#)
            #expect(outcome.lines[1].contains(#""big":9007199254740995,"#))
        }
    }

    @Test func tooManyRequestsIsRetriedAfterTheWait() async throws {
        try await TestServer.withRunning { server in
            let yaml = """
                jobs:
                  - name: items
                    api:
                      base_url: BASE/api/
                      path: pages?n=25&size=10&throttle=t1
                      auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}
                      data_selector: data.items
                      paginator: {type: page_number, total_path: total_pages}
                """
            let outcome = try await run(yaml, server: server)
            #expect(ids(outcome.lines) == Array(0..<25))
            #expect(outcome.summary?.retries == 1)
            let times = server.log.all.filter { $0.path == "/api/pages" }.map(\.time)
            #expect(times.count == 4)
            // Pages 2 and 3 go out at once (the total is known); page 2's 429 asks for 1 s,
            // and its retry, the last request, waits for it.
            #expect(times[3] - times[1] >= .seconds(1))
        }
    }

    @Test func repeatingCursorStopsWithAnError() async throws {
        try await TestServer.withRunning { server in
            let yaml = "jobs:\n  - name: loop\n    api:\n      base_url: BASE/api/\n      path: cursor-loop\n      auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}\n      data_selector: items\n      paginator: {type: cursor, cursor_path: meta.next_cursor}\n"
            let outcome = try await run(yaml, server: server)
            guard case .job(let error, let kept, _)? = outcome.failure else { Issue.record("no job failure: \(String(describing: outcome.failure))"); return }
            #expect(error.description.contains("job loop"))
            #expect(outcome.failure?.description.contains("the \(kept) records written before it are kept in") == true)
            #expect(error.message.contains("\"same\" was already followed"))
            #expect(server.log.count(path: "/api/cursor-loop") == 2)
        }
    }

    @Test func badTokenFailsClearlyWithoutRetrying() async throws {
        try await TestServer.withRunning { server in
            let yaml = "jobs:\n  - name: items\n    api: {base_url: BASE/api/, path: single, auth: {type: bearer, token_env: SCRAPE_TEST_BAD_TOKEN}}\n"
            let outcome = try await run(yaml, server: server)
            guard case .job(let error, _, _)? = outcome.failure else { Issue.record("no job failure"); return }
            #expect(error.message.contains("401"))
            #expect(!error.description.contains("wrong"))  // the secret is never echoed
            #expect(server.log.count(path: "/api/single") == 1)
        }
    }

    @Test func missingSecretFailsBeforeAnyRequest() async throws {
        try await TestServer.withRunning { server in
            let yaml = "jobs:\n  - name: items\n    api: {base_url: BASE/api/, path: single, auth: {type: bearer, token_env: SCRAPE_TEST_UNSET_VARIABLE}}\n"
            let outcome = try await run(yaml, server: server)
            guard case .configuration(let error)? = outcome.failure else { Issue.record("no configuration failure"); return }
            #expect(error.description == "jobs[0].api.auth.token_env: environment variable SCRAPE_TEST_UNSET_VARIABLE is not set")
            #expect(server.log.all.isEmpty)
        }
    }

    @Test func selectorThatIsNotAnArrayNamesJobURLAndPath() async throws {
        try await TestServer.withRunning { server in
            let yaml = "jobs:\n  - name: items\n    api: {base_url: BASE/api/, path: offset, data_selector: total, auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}}\n"
            let outcome = try await run(yaml, server: server)
            guard case .job(let error, _, _)? = outcome.failure else { Issue.record("no job failure"); return }
            #expect(error.description == "job items: \(server.url("/api/offset")): data_selector \"total\" does not lead to an array of records")
        }
    }

    /// `include_from_parent` names fields the parent's records must have: one they lack
    /// fails the child on the first such record, naming the field and the parent, before
    /// its walk is requested (not `"_users_email":null` on every record).
    @Test func includeFromParentFieldMissingFromAParentRecordIsAnError() async throws {
        try await TestServer.withRunning { server in
            let yaml = """
                jobs:
                  - name: users
                    api: {base_url: BASE/api/, path: users}
                  - name: orders
                    api:
                      base_url: BASE/api/
                      path: "users/{user_id}/orders"
                      auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}
                      resolve: {user_id: {job: users, field: id}}
                      include_from_parent: [id, email]
                      paginator: {type: header_link}
                """
            let configuration = try ScrapeConfiguration(yaml: yaml.replacingOccurrences(of: "BASE", with: server.baseURL))
            guard case .api(let api) = configuration.jobs[1].source else { Issue.record("not an api job"); return }
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).jsonl").path
            defer { try? FileManager.default.removeItem(atPath: output) }
            let client = try HTTPClient(configuration: configuration.http.clientConfiguration)
            let options = APIJobRun.Options(job: configuration.jobs[1], api: api, keyPath: "jobs[1]", output: output, http: configuration.http)
            let parents = [Array(#"{"id":1,"name":"user 1"}"#.utf8), Array(#"{"id":2,"name":"user 2"}"#.utf8)]
            let results = await APIRunner.run([APIJobRun(options: options)], client: client, parentRecords: ["users": parents])
            await client.shutdown()
            guard case .failure(.job(let error, let kept, _)) = results[0] else { Issue.record("no job failure: \(results[0])"); return }
            #expect(error.description == "job orders: include_from_parent: a record of parent job users has no field email; name only fields the parent's records have")
            #expect(kept == 0)
            #expect(server.log.all.filter { $0.path.hasPrefix("/api/users/") }.isEmpty)
        }
    }

    @Test func incrementalSendsTheLastValueOnTheNextRun() async throws {
        try await TestServer.withRunning { server in
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("inc-\(UUID().uuidString).jsonl").path
            defer { [output, output + ".state.json"].forEach { try? FileManager.default.removeItem(atPath: $0) } }
            let yaml = """
                jobs:
                  - name: changes
                    api:
                      base_url: BASE/api/
                      path: since?n=5
                      auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}
                      incremental: {cursor_path: updated_at, param: updated_since, initial_value: "2024-01-01T00:00:01Z"}
                """
            let first = try await run(yaml, server: server, output: output)
            #expect(ids(first.lines) == [2, 3, 4])
            #expect(first.summary?.savedCursor == "2024-01-01T00:00:04Z")
            let state = try String(contentsOfFile: output + ".state.json", encoding: .utf8)
            #expect(state == #"{"job":"changes","last_value":"2024-01-01T00:00:04Z"}"# + "\n")
            let second = try await run(yaml.replacingOccurrences(of: "n=5", with: "n=7"), server: server, output: output)
            #expect(ids(second.lines) == [2, 3, 4, 5, 6])  // appended: 5 and 6 only were new
        }
    }
}

