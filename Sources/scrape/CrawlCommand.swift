import ArgumentParser
import CommandSupport
import ScrapeCore
import ScrapeCrawl
import ScrapeHTML

/// `scrape crawl URL… [--seeds FILE] [-o FILE]`: follow links from seeds, exactly once.
struct CrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Follow links from seed URLs, breadth-first, and write one JSON line per page found in scope.",
        discussion: """
            Every distinct URL found in scope gets exactly one record: scrape run's, plus depth \
            (links from a seed; seeds are 0) and referrer (the page that gave it that depth; null \
            for a seed). URLs are compared as the WHATWG URL parser writes them, without the \
            fragment; nothing else is folded. Links (a[href], area[href] unless --follow says \
            otherwise) are taken from every HTML page, whatever its status; only http and https \
            are followed. Politeness, retries, robots.txt, --field and --metadata are scrape run's. \
            The seen URLs and the queue live in a SQLite state file (--state, default OUTPUT.state): \
            after Ctrl-C or kill -9, run the same command with --resume to go on; a state file \
            of another crawl (other seeds, scope, depth, allow/deny or follow) is refused. \
            --allow and --deny take POSIX extended regular expressions (grep -E), searched \
            anywhere in the absolute URL.

            Examples:
              scrape crawl https://docs.example/ -o pages.jsonl
              scrape crawl --seeds seeds.txt --scope prefix --max-depth 3 -o out.jsonl
              scrape crawl https://shop.example/ --sitemaps --deny /cart -o shop.jsonl
              scrape crawl https://docs.example/ -o pages.jsonl --resume
            """
    )

    @Argument(help: ArgumentHelp("Seed URLs (http or https).", valueName: "url"))
    var urls: [String] = []

    @Option(help: ArgumentHelp("File with one seed URL per line (blank lines and # comments skipped), or - for stdin.", valueName: "file"))
    var seeds: String?

    @Option(name: .shortAndLong, parsing: .unconditional, help: ArgumentHelp("Output file, or - for stdout. An existing file is replaced, unless --resume.", valueName: "file"))
    var output: String = "-"

    @Option(help: ArgumentHelp("Which links a seed's crawl follows: host, origin, domain (public suffix list), prefix (the seed's URL up to its path's last /) or any.", valueName: "scope"))
    var scope: String = CrawlScope.host.rawValue

    @Option(help: ArgumentHelp("Links followed from a seed at most (seeds are depth 0; default unlimited).", valueName: "n"))
    var maxDepth: Int?

    @Option(help: ArgumentHelp("Records written at most, of any kind (default unlimited).", valueName: "n"))
    var maxPages: Int?

    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("Follow only links matching one of these POSIX extended regular expressions (repeatable; seeds are not filtered).", valueName: "regex"))
    var allow: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("Do not follow links matching this POSIX extended regular expression (repeatable).", valueName: "regex"))
    var deny: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("CSS selector of the elements whose links are followed, their href or the attribute of a final ::url(ATTR).", valueName: "selector"))
    var follow: String = LinkRule.defaultSelector

    @Flag(help: "Also start from the sitemaps of each seed's origin (robots.txt's Sitemap: lines, else /sitemap.xml; indexes, XML, text, gzip).")
    var sitemaps = false

    @Option(help: ArgumentHelp("The crawl's state file (default OUTPUT.state; with the output on stdout, a temporary file unless given).", valueName: "file"))
    var state: String?

    /// The HTTP, politeness, field and config flags of `scrape run`.
    @OptionGroup var page: PageOptions

    @Flag(help: "Continue the crawl of the output and its state file (after Ctrl-C or kill -9).")
    var resume = false

    @Flag(name: .shortAndLong, help: "No progress line and no summary on stderr.")
    var quiet = false

    func validate() throws {
        if urls.isEmpty, seeds == nil {
            throw ValidationError("give at least one seed URL, or --seeds FILE")
        }
        if resume, output == "-", state == nil {
            throw ValidationError("--resume with the output on stdout needs --state FILE: the crawl's state is where it goes on from")
        }
        if let maxDepth, maxDepth < 0 { throw ValidationError("--max-depth: expected 0 or more, got \(maxDepth)") }
        if let maxPages, maxPages < 1 { throw ValidationError("--max-pages: expected 1 or more, got \(maxPages)") }
        do {
            try CrawlSettings.check(crawl)
        } catch {
            throw ValidationError("\(error)")
        }
        try page.validate()
    }

    func run() async throws {
        let (http, extraction, login) = try page.settings()
        let settings: CrawlSettings
        do {
            var fileSeeds: [ScrapeConfiguration.Crawl.Written] = []
            if let seeds { fileSeeds = try await CrawlSettings.readSeeds(from: .init(seeds, source: "--seeds"), path: seeds) }
            settings = try CrawlSettings(compiling: crawl, fileSeeds: fileSeeds)
        } catch {
            throw ValidationError("\(error)")
        }
        var options = CrawlRun.Options(
            settings: settings, output: output, state: state, resume: resume, http: http, extraction: extraction,
            inputs: seeds.map { [$0] } ?? [])
        options.since = page.since
        options.login = login
        HeapTuning.forOneShotRun()
        let status = await InterruptibleCrawl(options: options, quiet: quiet).execute()
        throw ExitCode(status)
    }

    /// The flags as a crawl's settings are written (a `crawl:` job's keys are the same),
    /// for the one compile path (``CrawlSettings/init(compiling:fileSeeds:)``); `frontier
    /// add --crawl` writes its flags the same way.
    private var crawl: ScrapeConfiguration.Crawl {
        CrawlSettings.Rules(scope: scope, maxDepth: maxDepth, maxPages: maxPages, allow: allow, deny: deny, follow: follow, sitemaps: sitemaps)
            .written(seeds: urls)
    }
}
