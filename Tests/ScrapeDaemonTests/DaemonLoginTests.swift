import Foundation
import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// `login:` in daemon jobs (issue 29): a scrape job and a crawl job behind a form login, each
/// run logging in with its own jar (a password from the daemon's environment), sessions that
/// end mid-run, and a job whose login fails.
@Suite(.timeLimit(.minutes(3)))
struct DaemonLoginTests {
    @Test func scrapeAndCrawlJobsLogInAndAgainWhenTheSessionEnds() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let id = UUID().uuidString.prefix(8)
                let scrapeSite = "daemon-v4-\(id)", crawlSite = "crawl-v5-\(id)", wrongSite = "wrong-\(id)"
                let list = try daemon.write("pages.txt", (1...10).map { server.url("/login/\(scrapeSite)/page/\($0)") }.joined(separator: "\n") + "\n")
                func login(_ site: String, variable: String) -> String {
                    """
                    login:
                          url: \(server.url("/login/\(site)/form"))
                          form: {username: \(LoginSite.user), password_env: \(variable)}
                          logged_out: {css: "form#login"}
                    """
                }
                try daemon.writeConfig("""
                    http: {robots_txt: ignore, retries: 0}
                    jobs:
                      - name: members
                        scrape: {urls_file: \(list)}
                        revisit: false
                        \(login(scrapeSite, variable: "SITE_PASSWORD"))
                      - name: tour
                        crawl: {seeds: [\(server.url("/login/\(crawlSite)/page/1"))], scope: prefix}
                        revisit: false
                        \(login(crawlSite, variable: "SITE_PASSWORD"))
                      - name: refused
                        scrape: {urls_file: \(list)}
                        revisit: false
                        \(login(wrongSite, variable: "WRONG_PASSWORD"))
                    """)
                try await daemon.start(environment: ["SITE_PASSWORD": LoginSite.password, "WRONG_PASSWORD": "guess"])
                for job in ["members", "tour", "refused"] {
                    #expect(try await daemon.json(.post, "/jobs/\(job)/run").status == 202)
                    try await daemon.waitForRun("\(job)-1", toBe: job == "refused" ? "failed" : "succeeded")
                }
                let members = daemon.records(daemon.stateDirectory + "/members.jsonl")
                #expect(members.count == 10)
                #expect(members.allSatisfy { ($0["title"] as? String)?.hasPrefix("Secret ") == true && $0["attempts"] as? Int == 1 })
                #expect(LoginSite.logins(site: scrapeSite) == 3, "4 pages a session: 10 pages, 3 logins")

                let tour = daemon.records(daemon.stateDirectory + "/tour.jsonl")
                #expect(Set(tour.compactMap { $0["title"] as? String }) == Set((1...12).map { "Secret \($0)" }))
                #expect(LoginSite.logins(site: crawlSite) == 3, "5 pages a session: 12 pages, 3 logins")

                #expect(daemon.records(daemon.stateDirectory + "/refused.jsonl").isEmpty)
                let run = try await daemon.json(.get, "/runs/refused-1")
                let message = run.object["message"] as? String ?? ""
                #expect(message.contains("login failed submitting the login") && message.contains("answered 403"), "\(message)")
                #expect(!message.contains("guess"))
            }
        }
    }
}
