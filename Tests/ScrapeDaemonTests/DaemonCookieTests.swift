import Foundation
import ScrapeCore
import ScrapeHTTP
import ScrapeTestSupport
import Testing

@testable import ScrapeDaemon

/// Cookies in the daemon (issue 29): with `http.cookies: true` every job run gets a jar of
/// its own on the one shared client, so two jobs on one host, run at once, never see each
/// other's cookies, and a run does not inherit the last run's cookies without a jar file.
@Suite(.timeLimit(.minutes(3)))
struct DaemonCookieTests {
    @Test func twoJobsOnOneHostNeverSeeEachOthersCookies() async throws {
        try await TestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let listA = try daemon.write("a.txt", [server.url("/session/set/a/1"), server.url("/session/echo")].joined(separator: "\n") + "\n")
                let listB = try daemon.write("b.txt", [server.url("/session/set/b/2"), server.url("/session/echo")].joined(separator: "\n") + "\n")
                let listC = try daemon.write("c.txt", server.url("/session/echo") + "\n")
                try daemon.writeConfig("""
                    http: {cookies: true, robots_txt: ignore, retries: 0, per_host_concurrency: 1, headers: {X-Daemon: "yes"}}
                    jobs:
                      - name: a
                        scrape: {urls_file: \(listA)}
                        revisit: false
                      - name: b
                        scrape: {urls_file: \(listB)}
                        revisit: false
                      - name: c
                        scrape: {urls_file: \(listC)}
                        revisit: false
                    """)
                try await daemon.start()
                // a and b at once, on one client and one host slot: their requests interleave.
                #expect(try await daemon.json(.post, "/jobs/a/run").status == 202)
                #expect(try await daemon.json(.post, "/jobs/b/run").status == 202)
                try await daemon.waitForRun("a-1")
                try await daemon.waitForRun("b-1")
                #expect(try await daemon.json(.post, "/jobs/c/run").status == 202)
                try await daemon.waitForRun("c-1")
                // c twice, after a and b: each run a fresh jar, so it has nothing to send.
                #expect(try await daemon.json(.post, "/jobs/c/run").status == 202)
                try await daemon.waitForRun("c-2")

                func echo(_ job: String) -> [String] {
                    daemon.records(daemon.stateDirectory + "/\(job).jsonl")
                        .filter { ($0["url"] as? String)?.hasSuffix("/session/echo") == true }
                        .compactMap { $0["title"] as? String }
                }
                #expect(echo("a") == ["cookie: a=1"])
                #expect(echo("b") == ["cookie: b=2"])
                #expect(echo("c") == ["cookie: none", "cookie: none"])
            }
        }
    }

    @Test func aJobsJarFileIsUnderTheStateDirectoryUnlessAbsolute() throws {
        let paths = DaemonPaths(stateDirectory: "/var/lib/scrape", inbox: "/var/lib/scrape/inbox")
        var http = ScrapeConfiguration.HTTP()
        #expect(paths.resolvingCookieJar(http) == http)
        try http.setCookieJar("sessions/shop.txt", source: "jobs[0].http.cookie_jar")
        #expect(paths.resolvingCookieJar(http).cookieJar == "/var/lib/scrape/sessions/shop.txt")
        try http.setCookieJar("/etc/scrape/shop.txt", source: "jobs[0].http.cookie_jar")
        #expect(paths.resolvingCookieJar(http).cookieJar == "/etc/scrape/shop.txt")
    }
}
