import ScrapeHTTP

/// The config file's model (DESIGN.md, "Config file"), typed and with its defaults.
///
/// Parsing lives in `ScrapeConfiguration+YAML.swift`. The library layers never see
/// this type: `ScrapeConfiguration.HTTP.clientConfiguration` translates it for
/// `HTTPClient`, and the scheduler takes its own numbers.
public struct ScrapeConfiguration: Sendable {
    /// The `http:` section: client and politeness defaults for every run.
    public struct HTTP: Sendable, Equatable {
        /// Exponential backoff bounds for retries.
        public struct Backoff: Sendable, Equatable {
            /// First retry delay before jitter. Default 500 ms.
            public var initial: Duration = .milliseconds(500)
            /// Largest delay. Default 30 s.
            public var max: Duration = .seconds(30)
            public init() {}
        }

        /// Per-origin circuit breaker settings.
        public struct CircuitBreaker: Sendable, Equatable {
            /// Consecutive failures that open the breaker. Default 5.
            public var failures: Int = 5
            /// How long it stays open before a probe. Default 30 s.
            public var cooldown: Duration = .seconds(30)
            /// How long an origin may stay broken before its waiting URLs are written as
            /// `circuit_open`. Default 5 min: a restart or a deploy loses nothing.
            public var giveUpAfter: Duration = .seconds(300)
            public init() {}
        }

        /// Whether robots.txt is fetched and obeyed.
        public enum RobotsPolicy: String, Sendable, Equatable {
            case obey
            case ignore
        }

        /// Requests in flight, all hosts together. Default 64.
        public var concurrency: Int = 64
        /// Requests in flight to one host. Default 8: polite to one site, and with per-host
        /// queues one slow host never holds the others up.
        public var perHostConcurrency: Int = 8
        /// Global request rate; nil means unlimited. Requests are spaced evenly (burst 1).
        public var rate: Rate?
        /// Per-host request rate; nil means unlimited. A robots.txt `Crawl-delay` that is
        /// stricter wins for its host.
        public var perHostRate: Rate?
        /// Whole-transfer timeout. Default 30 s.
        public var timeout: Duration = .seconds(30)
        /// Connect timeout. Default 10 s.
        public var connectTimeout: Duration = .seconds(10)
        /// Retries of transient failures (connect errors, timeouts, resets, 408, 429, 500,
        /// 502, 503, 504). Default 3: four attempts at most.
        public var retries: Int = 3
        /// Retry backoff, with full jitter.
        public var backoff = Backoff()
        /// The longest `Retry-After` honoured; longer ones give up. Default 2 min.
        public var maxRetryAfter: Duration = .seconds(120)
        /// Per-host circuit breaker; its cooldown doubles after each failed probe, up to 10 min.
        public var circuitBreaker = CircuitBreaker()
        /// Largest body kept (decoded). Default 10 MiB.
        public var maxBody = ByteCount(bytes: 10 * 1024 * 1024)
        /// Redirects followed. Default 10.
        public var maxRedirects: Int = 10
        /// The `User-Agent` sent. Default `scrape/1.0`.
        public var userAgent: String = "scrape/\(ScrapeVersion.number)"
        /// robots.txt handling (RFC 9309). Default obey.
        public var robotsTxt: RobotsPolicy = .obey

        public init() {}
    }

    /// See ``HTTP``.
    public var http = HTTP()
    /// `jobs:`, in file order.
    public var jobs: [Job] = []
    /// `daemon:`; only `scrape daemon` reads it.
    public var daemon = Daemon()
    /// Whether the file has a `daemon:` section (then `check-config` applies the daemon's rules).
    public var hasDaemonSection = false

    /// The job named `name`.
    public func job(named name: String) -> Job? { jobs.first { $0.name == name } }

    /// The defaults.
    public init() {}
}
