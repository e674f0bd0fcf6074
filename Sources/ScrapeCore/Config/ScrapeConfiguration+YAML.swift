import Yams

/// Reads the config file (YAML) into ``ScrapeConfiguration``.
///
/// Keys, types and defaults (the README's config reference is written from this list):
///
/// | key | form | default |
/// |---|---|---|
/// | `http.concurrency` | integer >= 1 | 64 |
/// | `http.per_host_concurrency` | integer >= 1 | 8 |
/// | `http.rate`, `http.per_host_rate` | `N/s`, `N/m`, `N/h` | unlimited |
/// | `http.timeout` | duration (`250ms`, `30s`, `5m`, `1h`) | 30s |
/// | `http.connect_timeout` | duration | 10s |
/// | `http.retries` | integer >= 0 | 3 |
/// | `http.backoff` | `{initial: duration, max: duration}` | 500ms, 30s |
/// | `http.max_retry_after` | duration | 2m |
/// | `http.circuit_breaker` | `{failures: integer >= 1, cooldown: duration, give_up_after: duration}` | 5, 30s, 5m |
/// | `http.max_body` | size (`512KiB`, `10MiB`) | 10MiB |
/// | `http.max_redirects` | integer >= 0 | 10 |
/// | `http.user_agent` | string | `scrape/1.0` |
/// | `http.robots_txt` | `obey` or `ignore` | obey |
///
/// `jobs:` is read by `ScrapeConfiguration+JobsYAML.swift` (its keys are listed there);
/// `daemon:` by `ScrapeConfiguration+Daemon.swift`. Any other key, and any bad value, is a
/// ``ConfigurationError`` naming the key path and the line.
extension ScrapeConfiguration {
    /// Parses YAML text.
    ///
    /// - Throws: ``ConfigurationError``.
    public init(yaml text: String) throws(ConfigurationError) {
        self.init()
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError(key: "(file)", message: "not valid YAML: \(error)")
        }
        guard let root else { return }  // an empty file: all defaults
        let top = try YAMLMap(root, path: "")
        try top.allowOnly(["http", "jobs", "daemon"])
        if let http = top["http"] {
            self.http = try HTTP(YAMLMap(http, path: "http"))
        }
        if let jobs = top["jobs"] {
            let list = try YAMLList(jobs, path: "jobs")
            for index in list.items.indices {
                let job = try Job(list.map(index))
                if self.jobs.contains(where: { $0.name == job.name }) {
                    throw ConfigurationError(key: "jobs[\(index)].name", message: "duplicate job name \"\(job.name)\"", line: list.items[index].mark?.line)
                }
                self.jobs.append(job)
            }
        }
        if let daemon = top["daemon"] {
            self.daemon = try Daemon(YAMLMap(daemon, path: "daemon"))
            hasDaemonSection = true
        }
    }

    /// Reads and parses a file.
    ///
    /// - Throws: ``ConfigurationError`` (an unreadable file names the path).
    public init(contentsOfFile path: String) throws(ConfigurationError) {
        guard let text = FileContents.read(path) else {
            throw ConfigurationError(key: path, message: "cannot read the config file: \(FileContents.lastErrorDescription)")
        }
        try self.init(yaml: text)
    }
}

extension ScrapeConfiguration.HTTP {
    init(_ map: YAMLMap) throws(ConfigurationError) {
        self.init()
        try map.allowOnly([
            "concurrency", "per_host_concurrency", "rate", "per_host_rate", "timeout", "connect_timeout",
            "retries", "backoff", "max_retry_after", "circuit_breaker", "max_body", "max_redirects", "user_agent", "robots_txt",
        ])
        concurrency = try map.int("concurrency", minimum: 1) ?? concurrency
        perHostConcurrency = try map.int("per_host_concurrency", minimum: 1) ?? perHostConcurrency
        rate = try map.rate("rate")
        perHostRate = try map.rate("per_host_rate")
        timeout = try map.duration("timeout", positive: true) ?? timeout
        connectTimeout = try map.duration("connect_timeout", positive: true) ?? connectTimeout
        retries = try map.int("retries", minimum: 0) ?? retries
        if let node = map["backoff"] {
            let backoffMap = try YAMLMap(node, path: map.path("backoff"))
            try backoffMap.allowOnly(["initial", "max"])
            backoff.initial = try backoffMap.duration("initial") ?? backoff.initial
            backoff.max = try backoffMap.duration("max") ?? backoff.max
        }
        if let node = map["circuit_breaker"] {
            let breakerMap = try YAMLMap(node, path: map.path("circuit_breaker"))
            try breakerMap.allowOnly(["failures", "cooldown", "give_up_after"])
            circuitBreaker.failures = try breakerMap.int("failures", minimum: 1) ?? circuitBreaker.failures
            circuitBreaker.cooldown = try breakerMap.duration("cooldown") ?? circuitBreaker.cooldown
            circuitBreaker.giveUpAfter = try breakerMap.duration("give_up_after") ?? circuitBreaker.giveUpAfter
        }
        maxRetryAfter = try map.duration("max_retry_after") ?? maxRetryAfter
        maxBody = try map.byteCount("max_body") ?? maxBody
        maxRedirects = try map.int("max_redirects", minimum: 0) ?? maxRedirects
        userAgent = try map.headerValue("user_agent") ?? userAgent
        if let value = try map.string("robots_txt") {
            guard let policy = RobotsPolicy(rawValue: value) else {
                throw .expected("obey or ignore", key: map.path("robots_txt"), got: value, line: map.line("robots_txt"))
            }
            robotsTxt = policy
        }
    }
}
