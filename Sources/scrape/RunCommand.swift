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
            default \(defaults.circuitBreaker.giveUpAfter.configDescription)); robots.txt is obeyed \
            (robots_disallowed). Records reach the output as they complete \
            (within 100 ms). On SIGINT/SIGTERM unfinished URLs get no record; run again with \
            --resume to fetch only those, and add --retry-failed to fetch transient failures again. \
            The output is locked while a run writes it: a second run on it is refused. \
            With --field (or the config file's fields:) every record also has a fields object \
            after title, taken from every HTML page whatever its status (null when there is no \
            HTML page); --metadata adds a metadata object after it. A field that does not \
            parse is a usage error before anything is fetched.
            """
    )

    @Argument(help: ArgumentHelp("File with one URL per line, or - for stdin.", valueName: "urls-file"))
    var input: String

    @Option(name: .shortAndLong, parsing: .unconditional, help: ArgumentHelp("Output file, or - for stdout. An existing file is replaced (as curl -o does), unless --resume; never the input.", valueName: "file"))
    var output: String = "-"

    /// The defaults the help text quotes: the same values a run without flags uses.
    private static let defaults = ScrapeConfiguration.HTTP()

    // Value flags stay text here: each goes through the parser of its config key
    // (ScrapeConfiguration.HTTP.set), so a flag and its key accept and refuse the same.

    @Option(parsing: .unconditional, help: ArgumentHelp("Requests in flight, all hosts together (default \(defaults.concurrency)).", valueName: "n"))
    var concurrency: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Requests in flight to one host (default \(defaults.perHostConcurrency)).", valueName: "n"))
    var perHostConcurrency: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Whole-request timeout, e.g. 250ms, 30s, 5m (default \(defaults.timeout.configDescription)).", valueName: "duration"))
    var timeout: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Connect timeout (default \(defaults.connectTimeout.configDescription)).", valueName: "duration"))
    var connectTimeout: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Largest body kept, decoded, e.g. 512KiB, 10MiB (default \(defaults.maxBody)).", valueName: "size"))
    var maxBody: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Redirects followed per URL (default \(defaults.maxRedirects); 0 keeps the 3xx response).", valueName: "n"))
    var maxRedirects: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("User-Agent header; not empty (default \(defaults.userAgent)).", valueName: "ua"))
    var userAgent: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Requests per second, all hosts together, e.g. 100/s, 600/m (default unlimited).", valueName: "rate"))
    var rate: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Requests per second to one host, e.g. 10/s, 0.5/s (default unlimited).", valueName: "rate"))
    var perHostRate: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Retries of transient failures: connect errors, timeouts, resets, 408, 429, 5xx (default \(defaults.retries)).", valueName: "n"))
    var retries: String?

    @Flag(help: "Do not fetch or obey robots.txt.")
    var ignoreRobots = false

    @Option(
        name: .customLong("field"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "A field to take from every HTML page, repeatable: NAME=css:SELECTOR, NAME=SELECTOR or NAME=xpath:EXPR; a selector may end in "
                + "::text, ::attr(A), ::url(A) or ::html; NAME[] takes every match as an array. Records get a fields object after title.",
            valueName: "name=spec"))
    var fields: [String] = []

    @Flag(help: "Add each HTML page's metadata to its record: JSON-LD blocks, OpenGraph and Twitter properties, <meta name> pairs, the canonical link.")
    var metadata = false

    @Option(help: ArgumentHelp("Config file whose http: section (and fields:, metadata:) sets the defaults; flags override it.", valueName: "file"))
    var config: String?

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
        _ = try flagValues(over: ScrapeConfiguration.HTTP())
        _ = try flagExtraction()
    }

    func run() async throws {
        let (http, extraction) = try settings()
        let options = ScrapeRun.Options(
            input: input, output: output, resume: resume, http: http, retryFailed: retryFailed.flatMap(RetryableFailures.init(parsing:)),
            extraction: extraction)
        HeapTuning.forOneShotRun()
        let status = await InterruptibleRun(options: options, quiet: quiet).execute()
        throw ExitCode(status)
    }

    /// The config file's `http:` section and its `fields:`/`metadata:` with the flags
    /// applied over them (a `--field` replaces the file's field of the same name); every
    /// field compiled, so a bad one stops the run before anything is opened or fetched.
    private func settings() throws -> (ScrapeConfiguration.HTTP, ScrapeConfiguration.Extraction) {
        var file = ScrapeConfiguration()
        if let config {
            do {
                file = try ScrapeConfiguration(contentsOfFile: config)
                try file.extraction.check()
            } catch {
                throw ValidationError("\(config): \(error)")
            }
        }
        let extraction = file.extraction.overridden(by: try flagExtraction())
        do throws(ConfigurationError) {
            try extraction.check()
        } catch {
            throw ValidationError(error.description)
        }
        return (try flagValues(over: file.http), extraction)
    }

    /// `--field` and `--metadata`, read as the config file's `fields:` entries are, and compiled.
    private func flagExtraction() throws -> ScrapeConfiguration.Extraction {
        do throws(ConfigurationError) {
            return try ScrapeConfiguration.Extraction(flags: fields, metadata: metadata)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// `http` with the flags given applied, each through its config key's parser.
    private func flagValues(over base: ScrapeConfiguration.HTTP) throws -> ScrapeConfiguration.HTTP {
        var http = base
        let flags: [(ScrapeConfiguration.HTTP.Setting, String?)] = [
            (.concurrency, concurrency), (.perHostConcurrency, perHostConcurrency), (.timeout, timeout),
            (.connectTimeout, connectTimeout), (.maxBody, maxBody), (.maxRedirects, maxRedirects), (.userAgent, userAgent),
            (.rate, rate), (.perHostRate, perHostRate), (.retries, retries),
        ]
        do throws(ConfigurationError) {
            for case (let setting, let text?) in flags {
                try http.set(setting, from: text, source: setting.flag)
            }
        } catch {
            throw ValidationError(error.description)
        }
        if ignoreRobots { http.robotsTxt = .ignore }
        return http
    }
}
