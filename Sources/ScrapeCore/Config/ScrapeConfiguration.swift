public import ScrapeHTTP
public import ScrapeResilience

/// The config file's model (docs/ARCHITECTURE.md, "Config file"), typed and with its defaults.
///
/// Parsing lives in `ScrapeConfiguration+YAML.swift`. The library layers never see
/// this type: `ScrapeConfiguration.HTTP.clientConfiguration` translates it for
/// `HTTPClient`, and the scheduler takes its own numbers.
public struct ScrapeConfiguration: Sendable {
    /// The `http:` section: client and politeness settings for every run.
    ///
    /// Its defaults are not written here: each comes from the library type that implements
    /// the behaviour (``HTTPClient/Configuration``, `RetryPolicy`, `Backoff`,
    /// `CircuitBreaker.Configuration`), so the config file, the flags' help text, the
    /// documentation (docs/config.md and docs/run.md, checked by `ConfigReferenceTests`) and
    /// the engine cannot disagree.
    public struct HTTP: Sendable, Equatable {
        /// The per-origin circuit breaker's settings (keys `failures`, `cooldown`, `give_up_after`).
        public typealias BreakerSettings = CircuitBreaker<ContinuousClock.Instant>.Configuration

        /// Whether robots.txt is fetched and obeyed.
        public enum RobotsPolicy: String, Sendable, Equatable {
            case obey
            case ignore
        }

        /// Requests in flight, all hosts together: the client's connection limit.
        public var concurrency: Int
        /// Requests in flight to one host: polite to one site, and with per-host queues one
        /// slow host never holds the others up. With ``adaptivePerHostConcurrency``, the
        /// ceiling of each host's limit.
        public var perHostConcurrency: Int
        /// `per_host_concurrency: auto` (or `auto:N`): each host's limit starts at 2 and
        /// adapts to its answers (``AdaptiveLimit`` in ScrapeResilience), up to
        /// ``perHostConcurrency``.
        public var adaptivePerHostConcurrency = false
        /// The ceiling of `auto` without `:N`.
        public static let adaptiveCeiling = 16
        /// Global request rate; nil means unlimited. Requests are spaced evenly (burst 1).
        public var rate: Rate?
        /// Per-host request rate; nil means unlimited. A robots.txt `Crawl-delay` that is
        /// stricter wins for its host.
        public var perHostRate: Rate?
        /// Whole-transfer timeout.
        public var timeout: Duration
        /// Connect timeout.
        public var connectTimeout: Duration
        /// Retries of transient failures (connect errors, timeouts, resets, 408, 429, 500,
        /// 502, 503, 504).
        public var retries: Int
        /// Retry backoff, with full jitter.
        public var backoff: Backoff
        /// The longest `Retry-After` honoured; longer ones give up.
        public var maxRetryAfter: Duration
        /// Per-origin circuit breaker; its cooldown doubles after each failed probe.
        public var circuitBreaker: BreakerSettings
        /// Largest body kept (decoded).
        public var maxBody: ByteCount
        /// Redirects followed.
        public var maxRedirects: Int
        /// The `User-Agent` sent.
        public var userAgent: String
        /// robots.txt handling (RFC 9309). Default obey.
        public var robotsTxt: RobotsPolicy = .obey
        /// `headers` (and `--header`): sent on every request of a run; a request's own
        /// header of the same name wins (`ScrapeConfiguration+Headers.swift`). Default none.
        public var headers = HTTPHeaders()
        /// `cookies` (and `--cookies`): one cookie jar for each run. Default false: a list of
        /// unrelated sites carries no state between them (`ScrapeConfiguration+Cookies.swift`).
        public var cookies = false
        /// `cookie_jar` (and `--cookie-jar`): the Netscape cookie file the run's jar is loaded
        /// from and saved to; implies ``cookies``. Default none.
        public var cookieJar: String?
        /// `proxy`, `proxies`, `no_proxy`, `proxy_rotation` (`ScrapeConfiguration+Proxy.swift`).
        public var proxy = ProxySettings()

        /// The defaults, read from the types that own them.
        public init() {
            let client = HTTPClient.Configuration()
            let retry = RetryPolicy()
            concurrency = client.connections.maxTotal
            perHostConcurrency = client.connections.maxPerHost
            timeout = client.timeouts.total
            connectTimeout = client.timeouts.connect
            retries = retry.maxAttempts - 1
            backoff = retry.backoff
            maxRetryAfter = retry.maxRetryAfter
            circuitBreaker = BreakerSettings()
            maxBody = ByteCount(bytes: client.limits.maxBodyBytes)
            maxRedirects = client.limits.maxRedirects
            userAgent = client.userAgent
        }
    }

    /// See ``HTTP``.
    public var http = HTTP()
    /// The top-level `fields:` and `metadata:`: what `scrape run --config` takes from each
    /// HTML page besides its title (its `--field` and `--metadata` flags go over them).
    public var extraction = Extraction()
    /// `jobs:`, in file order.
    public var jobs: [Job] = []
    /// `login:` for `scrape run --config` and `scrape crawl --config`; jobs have their own.
    public var login: Login?
    /// `daemon:`; only `scrape daemon` reads it.
    public var daemon = Daemon()
    /// Whether the file has a `daemon:` section (then `check-config` applies the daemon's rules).
    public var hasDaemonSection = false
    /// Whether the file has a `jobs:` key (`jobs: []` included): a reload that would stop
    /// every job applies only a file that says so.
    public var hasJobsSection = false

    /// The defaults.
    public init() {}
}
