public import ScrapeCore
public import ScrapeCrawl

/// A named set of URLs in the frontier and the politeness it is crawled with: limits for
/// the whole fleet, stored with the job when `add` creates it, so every worker obeys the
/// same ones whatever its own flags or config.
public struct FrontierJob: Sendable, Equatable {
    public var name: String
    /// Requests per second to one host from all workers together; nil: unlimited.
    public var perHostRate: Rate?
    /// Requests in flight to one host from all workers together.
    public var perHostConcurrency: Int
    /// Retries of transient failures, as `http.retries`.
    public var retries: Int
    /// Whether robots.txt is fetched (once per origin for the fleet) and obeyed.
    public var obeyRobots: Bool
    /// The fields every worker takes from every HTML page, `NAME=SPEC` as `--field` takes
    /// them, in order; empty for titles only.
    public var fields: [String] = []
    /// Whether records get the page's `metadata`.
    public var metadata = false
    /// A crawl job's rules (`add --crawl`): workers add the links of the pages they fetch,
    /// as `scrape crawl` does; nil for a list job (only the URLs added are fetched).
    public var crawl: CrawlSettings.Rules?

    /// A job with `http`'s settings (the defaults of `scrape run` when `http` is default).
    public init(name: String, http: ScrapeConfiguration.HTTP = .init()) {
        self.name = name
        perHostRate = http.perHostRate
        perHostConcurrency = http.perHostConcurrency
        retries = http.retries
        obeyRobots = http.robotsTxt == .obey
    }

    public init(
        name: String, perHostRate: Rate?, perHostConcurrency: Int, retries: Int, obeyRobots: Bool, fields: [String] = [], metadata: Bool = false,
        crawl: CrawlSettings.Rules? = nil
    ) {
        self.name = name
        self.perHostRate = perHostRate
        self.perHostConcurrency = perHostConcurrency
        self.retries = retries
        self.obeyRobots = obeyRobots
        self.fields = fields
        self.metadata = metadata
        self.crawl = crawl
    }

    /// The crawl's settings as a worker applies them (no seeds: each URL carries its own).
    ///
    /// - Throws: ``ConfigurationError`` for stored rules that do not compile (a database
    ///   written by hand; `add` checks them).
    public func crawlSettings() throws(ConfigurationError) -> CrawlSettings? {
        guard let crawl else { return nil }
        return try CrawlSettings(seeds: [], rules: crawl)
    }

    /// The job's fields and metadata as a run takes them, each field read by `--field`'s
    /// reader (named `job NAME: fields[N]` in an error).
    ///
    /// - Throws: ``ConfigurationError`` for a stored field that does not read (a database
    ///   written by hand).
    public func extraction() throws(ConfigurationError) -> ScrapeConfiguration.Extraction {
        var extraction = ScrapeConfiguration.Extraction()
        for (index, field) in fields.enumerated() { try extraction.add(field, source: "job \(name): fields[\(index)]") }
        extraction.metadata = metadata
        return extraction
    }

    /// Settings given on an `add` command line; nil: not given (the stored one stands, or
    /// for a new job the default).
    public struct Changes: Sendable, Equatable {
        public var perHostRate: Rate?
        public var perHostConcurrency: Int?
        public var retries: Int?
        public var ignoreRobots: Bool?
        /// `--field`s given (the whole list replaces the stored one); nil: none given.
        public var fields: [String]?
        /// `--metadata` / `--no-metadata`; nil: neither given.
        public var metadata: Bool?
        /// `--crawl` and its rules; nil: not given (a crawl job stays one, and the lines
        /// added to it are seeds).
        public var crawl: CrawlSettings.Rules?

        public init(
            perHostRate: Rate? = nil, perHostConcurrency: Int? = nil, retries: Int? = nil, ignoreRobots: Bool? = nil, fields: [String]? = nil,
            metadata: Bool? = nil, crawl: CrawlSettings.Rules? = nil
        ) {
            self.perHostRate = perHostRate
            self.perHostConcurrency = perHostConcurrency
            self.retries = retries
            self.ignoreRobots = ignoreRobots
            self.fields = fields
            self.metadata = metadata
            self.crawl = crawl
        }
    }

    /// This job with `changes` applied.
    public func applying(_ changes: Changes) -> FrontierJob {
        var job = self
        if let rate = changes.perHostRate { job.perHostRate = rate }
        if let concurrency = changes.perHostConcurrency { job.perHostConcurrency = concurrency }
        if let retries = changes.retries { job.retries = retries }
        if let ignore = changes.ignoreRobots { job.obeyRobots = !ignore }
        if let fields = changes.fields { job.fields = fields }
        if let metadata = changes.metadata { job.metadata = metadata }
        if let crawl = changes.crawl { job.crawl = crawl }
        return job
    }

    /// The settings that differ from `other`'s, as `--flag: stored → given`.
    func differences(from other: FrontierJob) -> [String] {
        var list: [String] = []
        if perHostRate != other.perHostRate {
            list.append("--per-host-rate \(other.perHostRate?.description ?? "unlimited") (stored: \(perHostRate?.description ?? "unlimited"))")
        }
        if perHostConcurrency != other.perHostConcurrency {
            list.append("--per-host-concurrency \(other.perHostConcurrency) (stored: \(perHostConcurrency))")
        }
        if retries != other.retries { list.append("--retries \(other.retries) (stored: \(retries))") }
        if obeyRobots != other.obeyRobots {
            list.append(other.obeyRobots ? "robots.txt obeyed (stored: --ignore-robots)" : "--ignore-robots (stored: robots.txt obeyed)")
        }
        if fields != other.fields {
            func spelled(_ fields: [String]) -> String { fields.isEmpty ? "none" : fields.map { "--field \($0)" }.joined(separator: " ") }
            list.append("\(spelled(other.fields)) (stored: \(spelled(fields)))")
        }
        if metadata != other.metadata { list.append(other.metadata ? "--metadata (stored: none)" : "--no-metadata (stored: --metadata)") }
        if crawl != other.crawl { list.append("\(Self.spelled(other.crawl)) (stored: \(Self.spelled(crawl)))") }
        return list
    }

    /// Job names are shown and typed: letters, digits, `-`, `_`, `.`, up to 100.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 100
            && name.unicodeScalars.allSatisfy { ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    /// A crawl's rules as the flags that give them (`--crawl --scope host …`), or
    /// `a list job` for none.
    static func spelled(_ crawl: CrawlSettings.Rules?) -> String {
        guard let crawl else { return "a list job" }
        var flags = ["--crawl --scope \(crawl.scope)"]
        flags.append("--max-depth \(crawl.maxDepth.map(String.init) ?? "unlimited")")
        flags.append("--max-pages \(crawl.maxPages.map(String.init) ?? "unlimited")")
        flags += crawl.allow.map { "--allow '\($0)'" } + crawl.deny.map { "--deny '\($0)'" }
        flags.append("--follow '\(crawl.follow)'")
        return flags.joined(separator: " ")
    }
}
