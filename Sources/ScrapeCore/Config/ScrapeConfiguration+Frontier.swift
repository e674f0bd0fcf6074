extension ScrapeConfiguration {
    /// One fleet worker's settings: `daemon.frontier` in the config file, and the flags of
    /// `scrape frontier work` (docs/frontier.md).
    ///
    /// The defaults are written here and nowhere else: `FrontierWorker.Options`, the
    /// database's unreachable timeout, the flags' help text and docs/ (checked by
    /// `ConfigReferenceTests`) all read them from ``init()``. A job's politeness (per-host
    /// rate and concurrency, retries, robots.txt) is not here: it is stored with the job,
    /// with ``HTTP``'s defaults.
    public struct Frontier: Sendable, Equatable {
        /// The environment variable holding the database URL (a secret: it may carry the
        /// password), so the URL is never in the config file. Default `SCRAPE_DATABASE_URL`,
        /// which `scrape frontier` reads when `--db` is not given; `daemon.frontier` must
        /// name its variable.
        public var databaseURLEnvironment = "SCRAPE_DATABASE_URL"
        /// The environment variable holding the password, when the URL has none. Default
        /// nil: `PGPASSWORD`, as libpq and every PostgreSQL tool read it.
        public var passwordEnvironment: String?
        /// The jobs to work. Default empty: every job of the frontier, looked up again
        /// while idle, so a new job is picked up without a restart.
        public var jobs: [String] = []
        /// Fetches in flight on this worker. Default 50: the job's fleet-wide per-host
        /// limits, not this, keep a crawl polite, and 50 keeps one machine busy on slow
        /// pages without holding many leases it cannot serve.
        public var concurrency = 50
        /// How long a claimed URL stays this worker's without renewal; renewed every third
        /// of it. Default 2m: a worker killed with `kill -9` delays its URLs by at most
        /// that, and renewals stay a few statements a minute.
        public var lease: Duration = .seconds(120)
        /// How long the database may be unreachable before the worker gives up (exit 1;
        /// systemd restarts it). Default 5m: a PostgreSQL restart or a failover passes
        /// unnoticed, a database gone for good is reported.
        public var unreachableTimeout: Duration = .seconds(300)
        /// This worker's name in `status` and the records' `"worker"`. Default nil:
        /// `HOSTNAME-PID`, unique on a machine and telling which machine.
        public var workerID: String?

        /// The defaults.
        public init() {}

        /// The defaults, the URL read from `databaseURLEnvironment`.
        public init(databaseURLEnvironment: String) {
            self.databaseURLEnvironment = databaseURLEnvironment
        }
    }
}

extension ScrapeConfiguration.Frontier {
    /// The single-valued keys of `daemon.frontier`, each of which a `scrape frontier work`
    /// flag also sets.
    ///
    /// The YAML reader and the flags both go through ``set(_:from:source:line:)``, as
    /// ``ScrapeConfiguration/HTTP/Setting`` does for `http:` and `scrape run`: a flag and
    /// its key accept the same text and say the same thing about a bad one.
    public enum Setting: String, CaseIterable, Sendable {
        case concurrency
        case lease
        case unreachableTimeout = "unreachable_timeout"
        case workerID = "worker_id"

        /// The key's name in `daemon.frontier`.
        public var key: String { rawValue }
        /// The flag's name: `--unreachable-timeout` for `unreachable_timeout`.
        public var flag: String { "--" + String(rawValue.map { $0 == "_" ? "-" : $0 }) }
    }

    /// The shortest lease: renewals every third of it must have time for a round trip.
    public static let minimumLease: Duration = .seconds(1)
    /// The longest worker name `status` shows whole.
    public static let maximumWorkerIDLength = 200

    /// Sets `setting` from its text form.
    ///
    /// - Parameters:
    ///   - source: the key path (`daemon.frontier.lease`) or the flag (`--lease`), for the error.
    ///   - line: the config file line, when the text comes from one.
    /// - Throws: ``ConfigurationError`` naming `source`.
    public mutating func set(_ setting: Setting, from text: String, source: String, line: Int? = nil) throws(ConfigurationError) {
        func parse<T>(_ parser: (String) throws(ValueParser.Mismatch) -> T) throws(ConfigurationError) -> T {
            try ValueParser.parse(text, as: source, line: line, with: parser)
        }
        switch setting {
        case .concurrency:
            concurrency = try parse { t throws(ValueParser.Mismatch) in try ValueParser.integer(t, minimum: 1) }
        case .lease:
            lease = try parse { t throws(ValueParser.Mismatch) in
                let lease = try ValueParser.duration(t, positive: true)
                guard lease >= Self.minimumLease else { throw ValueParser.Mismatch(expected: "a duration of 1s or more, like 30s or 2m") }
                return lease
            }
        case .unreachableTimeout:
            unreachableTimeout = try parse { t throws(ValueParser.Mismatch) in try ValueParser.duration(t, positive: true) }
        case .workerID:
            guard !text.isEmpty, text.utf8.count <= Self.maximumWorkerIDLength else {
                throw ConfigurationError(key: source, message: "expected 1 to \(Self.maximumWorkerIDLength) characters, got \(text.utf8.count)", line: line)
            }
            workerID = text
        }
    }
}
