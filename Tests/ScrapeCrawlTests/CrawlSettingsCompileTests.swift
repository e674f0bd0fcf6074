import Foundation
import ScrapeCore
import ScrapeHTML
import Testing

@testable import ScrapeCrawl

/// The one compile path of `scrape crawl`'s flags and `crawl:` jobs' keys
/// (``CrawlSettings/init(compiling:fileSeeds:)``): the same checks and words for both,
/// each error naming where the value was written.
struct CrawlSettingsCompileTests {
    private static func job(_ body: String) throws -> ScrapeConfiguration.Crawl {
        let file = try ScrapeConfiguration(yaml: "jobs:\n  - name: docs\n    crawl:\n" + body)
        guard case .crawl(let crawl) = file.jobs.first?.source else { throw CrawlSettingsError("not a crawl job") }
        return crawl
    }

    @Test func aJobsKeysCompileAsTheFlagsDo() throws {
        let crawl = try Self.job("""
                  seeds: ["https://docs.example/guide/index.html#top", "https://docs.example/guide/index.html", "http://other.example/"]
                  scope: prefix
                  max_depth: 2
                  max_pages: 10
                  allow: ["/guide/"]
                  deny: ["\\\\.pdf$"]
                  follow: "nav a"
                  sitemaps: true
            """)
        let settings = try CrawlSettings(compiling: crawl)
        // Parsed as links are: the fragment dropped, a seed given twice is one URL.
        #expect(settings.seeds.map(\.href) == ["https://docs.example/guide/index.html", "http://other.example/"])
        #expect(settings.scope == .prefix)
        #expect(settings.maxDepth == 2 && settings.maxPages == 10)
        #expect(settings.admits("https://docs.example/guide/a.html"))
        #expect(!settings.admits("https://docs.example/guide/a.pdf"))
        #expect(!settings.admits("https://docs.example/blog/"))
        #expect(settings.follow.text == "nav a")
        #expect(settings.sitemaps)

        var flags = ScrapeConfiguration.Crawl()
        flags.seeds = [.init("https://docs.example/guide/index.html#top", source: "seed argument"), .init("http://other.example/", source: "seed argument")]
        flags.scope = .init("prefix", source: "--scope")
        flags.maxDepth = 2
        flags.maxPages = 10
        flags.allow = [.init("/guide/", source: "--allow")]
        flags.deny = [.init("\\.pdf$", source: "--deny")]
        flags.follow = .init("nav a", source: "--follow")
        flags.sitemaps = true
        let fromFlags = try CrawlSettings(compiling: flags)
        #expect(fromFlags.fingerprint.map(\.value) == settings.fingerprint.map(\.value))
    }

    @Test func theDefaultsAreScrapeCrawls() throws {
        let settings = try CrawlSettings(compiling: try Self.job("      seeds: [https://docs.example/]\n"))
        #expect(settings.scope == .host)
        #expect(settings.follow.text == LinkRule.defaultSelector)
        #expect(settings.maxDepth == nil && settings.maxPages == nil && !settings.sitemaps)
        #expect(settings.allow.isEmpty && settings.deny.isEmpty)
    }

    /// Each bad value is named by key path and line in a file, by flag on the command line.
    @Test(arguments: [
        ("      seeds: [http://h/]\n      scope: site\n", "line 5: jobs[0].crawl.scope: expected one of host, origin, domain, prefix, any, got \"site\""),
        ("      seeds: [http://h/]\n      allow: [a, \"(\"]\n", "line 5: jobs[0].crawl.allow[1]: '(' is not a POSIX extended regular expression"),
        ("      seeds: [http://h/]\n      deny: \"[\"\n", "line 5: jobs[0].crawl.deny: '[' is not a POSIX extended regular expression"),
        ("      seeds: [http://h/]\n      follow: \"a::text\"\n", "line 5: jobs[0].crawl.follow: "),
        ("      seeds:\n        - http://h/\n        - mailto:x@y\n", "line 6: jobs[0].crawl.seeds[1]: \"mailto:x@y\" is not an http or https URL"),
        ("      seeds: [\"http://[::1\"]\n", "line 4: jobs[0].crawl.seeds[0]: \"http://[::1\" is not a URL"),
    ])
    func badValuesNameTheKeyAndLine(body: String, message: String) throws {
        let crawl = try Self.job(body)
        let compiles: [() throws -> Void] = [{ _ = try CrawlSettings(compiling: crawl) }, { try CrawlSettings.check(crawl) }]
        for compile in compiles {
            #expect {
                try compile()
            } throws: { error in
                "\(error)".hasPrefix(message)
            }
        }
    }

    @Test func aFlagsErrorNamesTheFlag() {
        var flags = ScrapeConfiguration.Crawl()
        flags.seeds = [.init("http://h/", source: "seed argument")]
        flags.allow = [.init("(", source: "--allow")]
        #expect(throws: ConfigurationError.self) { try CrawlSettings.check(flags) }
        do {
            try CrawlSettings.check(flags)
        } catch {
            #expect("\(error)".hasPrefix("--allow: '(' is not a POSIX extended regular expression"), "\(error)")
        }
    }

    @Test func aSeedsFilesLinesAreNamedByFileAndLine() async throws {
        let path = NSTemporaryDirectory() + "seeds-\(UUID().uuidString).txt"
        try "# seeds\nhttps://docs.example/\n\nhttps://docs.example/#again\nftp://files.example/\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        var crawl = ScrapeConfiguration.Crawl()
        let file = ScrapeConfiguration.Crawl.Written("seeds.txt", source: "jobs[0].crawl.seeds_file", line: 6)
        crawl.seedsFile = file
        let seeds = try await CrawlSettings.readSeeds(from: file, path: path)
        #expect(seeds.map(\.text) == ["https://docs.example/", "https://docs.example/#again", "ftp://files.example/"])
        #expect(seeds.first?.source == "jobs[0].crawl.seeds_file (\(path), line 2)")
        // The check at load does not read the file; the compile of a run does.
        try CrawlSettings.check(crawl)
        #expect {
            _ = try CrawlSettings(compiling: crawl, fileSeeds: seeds)
        } throws: { error in
            "\(error)" == "jobs[0].crawl.seeds_file (\(path), line 5): \"ftp://files.example/\" is not an http or https URL (a seed is an absolute URL)"
        }
        let good = try CrawlSettings(compiling: crawl, fileSeeds: Array(seeds.prefix(2)))
        #expect(good.seeds.map(\.href) == ["https://docs.example/"])
        await #expect {
            _ = try await CrawlSettings.readSeeds(from: file, path: path + ".missing")
        } throws: { error in
            "\(error)".hasPrefix("line 6: jobs[0].crawl.seeds_file: ")
        }
    }
}
