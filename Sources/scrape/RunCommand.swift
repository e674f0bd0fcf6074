import ArgumentParser
import CommandSupport
import ScrapeCore

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
            default 5m); robots.txt is obeyed (robots_disallowed). Records reach the output as they complete \
            (within 100 ms). On SIGINT/SIGTERM unfinished URLs get no record; run again with \
            --resume to fetch only those, and add --retry-failed to fetch transient failures again. \
            The output is locked while a run writes it: a second run on it is refused.
            """
    )

    @Argument(help: ArgumentHelp("File with one URL per line, or - for stdin.", valueName: "urls-file"))
    var input: String

    @Option(name: .shortAndLong, parsing: .unconditional, help: ArgumentHelp("Output file, or - for stdout. An existing file is replaced (as curl -o does), unless --resume; never the input.", valueName: "file"))
    var output: String = "-"

    @Option(parsing: .unconditional, help: "Requests in flight, all hosts together (default 64).")
    var concurrency: Int?

    @Option(parsing: .unconditional, help: "Requests in flight to one host (default 8).")
    var perHostConcurrency: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Whole-request timeout, e.g. 250ms, 30s, 5m (default 30s).", valueName: "duration"))
    var timeout: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Connect timeout (default 10s).", valueName: "duration"))
    var connectTimeout: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Largest body kept, decoded, e.g. 512KiB, 10MiB (default 10MiB).", valueName: "size"))
    var maxBody: String?

    @Option(parsing: .unconditional, help: "Redirects followed per URL (default 10; 0 keeps the 3xx response).")
    var maxRedirects: Int?

    @Option(parsing: .unconditional, help: "User-Agent header; not empty (default scrape/1.0).")
    var userAgent: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Requests per second, all hosts together, e.g. 100/s, 600/m (default unlimited).", valueName: "rate"))
    var rate: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Requests per second to one host, e.g. 10/s, 0.5/s (default unlimited).", valueName: "rate"))
    var perHostRate: String?

    @Option(parsing: .unconditional, help: "Retries of transient failures: connect errors, timeouts, resets, 408, 429, 5xx (default 3).")
    var retries: Int?

    @Flag(help: "Do not fetch or obey robots.txt.")
    var ignoreRobots = false

    @Option(help: ArgumentHelp("Config file whose http: section sets the defaults; flags override it.", valueName: "file"))
    var config: String?

    @Flag(help: "Keep the records already in the output file and fetch only the URLs it lacks.")
    var resume = false

    @Option(
        name: .customLong("retry-failed"),
        help: ArgumentHelp(
            "With --resume: fetch again the URLs whose record is a transient failure, replacing those records. "
                + "KINDS (after =) is a comma list of error kinds and HTTP statuses; bare --retry-failed means "
                + "timeout,connect,dns,transport,circuit_open,cancelled,http (http: 408, 429, 5xx).",
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
                "--retry-failed: expected a comma list of error kinds (\(RetryableFailures.knownKinds.sorted().joined(separator: ", "))) "
                    + "or HTTP statuses 400-599, got \"\(retryFailed)\"")
        }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency: expected a whole number >= 1, got \(concurrency)") }
        if let perHostConcurrency, perHostConcurrency < 1 {
            throw ValidationError("--per-host-concurrency: expected a whole number >= 1, got \(perHostConcurrency)")
        }
        if let maxRedirects, maxRedirects < 0 { throw ValidationError("--max-redirects: expected a whole number >= 0, got \(maxRedirects)") }
        if let retries, retries < 0 { throw ValidationError("--retries: expected a whole number >= 0, got \(retries)") }
        if let userAgent, let problem = HeaderCheck.problem(with: userAgent) { throw ValidationError("--user-agent: \(problem)") }
        _ = try flagValues(over: ScrapeConfiguration.HTTP())
    }

    func run() async throws {
        let http = try httpSettings()
        let options = ScrapeRun.Options(
            input: input, output: output, resume: resume, http: http, retryFailed: retryFailed.flatMap(RetryableFailures.init(parsing:)))
        HeapTuning.forOneShotRun()
        let status = await RunExecution(options: options, quiet: quiet).execute()
        throw ExitCode(status)
    }

    /// The config file's `http:` section with the flags applied over it.
    private func httpSettings() throws -> ScrapeConfiguration.HTTP {
        var http = ScrapeConfiguration.HTTP()
        if let config {
            do {
                http = try ScrapeConfiguration(contentsOfFile: config).http
            } catch {
                throw ValidationError("\(config): \(error)")
            }
        }
        return try flagValues(over: http)
    }

    /// `http` with the flags given applied; value flags go through the config file's parsers.
    private func flagValues(over base: ScrapeConfiguration.HTTP) throws -> ScrapeConfiguration.HTTP {
        var http = base
        if let concurrency { http.concurrency = concurrency }
        if let perHostConcurrency { http.perHostConcurrency = perHostConcurrency }
        if let timeout { http.timeout = try Self.value(timeout, flag: "--timeout") { t throws(ValueParser.Mismatch) in try ValueParser.duration(t, positive: true) } }
        if let connectTimeout {
            http.connectTimeout = try Self.value(connectTimeout, flag: "--connect-timeout") { t throws(ValueParser.Mismatch) in try ValueParser.duration(t, positive: true) }
        }
        if let maxBody { http.maxBody = try Self.value(maxBody, flag: "--max-body", ValueParser.byteCount) }
        if let maxRedirects { http.maxRedirects = maxRedirects }
        if let userAgent { http.userAgent = userAgent }
        if let rate { http.rate = try Self.value(rate, flag: "--rate", ValueParser.rate) }
        if let perHostRate { http.perHostRate = try Self.value(perHostRate, flag: "--per-host-rate", ValueParser.rate) }
        if let retries { http.retries = retries }
        if ignoreRobots { http.robotsTxt = .ignore }
        return http
    }

    private static func value<T>(_ text: String, flag: String, _ parser: (String) throws(ValueParser.Mismatch) -> T) throws -> T {
        do throws(ValueParser.Mismatch) {
            return try parser(text)
        } catch {
            throw ValidationError("\(flag): expected \(error.expected), got \"\(text)\"")
        }
    }
}
