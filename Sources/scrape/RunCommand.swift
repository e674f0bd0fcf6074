import ArgumentParser
import CommandSupport
import ScrapeCore
import ScrapeResilience
import ScrapePages

/// `scrape [run] URLS_FILE|- [-o FILE|-]`: the one-shot scraper.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Fetch every URL of a list, extract each page's title, write one JSON line per URL.",
        discussion: """
            Every input line ends as exactly one record, in completion order: a page, an HTTP \
            error (error.kind "http"), a transport error, or an input error (invalid_url, \
            unsupported_scheme: only http and https are ever fetched). Blank lines and lines \
            starting with # are skipped. Transient failures are retried with backoff (honouring \
            Retry-After); the URLs of an origin that keeps failing wait behind its circuit breaker \
            and are written as circuit_open only if it stays down (circuit_breaker.give_up_after, \
            default \(PageOptions.defaults.circuitBreaker.giveUpAfter.configDescription)); robots.txt is obeyed \
            (robots_disallowed). Records reach the output as they complete \
            (within 100 ms). On SIGINT/SIGTERM unfinished URLs get no record; run again with \
            --resume to fetch only those, and add --retry-failed to fetch transient failures again. \
            The output is locked while a run writes it: a second run on it is refused. \
            With --field (or the config file's fields:) every record also has a fields object \
            after title, taken from every HTML page whatever its status (null when there is no \
            HTML page); --metadata adds a metadata object after it. A field that does not \
            parse is a usage error before anything is fetched. \
            With --since OLD.jsonl (an earlier output, never the -o file) a URL whose last record \
            there is a page with an ETag or Last-Modified is requested with If-None-Match / \
            If-Modified-Since; a 304 record (not_modified: true) carries that record's title, \
            fields and content_sha256, and every record says whether the page changed.
            """
    )

    @Argument(help: ArgumentHelp("File with one URL per line, or - for stdin.", valueName: "urls-file"))
    var input: String

    @Option(name: .shortAndLong, parsing: .unconditional, help: ArgumentHelp("Output file, or - for stdout. An existing file is replaced (as curl -o does), unless --resume; never the input.", valueName: "file"))
    var output: String = "-"

    /// The HTTP, politeness, field and config flags `scrape crawl` shares.
    @OptionGroup var page: PageOptions

    @Flag(help: "Keep the records already in the output file and fetch only the URLs it lacks.")
    var resume = false

    @Option(
        name: .customLong("retry-failed"),
        help: ArgumentHelp(
            "With --resume: fetch again the URLs whose record is a transient failure, replacing those records. "
                + "KINDS (after =) is a comma list of error kinds and HTTP statuses; bare --retry-failed means "
                + "\(RetryableFailures.defaultSpelling) (http: 408, 429, 5xx).",
            valueName: "kinds"))
    var retryFailed: String?

    @Flag(name: .shortAndLong, help: "No progress line and no summary on stderr.")
    var quiet = false

    func validate() throws {
        if resume, output == "-" {
            throw ValidationError("--resume needs an output file (-o FILE): standard output cannot be read back")
        }
        if retryFailed != nil, !resume {
            throw ValidationError("--retry-failed works with --resume: it replaces failed records of an earlier run's output")
        }
        if let retryFailed, RetryableFailures(parsing: retryFailed) == nil {
            throw ValidationError(
                "--retry-failed: expected a comma list of error kinds (\(ErrorKind.all.map(\.rawValue).sorted().joined(separator: ", "))) "
                    + "or HTTP statuses 400-599, got \"\(retryFailed)\"")
        }
        try page.validate()
    }

    func run() async throws {
        let (http, extraction, login) = try page.settings()
        var options = ScrapeRun.Options(
            input: input, output: output, resume: resume, http: http, retryFailed: retryFailed.flatMap(RetryableFailures.init(parsing:)),
            extraction: extraction, since: page.since)
        options.login = login
        HeapTuning.forOneShotRun()
        let status = await InterruptibleRun(options: options, quiet: quiet).execute()
        throw ExitCode(status)
    }
}
