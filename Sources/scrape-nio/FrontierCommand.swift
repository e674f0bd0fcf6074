import ArgumentParser
import CommandSupport
import Foundation
import Glibc
import Logging
import ScrapeBase
import ScrapeCore
import ScrapeCrawl
import ScrapeFrontier
import ScrapeHTTP
import ScrapePages

/// `scrape frontier ...`: fleet mode, many workers on one PostgreSQL frontier
/// (docs/frontier.md). Lives in `scrape-nio`, which links SwiftNIO (PostgresNIO runs on
/// it); `scrape frontier` execs it.
struct FrontierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontier",
        abstract: "Share a crawl among many workers through PostgreSQL: each URL of a job recorded exactly once.",
        discussion: """
            The database comes from --db or SCRAPE_DATABASE_URL (postgres://user@host:port/dbname?sslmode=...); \
            a password from the URL or PGPASSWORD, never printed. Start with init, then add URLs to a job, \
            run work on as many machines as you like, watch status, and export the records.
            """,
        subcommands: [FrontierInit.self, FrontierAdd.self, FrontierWork.self, FrontierStatus.self, FrontierExport.self]
    )
}

/// The database options every frontier command takes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("PostgreSQL URL (default: $SCRAPE_DATABASE_URL).", valueName: "url"))
    var db: String?

    /// The URL from `--db` or `SCRAPE_DATABASE_URL`, with its password (``DatabaseSource``);
    /// a usage error when missing or malformed.
    func url() throws -> DatabaseURL {
        do throws(DatabaseSource.Problem) {
            return try DatabaseSource(given: db).resolve(in: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.commandLineMessage)
        }
    }

    /// Runs `body` with a store on the database, closes the connection after it, and
    /// turns a ``FrontierError`` into `scrape frontier COMMAND: message` and exit status 1.
    ///
    /// Commands other than `work` wait at most 10 s for an unreachable server (saying so),
    /// not a worker's 5 minutes: someone is waiting at the terminal.
    ///
    /// - Parameter unreachableTimeoutSetting: the option that set `unreachableTimeout`,
    ///   named when it runs out; nil for the fixed 10 s.
    func withStore<Result>(
        _ command: String, unreachableTimeout: Duration = .seconds(10), unreachableTimeoutSetting: String? = nil,
        onAvailability: (@Sendable (Bool, String) -> Void)? = nil,
        _ body: (FrontierStore) async throws(FrontierError) -> Result
    ) async throws -> Result {
        var configuration = FrontierDatabase.Configuration(url: try url())
        configuration.unreachableTimeout = unreachableTimeout
        configuration.unreachableTimeoutSetting = unreachableTimeoutSetting
        let onAvailability = onAvailability ?? { available, detail in
            if !available { Terminal.error("scrape frontier \(command): database unreachable (\(detail)); retrying for up to \(Int(unreachableTimeout.inSeconds)) s") }
        }
        var logger = Logger(label: "scrape.frontier")
        logger.logLevel = .critical  // PostgresNIO's own lines; ours go through Terminal
        let store = FrontierStore(database: FrontierDatabase(configuration: configuration, logger: logger, onAvailability: onAvailability), logger: logger)
        do {
            let result = try await body(store)
            await store.database.close()
            return result
        } catch {
            await store.database.close()
            if error == .closedPipe { throw ExitCode(128 + SIGPIPE) }
            Terminal.error("scrape frontier \(command): \(error)")
            throw ExitCode(1)
        }
    }
}

struct FrontierInit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create or migrate the frontier schema (idempotent, versioned; safe to run from many machines).")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let (from, to) = try await database.withStore("init") { store throws(FrontierError) in try await store.migrate() }
        print(from == to ? "frontier schema is current (version \(to))" : "frontier schema migrated from version \(from) to \(to)")
    }
}

