import Foundation
import ScrapeCore
import ScrapeCrawl
import ScrapeHTML
import ScrapePages
import ScrapeTestSupport
import Testing

/// A page with fields costs one tree (issue 30): with `login:` and a `logged_out.css`, the
/// test that looks for the logged-out page and the fields (or a crawl's title, fields and
/// links) read the same parse. Counted by ``DocumentCounter`` around whole runs, in process,
/// on the in-process server's ``LoginSite``: every tree built from a body counts, whoever
/// builds it.
@Suite(.timeLimit(.minutes(1)))
struct ParseOnceTests {
    /// Trees a login builds: the login form's page (to fill the form) and the page it
    /// lands on (`logged_out` is checked there too).
    static let treesPerLogin = 2

    /// A fresh site of ``LoginSite`` (sessions that never end) and its login, with the
    /// logged-out test a selector must answer on every page.
    private func login(_ server: TestServer) throws -> (site: String, login: ScrapeConfiguration.Login) {
        let site = "parse-\(UUID().uuidString.prefix(8))"
        let variable = "SCRAPE_TEST_PARSE_\(UUID().uuidString.prefix(8).uppercased())"
        setenv(variable, LoginSite.password, 1)
        let config = try ScrapeConfiguration(
            yaml: """
                login:
                  url: \(server.url("/login/\(site)/form"))
                  form: {username: \(LoginSite.user), password_env: \(variable)}
                  logged_out: {css: "form#login"}
                """)
        return (site, try #require(config.login))
    }

    private func http() -> ScrapeConfiguration.HTTP {
        var http = ScrapeConfiguration.HTTP()
        http.timeout = .seconds(5)
        http.robotsTxt = .ignore
        http.concurrency = 4
        http.perHostConcurrency = 2
        return http
    }

    private func extraction() throws -> ScrapeConfiguration.Extraction {
        var extraction = ScrapeConfiguration.Extraction()
        try extraction.add("members=p", source: "--field")
        extraction.metadata = true
        return extraction
    }

    /// `scrape run` with fields and metadata: one tree per page, the one the logged-out
    /// test built (before issue 30's change, two: 5 pages cost 10 trees).
    @Test func scrapeRunParsesEachPageOnce() async throws {
        try await TestServer.withRunning { server in
            let (site, login) = try login(server)
            let pages = (1...5).map { server.url("/login/\(site)/page/\($0)") }
            let input = try TemporaryFiles.urlList(pages)
            let output = TemporaryFiles.path("parse-once.jsonl")
            var options = ScrapeRun.Options(input: input, output: output, resume: false, http: http(), extraction: try extraction())
            options.login = login
            let counter = DocumentCounter()
            let summary = try await DocumentCounter.$current.withValue(counter) { try await ScrapeRun(options: options).run() }
            let records = try TemporaryFiles.records(try String(contentsOfFile: output, encoding: .utf8))
            #expect(records.count == 5)
            for record in records {
                #expect((record["title"] as? String)?.hasPrefix("Secret ") == true)
                #expect((record["fields"] as? [String: Any])?["members"] as? String == "for members of \(site)")
                #expect(record["metadata"] is [String: Any])
            }
            #expect(summary.logins == 1)
            #expect(counter.documentsBuilt == pages.count + Self.treesPerLogin)
        }
    }

    /// `scrape crawl` behind the login: its stage 4 (title, fields, metadata, links) reads
    /// the tree the logged-out test built, so each page is one tree; and its stage 4 runs
    /// after the host's slot was freed, which changes none of the records.
    @Test func scrapeCrawlParsesEachPageOnce() async throws {
        try await TestServer.withRunning { server in
            let (site, login) = try login(server)
            let seed = server.url("/login/\(site)/page/1")
            let settings = try CrawlSettings(compiling: CrawlSettings.Rules().written(seeds: [seed]))
            let output = TemporaryFiles.path("parse-once-crawl.jsonl")
            var options = CrawlRun.Options(settings: settings, output: output, http: http(), extraction: try extraction())
            options.login = login
            options.http.perHostConcurrency = 1
            let counter = DocumentCounter()
            let summary = try await DocumentCounter.$current.withValue(counter) { try await CrawlRun(options: options).run() }
            let records = try TemporaryFiles.records(try String(contentsOfFile: output, encoding: .utf8))
            // Pages 1 to 11 link to the next: 12 pages, each recorded once.
            let urls = records.compactMap { $0["url"] as? String }
            #expect(Set(urls) == Set((1...12).map { server.url("/login/\(site)/page/\($0)") }))
            #expect(urls.count == 12)
            for record in records {
                #expect((record["fields"] as? [String: Any])?["members"] as? String == "for members of \(site)")
            }
            #expect(summary.run.logins == 1)
            #expect(counter.documentsBuilt == 12 + Self.treesPerLogin)
        }
    }
}
