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
            Retry-After), a host that keeps failing trips its circuit breaker (circuit_open), and \
            robots.txt is obeyed (robots_disallowed). On SIGINT/SIGTERM unfinished URLs get no \
            record; run again with --resume to fetch only those.
            """
    )

    @Argument(help: ArgumentHelp("File with one URL per line, or - for stdin.", valueName: "urls-file"))
    var input: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file, or - for stdout.", valueName: "file"))
    var output: String = "-"

    @Option(help: "Requests in flight, all hosts together (default 64).")
    var concurrency: Int?

    @Option(help: "Requests in flight to one host (default 8).")
    var perHostConcurrency: Int?

    @Option(help: ArgumentHelp("Whole-request timeout, e.g. 250ms, 30s, 5m (default 30s).", valueName: "duration"))
    var timeout: String?

    @Option(help: ArgumentHelp("Connect timeout (default 10s).", valueName: "duration"))
    var connectTimeout: String?

    @Option(help: ArgumentHelp("Largest body kept, decoded, e.g. 512KiB, 10MiB (default 10MiB).", valueName: "size"))
    var maxBody: String?

    @Option(help: "Redirects followed per URL (default 10; 0 keeps the 3xx response).")
    var maxRedirects: Int?

    @Option(help: "User-Agent header (default scrape/1.0).")
    var userAgent: String?

    @Option(help: ArgumentHelp("Requests per second, all hosts together, e.g. 100/s, 600/m (default unlimited).", valueName: "rate"))
    var rate: String?

    @Option(help: ArgumentHelp("Requests per second to one host, e.g. 10/s, 0.5/s (default unlimited).", valueName: "rate"))
    var perHostRate: String?

    @Option(help: "Retries of transient failures: connect errors, timeouts, resets, 408, 429, 5xx (default 3).")
    var retries: Int?

    @Flag(help: "Do not fetch or obey robots.txt.")
    var ignoreRobots = false

    @Option(help: ArgumentHelp("Config file whose http: section sets the defaults; flags override it.", valueName: "file"))
    var config: String?

    @Flag(help: "Keep the records already in the output file and fetch only the URLs it lacks.")
    var resume = false

    @Flag(name: .shortAndLong, help: "No progress line and no summary on stderr.")
    var quiet = false

    func validate() throws {
        if resume, output == "-" {
            throw ValidationError("--resume needs an output file (-o FILE): standard output cannot be read back")
        }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency: expected a whole number >= 1, got \(concurrency)") }
        if let perHostConcurrency, perHostConcurrency < 1 {
            throw ValidationError("--per-host-concurrency: expected a whole number >= 1, got \(perHostConcurrency)")
        }
        if let maxRedirects, maxRedirects < 0 { throw ValidationError("--max-redirects: expected a whole number >= 0, got \(maxRedirects)") }
        if let retries, retries < 0 { throw ValidationError("--retries: expected a whole number >= 0, got \(retries)") }
    }

    func run() async throws {
        let http = try httpSettings()
        let options = ScrapeRun.Options(input: input, output: output, resume: resume, http: http)
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
        if let concurrency { http.concurrency = concurrency }
        if let perHostConcurrency { http.perHostConcurrency = perHostConcurrency }
        if let timeout { http.timeout = try Self.duration(timeout, flag: "--timeout") }
        if let connectTimeout { http.connectTimeout = try Self.duration(connectTimeout, flag: "--connect-timeout") }
        if let maxBody {
            guard let size = ByteCount(parsing: maxBody) else {
                throw ValidationError("--max-body: expected a size like 512KiB or 10MiB, got \"\(maxBody)\"")
            }
            http.maxBody = size
        }
        if let maxRedirects { http.maxRedirects = maxRedirects }
        if let userAgent { http.userAgent = userAgent }
        if let rate { http.rate = try Self.rate(rate, flag: "--rate") }
        if let perHostRate { http.perHostRate = try Self.rate(perHostRate, flag: "--per-host-rate") }
        if let retries { http.retries = retries }
        if ignoreRobots { http.robotsTxt = .ignore }
        return http
    }

    private static func rate(_ text: String, flag: String) throws -> Rate {
        guard let value = Rate(parsing: text) else {
            throw ValidationError("\(flag): expected N/s, N/m or N/h, got \"\(text)\"")
        }
        return value
    }

    private static func duration(_ text: String, flag: String) throws -> Duration {
        guard let value = Duration(parsing: text) else {
            throw ValidationError("\(flag): expected a duration like 250ms, 30s or 5m, got \"\(text)\"")
        }
        return value
    }
}
