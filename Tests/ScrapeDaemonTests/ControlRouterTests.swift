import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ScrapeCore
import ScrapeHTTP
import Testing

@testable import ScrapeDaemon

/// The control server's routes driven in process (`app.test(.router)`, as Hummingbird's
/// own tests do): status codes, the bearer token middleware, the JSON convention, the job
/// table and the inbox behind them. Signals, systemd and restarts stay in DaemonTests,
/// against the binary.
@Suite struct ControlRouterTests {
    static let token = DaemonPartsFixture.token

    /// Runs `body` with the daemon's parts and an in-process client of their router.
    func withRouter(token: Bool = true, _ body: @escaping @Sendable (DaemonParts, any TestClientProtocol) async throws -> Void) async throws {
        try await DaemonPartsFixture.with(token: token) { parts, _ in
            let app = Application(router: parts.control.makeRouter())
            try await app.test(.router) { client in try await body(parts, client) }
        }
    }

    /// The answer's JSON object; empty when it is not one (the expectations then fail).
    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:]
    }

    static var authorized: HTTPFields { [.authorization: "Bearer \(token)"] }

    @Test func jobsAreListedInSnakeCaseWithTypedStates() async throws {
        try await withRouter { _, client in
            try await client.execute(uri: "/jobs", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(String(buffer: response.body).hasSuffix("}\n"))
                let jobs = Self.json(response)["jobs"] as? [[String: Any]] ?? []
                #expect(jobs.map { $0["name"] as? String } == ["manual", "hourly"])
                #expect(jobs.first?["state"] as? String == "idle")
                #expect(jobs.first?["type"] as? String == "scrape")
                #expect(jobs.first?["at_start"] as? Bool == false)
                #expect(jobs.last?["every"] as? String == "1h")
                #expect(jobs.last?["next_run"] is String)
                #expect(jobs.first?["next_run"] == nil)
            }
        }
    }

    @Test func mutatingRoutesNeedTheTokenAndReadOnlyOnesDoNot() async throws {
        try await withRouter { _, client in
            for (uri, body) in [("/jobs/manual/run", ""), ("/scrape", "http://127.0.0.1:9/a\n")] {
                try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="scrape""#)
                    #expect(Self.json(response)["error"] as? String == "missing Authorization: Bearer token")
                }
                try await client.execute(uri: uri, method: .post, headers: [.authorization: "Bearer \(Self.token)x"], body: ByteBuffer(string: body)) {
                    #expect($0.status == .unauthorized)
                    #expect(Self.json($0)["error"] as? String == "wrong bearer token")
                }
            }
            for uri in ["/jobs", "/runs/nothing", "/metrics", "/healthz"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status != .unauthorized, "\(uri)") }
            }
        }
    }

    @Test func withoutATokenFileNothingIsGuarded() async throws {
        try await withRouter(token: false) { _, client in
            try await client.execute(uri: "/jobs/manual/run", method: .post) { #expect($0.status == .accepted) }
        }
    }

    @Test func triggeringAJobAnswersAcceptedThenConflictUntilItEnds() async throws {
        try await withRouter { parts, client in
            try await client.execute(uri: "/jobs/manual/run", method: .post, headers: Self.authorized) { response in
                #expect(response.status == .accepted)
                let answer = Self.json(response)
                #expect(answer["id"] as? String == "manual-1")
                #expect(answer["status"] as? String == "/runs/manual-1")
            }
            // The scheduler service is not running here, so the run stays decided, not started.
            try await client.execute(uri: "/jobs/manual/run", method: .post, headers: Self.authorized) { response in
                #expect(response.status == .conflict)
                #expect(Self.json(response)["id"] as? String == "manual-1")
            }
            try await client.execute(uri: "/jobs/nope/run", method: .post, headers: Self.authorized) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/runs/manual-1", method: .get) { response in
                #expect(response.status == .ok)
                let run = Self.json(response)
                #expect(run["state"] as? String == "queued")
                #expect(run["kind"] as? String == "job")
            }
            try await client.execute(uri: "/jobs", method: .get) { response in
                let jobs = Self.json(response)["jobs"] as? [[String: Any]] ?? []
                #expect(jobs.first?["state"] as? String == "queued")
                #expect(jobs.first?["queued_run"] as? String == "manual-1")
                #expect(jobs.first?["position"] as? Int == 1)
            }
            parts.drain.begin(timeout: .seconds(1))
            try await client.execute(uri: "/jobs/hourly/run", method: .post, headers: Self.authorized) { #expect($0.status == .serviceUnavailable) }
        }
    }

    @Test func aPostedListLandsInTheInboxWhole() async throws {
        try await withRouter { parts, client in
            let list = "http://127.0.0.1:9/a\n# a comment\n\nhttp://127.0.0.1:9/b"
            let id = try await client.execute(uri: "/scrape", method: .post, headers: Self.authorized, body: ByteBuffer(string: list)) { response in
                #expect(response.status == .accepted)
                let answer = Self.json(response)
                #expect(answer["urls"] as? Int == 2)
                return answer["id"] as? String ?? ""
            }
            #expect(id.hasPrefix("list-"))
            #expect(try String(contentsOfFile: "\(parts.paths.inbox)/\(id).txt", encoding: .utf8) == list + "\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: parts.paths.inbox).filter { $0.hasPrefix(".incoming") }.isEmpty)
            try await client.execute(uri: "/runs/\(id)", method: .get) { response in
                #expect(Self.json(response)["state"] as? String == "queued")
                #expect(Self.json(response)["kind"] as? String == "inbox")
            }
            for (body, error) in [("\n# nothing\n", "the URL list has no URLs (one per line)"), ("http://a/\u{FF}", "")] {
                var buffer = ByteBuffer(string: body)
                if error.isEmpty { buffer = ByteBuffer(bytes: Array("http://a/".utf8) + [0xFF, 0x0A]) }
                try await client.execute(uri: "/scrape", method: .post, headers: Self.authorized, body: buffer) { response in
                    #expect(response.status == .badRequest)
                    if !error.isEmpty { #expect(Self.json(response)["error"] as? String == error) }
                }
            }
        }
    }

    @Test func unknownRunsAndPathLikeIDsAreNotFound() async throws {
        try await withRouter { _, client in
            for id in ["nope", ".incoming-x", "..%2Fstate"] {
                try await client.execute(uri: "/runs/\(id)", method: .get) { response in
                    #expect(response.status == .notFound, "\(id)")
                    #expect((Self.json(response)["error"] as? String)?.hasPrefix("no run with id") == true)
                }
            }
        }
    }

    @Test func healthAndMetricsAnswer() async throws {
        try await withRouter { _, client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                let health = Self.json(response)
                #expect(health["state_dir"] as? String == "writable")
                #expect(health["draining"] as? Bool == false)
                #expect(response.status == (health["status"] as? String == "ok" ? .ok : .serviceUnavailable))
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("scrape_inflight_requests 0"))
            }
        }
    }
}
