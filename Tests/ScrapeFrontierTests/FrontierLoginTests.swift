import Foundation
import ScrapeCore
import ScrapeTestSupport
import Testing

@testable import ScrapeFrontier

/// Logins in fleet workers (issue 29): a worker's `login:` (its `--config` file's) logs each
/// job in, in a session of the job's own in that worker, with its first page and again when
/// a page shows the session ended; a login that fails stops the worker, naming the step.
@Suite(.timeLimit(.minutes(2))) struct FrontierLoginTests {
    private static func login(_ server: TestServer, site: String, password: String) throws -> ScrapeConfiguration.Login {
        let variable = "SCRAPE_FLEET_LOGIN_\(UUID().uuidString.prefix(8).uppercased())"
        setenv(variable, password, 1)
        return try #require(
            try ScrapeConfiguration(
                yaml: """
                    login:
                      url: \(server.url("/login/\(site)/form"))
                      form: {username: \(LoginSite.user), password_env: \(variable)}
                      logged_out: {css: "form#login"}
                    """
            ).login)
    }

    @Test func aWorkerLogsInForItsJobAndAgainWhenTheSessionEnds() async throws {
        let harness = try await FrontierHarness.make("login_fleet")
        defer { Task { await harness.close() } }
        try await TestServer.withRunning { server in
            // Each session serves 5 pages: 12 pages take exactly 3 logins in one worker.
            let site = "fleet-v5-\(UUID().uuidString.prefix(8))"
            try await harness.add((1...12).map { server.url("/login/\(site)/page/\($0)") }, job: "members", changes: .init(ignoreRobots: true))
            var options = FrontierHarness.options("w1", jobs: ["members"], concurrency: 4)
            options.login = try Self.login(server, site: site, password: LoginSite.password)
            let store = try FrontierHarness.store(harness.url)
            _ = try await FrontierWorker(options: options, store: store).run()
            await store.database.close()
            let records = try await harness.export(job: "members")
            #expect(records.count == 12)
            #expect(records.allSatisfy { ($0["title"] as? String)?.hasPrefix("Secret ") == true && $0["attempts"] as? Int == 1 }, "\(records)")
            #expect(LoginSite.logins(site: site) == 3)
        }
    }

    @Test func aLoginThatFailsStopsTheWorker() async throws {
        let harness = try await FrontierHarness.make("login_fleet_wrong")
        defer { Task { await harness.close() } }
        try await TestServer.withRunning { server in
            let site = "fleet-wrong-\(UUID().uuidString.prefix(8))"
            try await harness.add((1...3).map { server.url("/login/\(site)/page/\($0)") }, job: "members", changes: .init(ignoreRobots: true))
            var options = FrontierHarness.options("w1", jobs: ["members"], concurrency: 2)
            options.login = try Self.login(server, site: site, password: "not it")
            let store = try FrontierHarness.store(harness.url)
            await #expect {
                _ = try await FrontierWorker(options: options, store: store).run()
            } throws: { error in
                let text = "\(error)"
                return text.contains("job \"members\": login failed submitting the login") && text.contains("answered 403") && !text.contains("not it")
            }
            await store.database.close()
            #expect(try await harness.export(job: "members").isEmpty)
            #expect(server.log.count(prefix: "/login/\(site)/page/") == 0, "no page is fetched without a session")
        }
    }
}