struct FrontierAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Enqueue URLs (one per line) for a job; a URL already in the job is not added again.",
        discussion: """
            The first add creates the job with its politeness settings, limits for the whole fleet, \
            and its fields (--field, --metadata), which every worker takes from every page. \
            A later add with other settings is refused unless --update; settings not given keep theirs \
            (the --field list given replaces the stored one as a whole).

            With --crawl the job is a crawl, as scrape crawl's: its seeds are the URL arguments and the \
            lines of the file arguments (- for standard input), and workers add the links of every \
            HTML page they fetch (--scope, --max-depth, --max-pages, --allow, --deny and --follow as \
            scrape crawl takes them); export gives scrape crawl's records, with depth and referrer.

            Examples:
              scrape frontier add --job news --per-host-rate 2/s news-urls.txt
              scrape frontier add --job docs --crawl --scope prefix --max-depth 3 https://docs.example/guide/
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The job's name (letters, digits, - _ .).", valueName: "name"))
    var job: String

    @Argument(help: ArgumentHelp("The URL list; - for standard input. With --crawl: seed URLs, and files of seeds.", valueName: "file"))
    var inputs: [String] = []

    @Flag(help: "Make the job a crawl: workers follow the links of the pages they fetch, as scrape crawl does.")
    var crawl = false

    @Option(help: ArgumentHelp("With --crawl: host, origin, domain, prefix or any (default: host), as scrape crawl's.", valueName: "scope"))
    var scope: String?

    @Option(help: ArgumentHelp("With --crawl: links followed from a seed at most (default: unlimited).", valueName: "n"))
    var maxDepth: Int?

    @Option(help: ArgumentHelp("With --crawl: records at most, fleet-wide, of any kind (default: unlimited).", valueName: "n"))
    var maxPages: Int?

    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("With --crawl: follow only links matching one of these POSIX extended regular expressions (repeatable).", valueName: "regex"))
    var allow: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("With --crawl: do not follow links matching this POSIX extended regular expression (repeatable).", valueName: "regex"))
    var deny: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("With --crawl: CSS selector of the elements whose links are followed (default: \(CrawlSettings.Rules().follow)).", valueName: "selector"))
    var follow: String?

    @Flag(help: "Not yet in the fleet: read sitemaps with scrape crawl --sitemaps.")
    var sitemaps = false

    /// A new job's settings: `scrape run`'s defaults, which the help text quotes.
    private static let defaults = ScrapeConfiguration.HTTP()

    // Value flags stay text: each goes through the parser of its `http:` key
    // (ScrapeConfiguration.HTTP.set), as `scrape run`'s flags of the same names do.

    @Option(parsing: .unconditional, help: ArgumentHelp("Requests per host for the whole fleet: 2/s, 30/m (default: unlimited).", valueName: "rate"))
    var perHostRate: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Requests in flight per host for the whole fleet (default: \(defaults.perHostConcurrency)).", valueName: "n"))
    var perHostConcurrency: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Retries of transient failures (default: \(defaults.retries)).", valueName: "n"))
    var retries: String?

    @Flag(help: "Do not fetch or obey robots.txt for this job.")
    var ignoreRobots = false

    @Option(
        name: .customLong("field"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "A field every worker takes from every HTML page of this job, repeatable, as scrape run --field takes it: NAME=SPEC.",
            valueName: "name=spec"))
    var fields: [String] = []

    @Flag(inversion: .prefixedNo, help: "Whether the job's records get each page's metadata (default: no).")
    var metadata: Bool?

    @Flag(help: "Store the settings given here for an existing job instead of refusing different ones.")
    var update = false

    func validate() throws {
        guard FrontierJob.isValidName(job) else { throw ValidationError("--job: expected letters, digits, - _ or . (up to 100), got \"\(job)\"") }
        if crawl {
            if sitemaps {
                throw ValidationError(
                    "--sitemaps is not in the fleet yet: crawl jobs start from their seeds only (list the sitemap's URLs as seeds, or use scrape crawl --sitemaps)")
            }
            if inputs.isEmpty { throw ValidationError("--crawl: give at least one seed URL, or a file of seeds (- for standard input)") }
        } else {
            let crawlOnly = [
                ("--scope", scope != nil), ("--max-depth", maxDepth != nil), ("--max-pages", maxPages != nil), ("--allow", !allow.isEmpty),
                ("--deny", !deny.isEmpty), ("--follow", follow != nil), ("--sitemaps", sitemaps),
            ].filter(\.1).map(\.0)
            if !crawlOnly.isEmpty { throw ValidationError("\(crawlOnly.joined(separator: ", ")): only with --crawl") }
            if inputs.count != 1 { throw ValidationError("expected one URL list (a file, or - for standard input), got \(inputs.count)") }
        }
        _ = try changes()
    }

    /// `--crawl`'s rules, compiled by `scrape crawl`'s one compile path
    /// (``CrawlSettings/init(seeds:rules:)``).
    func crawlRules() throws -> CrawlSettings.Rules? {
        guard crawl else { return nil }
        let rules = CrawlSettings.Rules(
            scope: scope ?? CrawlScope.host.rawValue, maxDepth: maxDepth, maxPages: maxPages, allow: allow, deny: deny,
            follow: follow ?? CrawlSettings.Rules().follow)
        do throws(ConfigurationError) {
            _ = try CrawlSettings(seeds: [], rules: rules)
        } catch {
            throw ValidationError(error.description)
        }
        return rules
    }

    /// The seeds of `--crawl`: URL arguments, and the lines of the other arguments (files,
    /// `-` for standard input; blank lines and `#` comments skipped), read and parsed as
    /// `scrape crawl` reads its seeds (``CrawlSettings/init(compiling:fileSeeds:)``: an
    /// absolute http or https URL, its fragment dropped; another is a usage error naming it
    /// and where it came from), each once.
    func seeds() async throws -> [CrawlURL] {
        var crawl = ScrapeConfiguration.Crawl()
        crawl.seeds = inputs.filter { $0.contains("://") }.map { .init($0, source: "seed argument") }
        do throws(ConfigurationError) {
            var fileSeeds: [ScrapeConfiguration.Crawl.Written] = []
            for input in inputs where !input.contains("://") {
                fileSeeds += try await CrawlSettings.readSeeds(from: .init(input, source: "seeds"), path: input)
            }
            return try CrawlSettings(compiling: crawl, fileSeeds: fileSeeds).seeds
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The settings given, each through its `http:` key's parser; a usage error names the flag.
    func changes() throws -> FrontierJob.Changes {
        var http = Self.defaults
        var changes = FrontierJob.Changes()
        do throws(ConfigurationError) {
            if let perHostRate {
                try http.set(.perHostRate, from: perHostRate, source: ScrapeConfiguration.HTTP.Setting.perHostRate.flag)
                changes.perHostRate = http.perHostRate
            }
            if let perHostConcurrency {
                try http.set(.perHostConcurrency, from: perHostConcurrency, source: ScrapeConfiguration.HTTP.Setting.perHostConcurrency.flag)
                if http.adaptivePerHostConcurrency {
                    // The fleet's per-host slots are rows every worker claims; one limit learnt
                    // from one worker's answers would not hold for the others.
                    throw ConfigurationError(
                        key: ScrapeConfiguration.HTTP.Setting.perHostConcurrency.flag,
                        message: "auto is not available for fleet jobs (the fleet shares fixed per-host slots through the database); give a number")
                }
                changes.perHostConcurrency = http.perHostConcurrency
            }
            if let retries {
                try http.set(.retries, from: retries, source: ScrapeConfiguration.HTTP.Setting.retries.flag)
                changes.retries = http.retries
            }
        } catch {
            throw ValidationError(error.description)
        }
        if ignoreRobots { changes.ignoreRobots = true }
        if !fields.isEmpty {
            // Read and compiled as scrape run's --field, so a worker never meets one that fails.
            do throws(ConfigurationError) {
                _ = try ScrapeConfiguration.Extraction(flags: fields, metadata: false)
            } catch {
                throw ValidationError(error.description)
            }
            changes.fields = fields
        }
        changes.metadata = metadata
        changes.crawl = try crawlRules()
        return changes
    }

    func run() async throws {
        let changes = try changes()
        let input = inputs.joined(separator: " ")
        let report: FrontierStore.AddReport
        if crawl {
            let seedURLs = try await self.seeds().map { FrontierStore.NewURL($0.href) }
            report = try await database.withStore("add") { [job, update] store throws(FrontierError) in
                try await store.addSeeds(seedURLs, toJob: job, changes: changes, update: update)
            }
        } else {
            let source: URLSource
            do {
                source = try URLSource(path: input)
            } catch {
                Terminal.error("scrape frontier add: \(error)")
                throw ExitCode(1)
            }
            report = try await database.withStore("add") { [job, update] store throws(FrontierError) in
                try await store.add(from: source, toJob: job, changes: changes, update: update)
            }
        }
        if report.created { Terminal.error("scrape frontier add: created job \(job)") }
        if !report.jobExists { Terminal.error("scrape frontier add: no URLs in \(input); job \(job) not created") }
        for problem in report.problems {
            Terminal.error("scrape frontier add: \(problem) (recorded, not requested)")
        }
        if report.recorded > report.problems.count {
            Terminal.error("scrape frontier add: \(report.recorded - report.problems.count) more lines recorded, not requested")
        }
        let recorded = report.recorded > 0 ? " (\(report.recorded) recorded at once: input errors)" : ""
        print("added \(report.added)\(recorded), already queued \(report.lines - report.added)")
    }
}

struct FrontierWork: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work",
        abstract: "Claim URLs from the frontier, fetch them as scrape run does, and record each exactly once.",
        discussion: """
            Without --until-empty, waits for new URLs (LISTEN/NOTIFY) until SIGINT or SIGTERM, which stop \
            claiming and let fetches in hand finish and be recorded (a second signal exits at once; \
            unfinished leases expire and other workers take them). When PostgreSQL goes away the worker \
            pauses and reconnects; after --unreachable-timeout without it, it exits 1. \
            Exit status: 0 done (--until-empty); 130 or 143 stopped by SIGINT or SIGTERM, after writing \
            what it had; 1 database or job error; 2 usage.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("job"), help: ArgumentHelp("A job to work (repeatable; default: every job).", valueName: "name"))
    var jobs: [String] = []

    /// The worker's settings without flags, which the help text quotes.
    private static let defaults = ScrapeConfiguration.Frontier()

    // Value flags stay text: each goes through the parser of its `daemon.frontier` key
    // (ScrapeConfiguration.Frontier.set), so a flag and its key accept and refuse the same.

    @Option(parsing: .unconditional, help: ArgumentHelp("Fetches in flight on this worker (default: \(defaults.concurrency)).", valueName: "n"))
    var concurrency: String?

    @Flag(help: "Exit 0 when no URL of the jobs is queued or leased anywhere.")
    var untilEmpty = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("This worker's name in status and in the records' \"worker\" (default: HOSTNAME-PID).", valueName: "id"))
    var workerID: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "How long a claimed URL stays this worker's without renewal (renewed every third; default: \(defaults.lease.configDescription)).",
            valueName: "duration"))
    var lease: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Exit 1 when PostgreSQL stays unreachable this long (default: \(defaults.unreachableTimeout.configDescription)).", valueName: "duration"))
    var unreachableTimeout: String?

    @Option(help: ArgumentHelp("A config file whose http: settings (user agent, timeouts, body limit, backoff, circuit breaker) and login: this worker uses (a login: logs in for each job it works, in a session of the job's own in this worker).", valueName: "file"))
    var config: String?

    @Flag(name: [.short, .long], help: "No progress lines on stderr (errors are still printed).")
    var quiet = false

    func validate() throws {
        _ = try settings()
    }

    /// The worker's settings: the defaults with the flags given, each through its
    /// `daemon.frontier` key's parser; a usage error names the flag.
    func settings() throws -> ScrapeConfiguration.Frontier {
        var settings = Self.defaults
        settings.jobs = jobs
        let flags: [(ScrapeConfiguration.Frontier.Setting, String?)] = [
            (.concurrency, concurrency), (.lease, lease), (.unreachableTimeout, unreachableTimeout), (.workerID, workerID),
        ]
        do throws(ConfigurationError) {
            for case (let setting, let text?) in flags {
                try settings.set(setting, from: text, source: setting.flag)
            }
        } catch {
            throw ValidationError(error.description)
        }
        return settings
    }

    func run() async throws {
        let file: ScrapeConfiguration
        do {
            file = try config.map { try ScrapeConfiguration(contentsOfFile: $0) } ?? ScrapeConfiguration()
        } catch {
            throw ValidationError("\(config ?? ""): \(error)")
        }
        let http = file.http
        if http.cookieJar != nil {
            throw ValidationError(
                "\(config ?? ""): http.cookie_jar: a fleet worker keeps each job's cookies in its own memory (http.cookies: true); no cookie file is used")
        }
        let settings = try self.settings()
        var options = FrontierWorker.Options(settings: settings, http: http)
        options.login = file.login
        options.untilEmpty = untilEmpty
        let quiet = self.quiet
        let id = options.workerID
        let onAvailability: @Sendable (Bool, String) -> Void = { available, detail in
            Terminal.error(available
                ? "scrape frontier work: database reachable again (\(detail)); going on"
                : "scrape frontier work: database unreachable (\(detail)); pausing and reconnecting")
        }
        if !quiet { Terminal.error("scrape frontier work: worker \(id) on \(try database.url()), concurrency \(options.concurrency)") }
        let stopping = Locked<FrontierWorker?>(nil)
        let signals = await StopSignals { _ in
            if !quiet { Terminal.error("scrape frontier work: stopping: finishing the fetches in hand (signal again to exit now)") }
            stopping.withLock { $0?.stop() }
        }
        let summary = try await database.withStore(
            "work", unreachableTimeout: settings.unreachableTimeout, unreachableTimeoutSetting: ScrapeConfiguration.Frontier.Setting.unreachableTimeout.flag,
            onAvailability: onAvailability
        ) {
            store throws(FrontierError) in
            let worker = FrontierWorker(options: options, store: store)
            stopping.withLock { $0 = worker }
            if signals.signal != 0 { worker.stop() }  // a signal while connecting
            defer { signals.cancel() }
            return try await worker.run()
        }
        if !quiet {
            Terminal.error(
                "scrape frontier work: worker \(id): \(summary.completed) recorded (\(summary.failed) with errors), "
                    + "\(summary.retried) retries queued, \(summary.leaseLosses) completions discarded (lease lost), "
                    + "\(summary.reclaimed) expired leases reclaimed")
        }
        if signals.signal != 0 { throw ExitCode(128 + signals.signal) }
    }
}

