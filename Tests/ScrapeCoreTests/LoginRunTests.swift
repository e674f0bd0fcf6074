import Foundation
import ScrapeCore
import ScrapePages
import ScrapeTestSupport
import Testing

/// `login:` in `scrape run` (issue 29) against the in-process server's ``LoginSite``: a CSRF
/// form and a session cookie, sessions that end after K pages, a 401 logout, a JSON login,
/// and logins that fail.
@Suite(.timeLimit(.minutes(1)))
struct LoginRunTests {
    private func path(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    /// A site name no other test uses, starting with `prefix`.
    private func site(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8))" }

    /// A variable holding the site's password, set for this process.
    private func passwordVariable(_ value: String = LoginSite.password) -> String {
        let name = "SCRAPE_TEST_LOGIN_\(UUID().uuidString.prefix(8).uppercased())"
        setenv(name, value, 1)
        return name
    }

    private func formLogin(_ server: TestServer, site: String, password: String, loggedOut: String = #"{css: "form#login"}"#) throws -> ScrapeConfiguration.Login {
        try #require(
            try ScrapeConfiguration(
                yaml: """
                    login:
                      url: \(server.url("/login/\(site)/form"))
                      form: {username: \(LoginSite.user), \(password)}
                      logged_out: \(loggedOut)
                    """
            ).login)
    }

    /// Runs `pages` of `site` with `login` into `output` and returns the summary and the
    /// records by URL.
    private func run(
        _ server: TestServer, site: String, pages: ClosedRange<Int>, login: ScrapeConfiguration.Login, output: String? = nil, concurrency: Int = 4
    ) async throws -> (summary: RunSummary, records: [String: [String: Any]]) {
        let input = path("urls.txt")
        try (pages.map { server.url("/login/\(site)/page/\($0)") }.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let output = output ?? path("out.jsonl")
        var http = ScrapeConfiguration.HTTP()
        http.timeout = .seconds(5)
        http.robotsTxt = .ignore
        http.concurrency = concurrency
        http.perHostConcurrency = concurrency
        var options = ScrapeRun.Options(input: input, output: output, resume: false, http: http)
        options.login = login
        let summary = try await ScrapeRun(options: options).run()
        return (summary, try records(output))
    }

    private func records(_ output: String) throws -> [String: [String: Any]] {
        var records: [String: [String: Any]] = [:]
        for line in try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n") {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            records[try #require(record["url"] as? String)] = record
        }
        return records
    }

    @Test func aFormLoginGivesEveryPageItsSession() async throws {
        try await TestServer.withRunning { server in
            let site = site("basic")
            let login = try formLogin(server, site: site, password: "password_env: \(passwordVariable())")
            let result = try await run(server, site: site, pages: 1...5, login: login)
            #expect(result.records.count == 5)
            for n in 1...5 {
                let record = try #require(result.records[server.url("/login/\(site)/page/\(n)")])
                #expect(record["title"] as? String == "Secret \(n)")
                #expect(record["attempts"] as? Int == 1)
            }
            #expect(result.summary.logins == 1)
            #expect(LoginSite.logins(site: site) == 1)
        }
    }

    @Test func pagesThatFindTheSessionEndedShareOneNewLogin() async throws {
        try await TestServer.withRunning { server in
            // Each session serves 10 pages: 30 pages need exactly 3 logins, however many
            // of the 4 in flight find the end of a session at once.
            let site = site("expiring-v10")
            let login = try formLogin(server, site: site, password: "password_env: \(passwordVariable())")
            let result = try await run(server, site: site, pages: 1...30, login: login)
            #expect(result.records.count == 30)
            for (url, record) in result.records {
                #expect((record["title"] as? String)?.hasPrefix("Secret ") == true, "\(url)")
                #expect(record["attempts"] as? Int == 1, "a fetch after a new login spends no retry: \(url)")
                #expect(record["error"] is NSNull, "\(url)")
            }
            #expect(LoginSite.logins(site: site) == 3)
            #expect(result.summary.logins == 3)
            #expect(result.summary.retries == 0)
        }
    }

    @Test func aStatusShowsTheLogoutToo() async throws {
        try await TestServer.withRunning { server in
            let site = site("status-v5")
            let login = try formLogin(server, site: site, password: "password_file: \(try secretFile())", loggedOut: "{status: [401]}")
            let result = try await run(server, site: site, pages: 1...12, login: login, concurrency: 2)
            #expect(result.records.values.allSatisfy { ($0["title"] as? String)?.hasPrefix("Secret ") == true && $0["status"] as? Int == 200 })
            #expect(result.records.count == 12)
            #expect(LoginSite.logins(site: site) == 3)
        }
    }

    private func secretFile() throws -> String {
        let file = path("secret")
        try (LoginSite.password + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func aJSONLoginGivesTheSessionCookie() async throws {
        try await TestServer.withRunning { server in
            let site = site("json")
            let login = try #require(
                try ScrapeConfiguration(
                    yaml: """
                        login:
                          url: \(server.url("/login/\(site)/api-login"))
                          json: {username: \(LoginSite.user), password_env: \(passwordVariable()), remember: false}
                          logged_out: {css: "form#login"}
                        """
                ).login)
            let result = try await run(server, site: site, pages: 1...3, login: login)
            #expect(result.records.values.allSatisfy { ($0["title"] as? String)?.hasPrefix("Secret ") == true })
            #expect(LoginSite.logins(site: site) == 1)
        }
    }

    @Test func aLoginThatFailsStopsTheRunBeforeTheOutputIsOpened() async throws {
        try await TestServer.withRunning { server in
            let site = site("wrong")
            let login = try formLogin(server, site: site, password: "password_env: \(passwordVariable("not it"))")
            let output = path("out.jsonl")
            try "{\"earlier\":true}\n".write(toFile: output, atomically: true, encoding: .utf8)
            await #expect {
                _ = try await run(server, site: site, pages: 1...3, login: login, output: output)
            } throws: { error in
                guard case ScrapeRun.Failure.login(let login, nil) = error else { return false }
                return login.step == .submit && login.reason.hasSuffix("answered 403") && !login.isConfiguration
                    && !"\(error)".contains("not it")
            }
            #expect(try String(contentsOfFile: output, encoding: .utf8) == "{\"earlier\":true}\n", "the earlier output is untouched")
            #expect(server.log.count(prefix: "/login/\(site)/page/") == 0)
        }
    }

    @Test func aPasswordWrittenInTheFileIsRefused() async throws {
        try await TestServer.withRunning { server in
            let site = site("literal")
            let login = try formLogin(server, site: site, password: "password: hunter2")
            await #expect {
                _ = try await run(server, site: site, pages: 1...1, login: login)
            } throws: { error in
                guard case ScrapeRun.Failure.login(let login, nil) = error else { return false }
                return login.isConfiguration && login.step == .fill && !"\(error)".contains("hunter2")
            }
        }
    }

    @Test func aLaterLoginThatFailsStopsTheRunAndLeavesTheRestForAResume() async throws {
        try await TestServer.withRunning { server in
            // Sessions serve 3 pages and only the first login works: one page at a time,
            // pages 1-3 are recorded, page 4 finds the end, the new login fails, the run stops.
            let site = site("once-v3")
            let login = try formLogin(server, site: site, password: "password_env: \(passwordVariable())")
            let output = path("out.jsonl")
            await #expect {
                _ = try await run(server, site: site, pages: 1...8, login: login, output: output, concurrency: 1)
            } throws: { error in
                guard case ScrapeRun.Failure.login(let login, let notRecorded?) = error else { return false }
                return login.step == .submit && notRecorded >= 1
            }
            let written = try records(output)
            #expect(Set(written.keys) == Set((1...3).map { server.url("/login/\(site)/page/\($0)") }))
            #expect(server.log.count(prefix: "/login/\(site)/page/") == 4, "nothing more starts once the login failed")
        }
    }

    @Test func aLoggedOutTestThatMatchesLivePagesStopsAfterThreeIdleLogins() async throws {
        try await TestServer.withRunning { server in
            // Every member page has a link and the landing page has none: each login
            // works, yet every page "shows logged out". Three logins, then the run stops.
            let site = site("idle")
            let login = try formLogin(server, site: site, password: "password_env: \(passwordVariable())", loggedOut: #"{css: "a[href]"}"#)
            let output = path("out.jsonl")
            await #expect {
                _ = try await run(server, site: site, pages: 1...5, login: login, output: output, concurrency: 1)
            } throws: { error in
                guard case ScrapeRun.Failure.login(let login, _?) = error else { return false }
                return login.reason.hasPrefix("the last 3 logins worked, but every page fetched since still showed logged out")
            }
            #expect(LoginSite.logins(site: site) == 3)
            #expect(try records(output).isEmpty)
        }
    }
}
