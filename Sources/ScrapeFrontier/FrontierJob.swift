public import ScrapeCore

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

    /// A job with `http`'s settings (the defaults of `scrape run` when `http` is default).
    public init(name: String, http: ScrapeConfiguration.HTTP = .init()) {
        self.name = name
        perHostRate = http.perHostRate
        perHostConcurrency = http.perHostConcurrency
        retries = http.retries
        obeyRobots = http.robotsTxt == .obey
    }

    public init(name: String, perHostRate: Rate?, perHostConcurrency: Int, retries: Int, obeyRobots: Bool) {
        self.name = name
        self.perHostRate = perHostRate
        self.perHostConcurrency = perHostConcurrency
        self.retries = retries
        self.obeyRobots = obeyRobots
    }

    /// Settings given on an `add` command line; nil: not given (the stored one stands, or
    /// for a new job the default).
    public struct Changes: Sendable, Equatable {
        public var perHostRate: Rate?
        public var perHostConcurrency: Int?
        public var retries: Int?
        public var ignoreRobots: Bool?

        public init(perHostRate: Rate? = nil, perHostConcurrency: Int? = nil, retries: Int? = nil, ignoreRobots: Bool? = nil) {
            self.perHostRate = perHostRate
            self.perHostConcurrency = perHostConcurrency
            self.retries = retries
            self.ignoreRobots = ignoreRobots
        }
    }

    /// This job with `changes` applied.
    public func applying(_ changes: Changes) -> FrontierJob {
        var job = self
        if let rate = changes.perHostRate { job.perHostRate = rate }
        if let concurrency = changes.perHostConcurrency { job.perHostConcurrency = concurrency }
        if let retries = changes.retries { job.retries = retries }
        if let ignore = changes.ignoreRobots { job.obeyRobots = !ignore }
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
        return list
    }

    /// Job names are shown and typed: letters, digits, `-`, `_`, `.`, up to 100.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 100
            && name.unicodeScalars.allSatisfy { ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }
}
