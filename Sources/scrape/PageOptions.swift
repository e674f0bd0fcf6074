import ArgumentParser
import ScrapeCore
import ScrapePages

/// The flags `scrape run` and `scrape crawl` share: client and politeness settings,
/// fields and metadata, and the config file they override. One group, so both commands
/// accept and refuse the same values.
struct PageOptions: ParsableArguments {
    /// The defaults the help text quotes: the same values a run without flags uses.
    static let defaults = ScrapeConfiguration.HTTP()

    // Value flags stay text here: each goes through the parser of its config key
    // (ScrapeConfiguration.HTTP.set), so a flag and its key accept and refuse the same.

    @Option(parsing: .unconditional, help: ArgumentHelp("Requests in flight, all hosts together (default \(defaults.concurrency)).", valueName: "n"))
    var concurrency: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Requests in flight to one host (default \(defaults.perHostConcurrency)); auto or auto:N adapts each host's limit to its answers, up to \(ScrapeConfiguration.HTTP.adaptiveCeiling) or N.", valueName: "n"))
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

    @OptionGroup(title: "Proxies")
    var proxyOptions: ProxyOptions

    @Option(
        name: .customLong("header"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "A header sent on every request, repeatable, as 'Name: value'; it replaces the config file's http.headers of the same name, "
                + "and a request's own (conditional requests of --since) win over it. Not Host, Content-Length or Transfer-Encoding; "
                + "'User-Agent: X' is --user-agent X.",
            valueName: "header"))
    var headers: [String] = []

    @Flag(help: "Keep cookies for the run: what a response sets is sent on later requests of the run by the cookie rules (off by default).")
    var cookies = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "A Netscape cookie file (curl -b/-c's): loaded at the start when it exists, saved at the end (also on SIGINT/SIGTERM), "
                + "mode 0600, locked while the run uses it. Implies --cookies.",
            valueName: "file"))
    var cookieJar: String?

    @Option(
        name: .customLong("field"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "A field to take from every HTML page, repeatable: NAME=css:SELECTOR, NAME=SELECTOR or NAME=xpath:EXPR; a selector may end in "
                + "::text, ::attr(A), ::url(A) or ::html; NAME[] takes every match as an array. Records get a fields object after title.",
            valueName: "name=spec"))
    var fields: [String] = []

    @Flag(help: "Add each HTML page's metadata to its record: JSON-LD blocks, OpenGraph and Twitter properties, <meta name> pairs, the canonical link.")
    var metadata = false

    @Option(
        help: ArgumentHelp(
            "An earlier output of this command to compare with: pages whose record there has an ETag or Last-Modified are requested "
                + "conditionally (a 304 keeps that record's title and fields), and every record gets not_modified and changed. "
                + "Not the output file.",
            valueName: "file"))
    var since: String?

    @Option(help: ArgumentHelp("Config file whose http: section (and fields:, metadata:) sets the defaults; flags override it.", valueName: "file"))
    var config: String?

    /// Checks every value before anything is opened.
    func validate() throws {
        _ = try flagValues(over: ScrapeConfiguration.HTTP())
        _ = try flagExtraction()
    }

    /// The config file's `http:` section and its `fields:`/`metadata:` with the flags
    /// applied over them (a `--field` replaces the file's field of the same name); every
    /// field compiled, so a bad one stops the run before anything is opened or fetched.
    /// The file's `login:` comes as it is (no flag sets one).
    func settings() throws -> (ScrapeConfiguration.HTTP, ScrapeConfiguration.Extraction, ScrapeConfiguration.Login?) {
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
        return (try flagValues(over: file.http), extraction, file.login)
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
        do throws(ConfigurationError) {
            var given: [ScrapeConfiguration.HTTP.GivenHeader] = []
            for text in headers {
                let (name, value) = try HeaderCheck.field(parsing: text)
                given.append(.init(name: name, value: value, key: "--header \(name)"))
            }
            try http.apply(headers: given, userAgentKey: userAgent == nil ? nil : "--user-agent")
            if cookies { http.cookies = true }
            if let cookieJar { try http.setCookieJar(cookieJar, source: "--cookie-jar") }
            try http.checkSession(headersKey: "--header")
        } catch {
            throw ValidationError(error.description)
        }
        try proxyOptions.apply(to: &http.proxy)
        return http
    }
}