struct FrontierStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Counts by state, records per minute, hosts waiting, and the workers seen lately.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Only this job.", valueName: "name"))
    var job: String?

    @Flag(help: "One JSON object instead of text.")
    var json = false

    func run() async throws {
        let (jobs, workers) = try await database.withStore("status") { [job] store throws(FrontierError) in
            try await store.requireCurrentSchema()
            return try await store.status(job: job)
        }
        print(json ? FrontierStatusText.json(jobs: jobs, workers: workers) : FrontierStatusText.text(jobs: jobs, workers: workers), terminator: "")
    }
}

struct FrontierExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a job's records as JSON Lines (the scrape run schema plus \"worker\"), in completion order.",
        discussion: "A regular file is written whole or not at all: into FILE.scrape-tmp, then renamed over FILE (through a symlink, onto its target). A device or a FIFO is written into.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The job.", valueName: "name"))
    var job: String

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where records go; - for standard output.", valueName: "file"))
    var output = "-"

    @Option(
        help: ArgumentHelp("Only records completed at or after this time (ISO 8601, e.g. 2026-11-30T12:00:00Z; without a zone, UTC).", valueName: "timestamp"),
        transform: { text in
            do {
                return try ISO8601Time(parsing: text)
            } catch {
                throw ValidationError("\(error)")
            }
        })
    var since: ISO8601Time?

    func run() async throws {
        let writer: RecordWriter
        do {
            writer = try RecordWriter(path: output, mode: .replaceWhole)
        } catch {
            Terminal.error("scrape frontier export: \(error)")
            throw ExitCode(error.kind == .refused ? 2 : 1)
        }
        let lines = Locked(writer)
        try await database.withStore("export") { [job, since] store throws(FrontierError) in
            try await store.requireCurrentSchema()
            guard let stored = try await store.job(named: job) else { throw .unknownJob(job) }
            _ = try await store.export(jobID: stored.id, since: since) { record, worker in
                try lines.withLock { writer throws(FrontierError) in
                    do {
                        try writer.appendLine { FrontierStore.exportLine(record: record, worker: worker, into: &$0) }
                    } catch let error as OutputError where error.kind == .closedPipe {
                        throw .closedPipe
                    } catch {
                        throw .output("\(error)")  // the output's fault, not the database's
                    }
                }
            }
            try lines.withLock { writer throws(FrontierError) in
                do { try writer.finish() } catch { throw .output("\(error)") }
            }
        }
    }
}
